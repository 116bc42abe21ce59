"""Monthly abatement points by service since the first return, with a description in words."""

from __future__ import annotations

import matplotlib.dates as mdates
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from scrutiny.abate.abatement import ALL_SERVICES
from scrutiny.core.months import month_name
from scrutiny.report.charts.style import SERVICE_PALETTE, styled

_MARKERS = ["o", "s", "^", "D", "v", "P", "X"]


@styled
def abatement_points_chart(service_months: pd.DataFrame, *, services: dict[str, str],
                           title: str = "Abatement points per month by service",
                           illustrative: bool = True) -> Figure:
    """Line chart of monthly abatement points per service.

    Parameters
    ----------
    service_months : pandas.DataFrame
        ``Abatement.service_months`` (``service, month, points``; ``ALL`` rows are left out).
    services : dict
        Service code -> name, in contract order. Each service has its own marker shape, named
        in the legend, so colour is never the only signal.
    illustrative : bool
        Adds "(illustrative terms)" to the title when the points rest on illustrative terms.

    Returns
    -------
    matplotlib.figure.Figure
    """
    rows = service_months[service_months["service"] != ALL_SERVICES]
    data = rows.assign(date=rows["month"].dt.to_timestamp(),
                       name=rows["service"].map(services))
    names = [services[s] for s in services if s in set(rows["service"])]
    fig = Figure(figsize=(9, 4.5))
    ax = fig.subplots()
    sns.lineplot(data=data, x="date", y="points", hue="name", style="name", hue_order=names,
                 style_order=names, palette=SERVICE_PALETTE[: len(names)],
                 markers=_MARKERS[: len(names)], dashes=False, ax=ax)
    ax.set_xlabel("Month")
    ax.set_ylabel("Abatement points (after multipliers)")
    ax.set_title(title + (" (illustrative terms)" if illustrative else ""))
    ax.legend(title="Service", frameon=False, fontsize=8, loc="upper left",
              bbox_to_anchor=(1.01, 1))
    ax.set_ylim(bottom=0)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    fig.autofmt_xdate()
    fig.tight_layout()
    return fig


def alt_text(service_months: pd.DataFrame, *, services: dict[str, str]) -> str:
    """Describe the abatement chart in words for screen readers."""
    rows = service_months[service_months["service"] != ALL_SERVICES]
    if rows.empty:
        return "Abatement points chart: no months to show."
    first, last = rows["month"].min(), rows["month"].max()
    totals = rows.groupby("service")["points"].sum()
    parts = []
    for code, name in services.items():
        if code not in totals:
            continue
        own = rows[rows["service"] == code]
        peak = own.loc[own["points"].idxmax()]
        parts.append(f"{name} {totals[code]:,.2f} points in total, highest "
                     f"{peak['points']:,.2f} in {month_name(peak['month'])}")
    return (f"Line chart of abatement points per month for each service, "
            f"{month_name(first)} to {month_name(last)}. " + "; ".join(parts) + ".")
