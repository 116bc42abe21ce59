"""Period-report sections by concern, each a function of the report returning report HTML.

* :mod:`scrutiny.sections.insight`: exceptions register, trends and early warnings,
  Procurement Act 2023 ratings.
* :mod:`scrutiny.sections.money`: abatement points and service credits, the terms used, and the
  cost of mitigation.

Every function takes a :class:`scrutiny.period_report.PeriodReport` and returns
:class:`scrutiny.report.Html`; every number is computed by the library, never typed.
"""
