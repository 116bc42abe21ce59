"""Layer ``render``: notebooks to committee HTML.

Holds the choosing of reports from the render options (``render.select``), the batch
(``render.batch``: plan, render, per-report manifests, the index from them), kernels, executors,
freshness records and the nbconvert step (``render.committee``, template under
``render/templates/committee/``). The registry of report kinds is ``report.registry``; the batch
and the warm kernel's preload only read it.

May import: every layer before it (``core`` to ``report``). Only ``cli`` imports ``render``.
"""

import sys

# nbformat imports jsonschema, whose import builds rfc3987_syntax's Lark grammar when that package
# is installed (Jupyter's own dependencies install it): ~2 s of CPU in every process that renders.
# The grammar serves only the "iri" formats of draft-7+ schemas; notebooks are validated against
# nbformat's draft-4 schema by fastjsonschema (nbformat's default), which never uses it. So the
# renderer's processes do without it, unless something imported jsonschema already.
if "jsonschema" not in sys.modules:
    sys.modules.setdefault("rfc3987_syntax", None)
