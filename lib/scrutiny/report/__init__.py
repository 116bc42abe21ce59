"""Layer ``report``: what each report says.

Holds one parameters model per report kind and their registry (``report.params``), the HTML
building blocks (``report.html``, Jinja2 templates under ``report/templates/``, markupsafe),
charts, provenance, and one module or folder per report kind (``period/``, ``council``,
``portfolio``) whose report object computes each table once for every section.

May import: ``core``, ``load``, ``score``, ``abate``, ``insight``, ``systems``, ``ingest``;
never ``render`` or ``cli``.
"""
