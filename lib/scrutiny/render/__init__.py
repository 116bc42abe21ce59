"""Notebooks to committee HTML: batch, kernels, executors, freshness, committee conversion."""

import sys

# nbformat imports jsonschema, whose import builds rfc3987_syntax's Lark grammar when that package
# is installed (Jupyter's own dependencies install it): ~2 s of CPU in every process that renders.
# The grammar serves only the "iri" formats of draft-7+ schemas; notebooks are validated against
# nbformat's draft-4 schema by fastjsonschema (nbformat's default), which never uses it. So the
# renderer's processes do without it, unless something imported jsonschema already.
if "jsonschema" not in sys.modules:
    sys.modules.setdefault("rfc3987_syntax", None)
