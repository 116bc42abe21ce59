"""Period-report sections by concern, each a function of the report returning report HTML.

* :mod:`scrutiny.report.period.insight`: exceptions register, trends and early warnings,
  Procurement Act 2023 ratings.
* :mod:`scrutiny.report.period.money`: abatement points and service credits, the terms used, and the
  cost of mitigation.

Every function takes a :class:`scrutiny.report.period.scorecard.PeriodReport` and returns
:class:`scrutiny.report.html.Html`; every number is computed by the library, never typed.
"""
