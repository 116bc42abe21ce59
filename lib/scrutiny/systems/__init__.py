"""Layer ``systems``: the non-KPI datasets.

Holds the computations on project portfolios, shared ICT services, action plans and partnerships
(each read by its loader in ``load``), with their data checks (e.g. ``known_council``,
``require_snapshot``) that report parameters call.

May import: ``core``, ``load`` only.
"""
