"""Period-report sections by concern, each a function of the report returning a section tree
(:class:`scrutiny.report.structure.Section`).

* :mod:`scrutiny.report.period.insight`: exceptions register, trends and early warnings,
  Procurement Act 2023 ratings.
* :mod:`scrutiny.report.period.money`: abatement points and service credits, the terms used, and the
  cost of mitigation.

Every section function takes a :class:`scrutiny.report.period.scorecard.PeriodReport` and
returns a :class:`~scrutiny.report.structure.Section` (the title block is HTML); every number is
computed by the library, never typed. :mod:`scrutiny.report.period.sections` lists them in
order for the JSON and Excel flavours.
"""
