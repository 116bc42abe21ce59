"""Period-report sections by concern, each a function of the report returning a section tree
(:class:`scrutiny.report.structure.Section`; the exceptions, trends, ratings and appendix still
return report HTML, which the HTML flavour passes through).

* :mod:`scrutiny.report.period.insight`: exceptions register, trends and early warnings,
  Procurement Act 2023 ratings.
* :mod:`scrutiny.report.period.money`: abatement points and service credits, the terms used, and the
  cost of mitigation.

Every function takes a :class:`scrutiny.report.period.scorecard.PeriodReport` and returns
a :class:`~scrutiny.report.structure.Section` or :class:`scrutiny.report.html.Html`; every number is computed by the library, never typed.
"""
