"""Layer ``report``: what each report says.

Holds one folder per report kind (``period/``, ``council/``, ``portfolio/``, ``action_plan/``,
``partnership/``, ``kpi_card/``: its parameters model in ``params.py``, its report object and its
sections), the registry of kinds (``report.registry``: one line a kind, and the one opener
``open_report``), what the kinds share (``report.params``: parameters; ``report.opened``: report
objects), the HTML building blocks
(``report.html``, Jinja2 templates under ``report/templates/``, markupsafe), charts and
provenance. KPI reports read the contract through its handle
(``insight.contract_handle``), which computes each table once for every section.

May import: ``core``, ``load``, ``score``, ``abate``, ``insight``, ``systems``, ``ingest``;
never ``render`` or ``cli``.
"""
