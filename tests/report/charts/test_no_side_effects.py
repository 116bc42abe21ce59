"""Importing the library must not change an analyst's matplotlib set-up."""

import subprocess
import sys

CHECK = """
import matplotlib
before = dict.__getitem__(matplotlib.rcParams, "backend")
import scrutiny.render.batch, scrutiny.report.html
import scrutiny.report.charts.abatement, scrutiny.report.charts.risk
import scrutiny.report.charts.shared_ict, scrutiny.report.charts.trend
import scrutiny.report.period.scorecard, scrutiny.report.council, scrutiny.report.portfolio
after = dict.__getitem__(matplotlib.rcParams, "backend")
print(before == after, "matplotlib.pyplot" in __import__("sys").modules and
      __import__("matplotlib.pyplot").pyplot.get_fignums())
"""


def test_importing_report_modules_leaves_the_matplotlib_backend_alone():
    done = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True,
                          check=True, env={"PATH": "/usr/bin:/bin"})
    assert done.stdout.split()[0] == "True", done.stdout


def test_charts_are_not_registered_with_pyplot():
    import matplotlib.pyplot as plt
    import pandas as pd

    from scrutiny.report.charts import risk

    risks = pd.DataFrame({"risk_id": ["R1"], "risk": ["Loss"], "impact": [3], "likelihood": [2]})
    before = plt.get_fignums()
    risk.risk_heatmap(risks, scale=(1, 3))
    assert plt.get_fignums() == before  # nothing left open for pyplot to show or leak
