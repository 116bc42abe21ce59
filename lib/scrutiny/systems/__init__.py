"""Layer ``systems``: the non-KPI datasets.

Holds project portfolios, shared ICT services, action plans and partnerships, each with its own
data checks (e.g. ``known_council``, ``require_snapshot``) that report parameters call.

May import: ``core``, ``load`` only.
"""
