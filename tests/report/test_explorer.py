"""The KPI explorer's logic, exercised without a browser."""

import pandas as pd
import pytest

from scrutiny.report import explorer
from scrutiny.report.charts import trend


@pytest.fixture(scope="module")
def loaded():
    return explorer.scored("lincolnshire-css")


def test_contracts_and_options_follow_the_data(loaded):
    contract, scores = loaded
    assert "lincolnshire-css" in explorer.kpi_contracts()
    assert [code for _, code in explorer.service_options(contract)] == ["PM", "IMT", "CSC",
                                                                       "ACF", "F"]
    pm = explorer.kpi_options(scores, "PM")
    assert [k for _, k in pm] == [f"PM_KPI_{i:02d}" for i in range(1, 11)]
    assert pm[0][0].startswith("PM_KPI_01 - % of Payroll")
    months = explorer.month_options(scores)
    assert (months[0][0], months[-1][0]) == ("Jul 2015", "Jun 2016")


def test_long_kpi_names_are_cut_with_an_ellipsis_and_written_whole_beside(loaded):
    _, scores = loaded
    acf = dict((k, label) for label, k in explorer.kpi_options(scores, "ACF"))
    assert acf["ACF_KPI_03"].endswith("\u2026") and len(acf["ACF_KPI_03"]) < 90
    assert explorer.kpi_name(scores, "ACF_KPI_03").endswith("referral from the Council")
    app = explorer.Explorer("lincolnshire-css")
    app.service.value = "ACF"
    app.kpi.value = "ACF_KPI_03"
    assert "referral from the Council" in app.kpi_name.value


def test_select_keeps_one_kpi_within_the_range_inclusive(loaded):
    _, scores = loaded
    rows = explorer.select(scores, kpi_id="CSC_KPI_09", start=pd.Period("2016-04", "M"),
                           end=pd.Period("2016-06", "M"))
    assert rows["month"].astype(str).tolist() == ["2016-04", "2016-05", "2016-06"]
    assert set(rows["kpi_id"]) == {"CSC_KPI_09"}


def test_history_table_labels_rag_and_shows_overrides(loaded):
    _, scores = loaded
    rows = explorer.select(scores, kpi_id="CSC_KPI_09", start=pd.Period("2016-05", "M"),
                           end=pd.Period("2016-06", "M"))
    markup = explorer.history_table(rows, kpi_id="CSC_KPI_09").markup
    expected_labels = rows["rag"].str.capitalize()
    for label in expected_labels:
        assert f">{label}</td>" in markup
    assert "agreement has been made to lower the TSL and MSL" in markup
    assert ">95</td>" in markup and ">90</td>" in markup


def test_history_table_escapes_text_from_data():
    rows = pd.DataFrame({
        "month": [pd.Period("2016-01", "M")], "value": [float("nan")],
        "status": ["Data not available"], "rag": ["red"], "tsl": [90.0], "msl": [80.0],
        "basis": ["<script>alert(1)</script>"], "override_reason": [None],
    })
    markup = explorer.history_table(rows, kpi_id="X_KPI_01").markup
    assert "<script>" not in markup and "&lt;script&gt;" in markup
    assert ">Data not available</td>" in markup


def test_trend_view_has_alt_text_and_an_empty_range_says_so(loaded):
    _, scores = loaded
    rows = explorer.select(scores, kpi_id="PM_KPI_01", start=pd.Period("2015-07", "M"),
                           end=pd.Period("2016-06", "M"))
    markup = explorer.trend_view(rows, kpi_id="PM_KPI_01").markup
    assert 'alt="PM_KPI_01: % of Payroll' in markup and "12 months" in markup
    empty = explorer.trend_view(rows.iloc[0:0], kpi_id="PM_KPI_01").markup
    assert "no results in the months chosen" in empty


def test_trend_alt_text_counts_every_month(loaded):
    _, scores = loaded
    rows = explorer.select(scores, kpi_id="IMT_KPI_05", start=pd.Period("2015-07", "M"),
                           end=pd.Period("2016-06", "M"))
    text = trend.alt_text(rows, title="IMT_KPI_05")
    counts = rows["rag"].value_counts()
    for rag, n in counts.items():
        assert f"{n} {rag.capitalize()}" in text


def test_widgets_drive_the_view():
    app = explorer.Explorer("lincolnshire-css")
    assert (app.service.value, app.kpi.value) == ("PM", "PM_KPI_01")
    assert "RAG history of PM_KPI_01" in app.output.value
    app.service.value = "ACF"
    assert app.kpi.value == "ACF_KPI_01"
    assert "RAG history of ACF_KPI_01" in app.output.value
    app.kpi.value = "ACF_KPI_03"
    app.start.value, app.end.value = pd.Period("2016-03", "M"), pd.Period("2016-05", "M")
    table = app.output.value.split("<table")[1]
    assert table.count('<th scope="row">') == 3
    assert "March 2016" in table and "May 2016" in table and "June 2016" not in table
    # The override reason covers all three months: written once, each month points to it.
    assert app.output.value.count("Note 1</td>") == 3 and "Note 2" not in app.output.value
    assert app.output.value.count("agreement") == 1


def test_abatement_detail_follows_the_engine(loaded):
    kpi_months, illustrative = explorer.abated("lincolnshire-css")
    markup = explorer.abatement_table(kpi_months, kpi_id="PM_KPI_02",
                                      start=pd.Period("2015-07", "M"),
                                      end=pd.Period("2015-09", "M"),
                                      illustrative=illustrative).markup
    rows = kpi_months[(kpi_months["kpi_id"] == "PM_KPI_02")
                      & kpi_months["month"].between(pd.Period("2015-07", "M"),
                                                    pd.Period("2015-09", "M"))]
    # Data not available every month: multipliers 1, 1.5, 2 on the KPI's full allocation.
    for multiplier in ("1", "1.5", "2"):
        assert f">{multiplier}</td>" in markup
    assert f"attracted {rows['points'].sum():,.2f} abatement points" in markup
    assert "illustrative terms" in markup


def test_trend_statistics_match_the_reports_trend_test(loaded):
    _, scores = loaded
    markup = explorer.trend_statistics(scores, kpi_id="F_KPI_01", start=pd.Period("2016-01", "M"),
                                       end=pd.Period("2016-06", "M")).markup
    assert ">improving</td>" in markup and ">January 2016 to June 2016</td>" in markup
    empty = explorer.trend_statistics(scores, kpi_id="F_KPI_99", start=pd.Period("2016-01", "M"),
                                      end=pd.Period("2016-06", "M"))
    assert "no result in June 2016" in empty.markup


def test_trend_statistics_cover_the_months_chosen(loaded):
    _, scores = loaded
    july = pd.Period("2015-07", "M")
    alone = explorer.trend_statistics(scores, kpi_id="F_KPI_01", start=july, end=july).markup
    assert "at least two months" in alone and "February 2015" not in alone
    year = explorer.trend_statistics(scores, kpi_id="F_KPI_01", start=july,
                                     end=pd.Period("2016-06", "M")).markup
    assert ">July 2015 to June 2016</td>" in year and "Least headroom over target" in year


def test_chart_draws_months_without_a_number_and_lists_only_what_is_drawn(loaded):
    _, scores = loaded
    rows = explorer.select(scores, kpi_id="PM_KPI_01", start=pd.Period("2015-07", "M"),
                           end=pd.Period("2016-06", "M"))
    # November 2015 is Red, data not available: marked on the axis, labelled "no data".
    assert rows.loc[rows["month"] == pd.Period("2015-11", "M"), "rag"].item() == "red"
    fig = trend.kpi_trend(rows, title="PM_KPI_01")
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.texts]
    assert labels.count("no data") == int(rows["value"].isna().sum()) >= 1
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    drawn = {r.capitalize() for r in rows.loc[rows["value"].notna(), "rag"]}
    assert {"Green", "Amber", "Red", "Blue"} & set(legend) == drawn
    assert "no number (marked on the axis)" in legend
    assert "without a number" in trend.alt_text(rows, title="PM_KPI_01")


def test_kpi_table_is_a_dataframe_that_follows_the_whatif(loaded):
    start, end = pd.Period("2015-07", "M"), pd.Period("2016-06", "M")
    own = explorer.kpi_table("lincolnshire-css", kpi_id="ACF_KPI_03", start=start, end=end)
    full = explorer.kpi_table("lincolnshire-css", kpi_id="ACF_KPI_03", start=start, end=end,
                              amber_fraction=1.0)
    assert len(own) == 12 and {"month", "value", "rag", "run_length", "points"} <= set(own)
    amber = own["rag"] == "Amber"
    assert amber.any()
    assert (full.loc[amber, "base_points"] == full.loc[amber, "allocation"]).all()
    assert full["points"].sum() > own["points"].sum()


def test_explorer_hands_its_table_over_and_shows_whatif_terms():
    pytest.importorskip("ipywidgets")
    app = explorer.Explorer("lincolnshire-css")
    app.amber.value = 1.0
    assert "what-if: Amber at 1.00" in app.output.value
    assert len(app.table()) == 12
    app._hand_over()  # no IPython shell here: says how to get the table instead
    assert "explorer.table()" in app.message.value


def test_explorer_widget_shows_abatement_and_trend_statistics():
    pytest.importorskip("ipywidgets")
    app = explorer.Explorer("lincolnshire-css")
    app.service.value = "F"
    app.kpi.value = "F_KPI_01"
    assert "Abatement detail of F_KPI_01" in app.output.value
    assert "Trend statistics of F_KPI_01" in app.output.value


def test_widget_styles_are_scoped_to_the_explorer():
    markup = explorer.widget_markup(explorer.report.paragraph("x"))
    css = markup.split("<style>")[1].split("</style>")[0]
    rules = [line for line in css.splitlines() if "{" in line]
    assert rules and all(line.startswith(".scrutiny-explorer") for line in rules)
    assert ".scrutiny-explorer .rag-red" in css


def test_explorer_works_for_a_contract_without_terms(css_copy, monkeypatch):
    pytest.importorskip("ipywidgets")
    (css_copy / "lincolnshire-css" / "terms.yaml").unlink()
    monkeypatch.setenv("SCRUTINY_DATA", str(css_copy))
    explorer.handle.cache_clear()
    try:
        app = explorer.Explorer("lincolnshire-css")
        assert "no abatement terms" in app.output.value and app.amber.disabled
        assert app.table()["points"].isna().all()
    finally:
        explorer.handle.cache_clear()


def _display_y(fig, gid: str) -> list[float]:
    """Display y (pixels, up) of the points of the scatter(s) whose gid starts with ``gid``."""
    fig.canvas.draw()
    ax = fig.axes[0]
    return [y for c in ax.collections if (c.get_gid() or "").startswith(gid)
            for _, y in c.get_offset_transform().transform(c.get_offsets())]


@pytest.mark.parametrize(("kpi_id", "start", "end"), [
    ("CSC_KPI_04", "2015-07", "2016-06"),  # lower is better; June 2016 Blue, no number
    ("PM_KPI_01", "2015-07", "2016-06"),   # higher is better; November 2015 no number
])
def test_a_month_without_a_number_sits_on_the_axis_never_at_a_value(loaded, kpi_id, start, end):
    _, scores = loaded
    rows = explorer.select(scores, kpi_id=kpi_id, start=pd.Period(start, "M"),
                           end=pd.Period(end, "M"))
    fig = trend.kpi_trend(rows, title=kpi_id)
    ax = fig.axes[0]
    missing = _display_y(fig, trend.NO_NUMBER_GID)
    measured = _display_y(fig, trend.VALUES_GID)
    axis = ax.get_window_extent().y0
    assert len(missing) == int(rows["value"].isna().sum()) >= 1
    assert len(measured) == int(rows["value"].notna().sum())
    assert all(abs(y - axis) < 0.5 for y in missing)  # on the month axis itself
    assert min(measured) > max(missing) + 1  # below every real value, whichever way it runs
    msl = ax.transData.transform((0, rows["msl"].iloc[0]))[1]
    assert all(abs(y - msl) > 5 for y in missing)  # not on the MSL line (PM_KPI_01 before)


def test_the_legend_shows_the_no_number_marker_as_drawn(loaded):
    _, scores = loaded
    rows = explorer.select(scores, kpi_id="CSC_KPI_04", start=pd.Period("2015-07", "M"),
                           end=pd.Period("2016-06", "M"))
    ax = trend.kpi_trend(rows, title="CSC_KPI_04").axes[0]
    entry = {t.get_text(): h for t, h in zip(ax.get_legend().get_texts(),
                                             ax.get_legend().legend_handles, strict=True)}
    marker = entry["no number (marked on the axis)"]
    drawn = next(c for c in ax.collections if c.get_gid() == trend.NO_NUMBER_GID)
    assert marker.get_marker() == trend.NO_NUMBER_MARKER
    assert tuple(drawn.get_facecolor()[0]) == (1.0, 1.0, 1.0, 1.0)
    assert marker.get_markerfacecolor() == "#ffffff"
    # Blue is only a no-number month here, so no Blue point is drawn and none is listed.
    assert "Blue" not in entry


@pytest.fixture
def two_contracts(css_copy, monkeypatch):
    """The Lincolnshire CSS contract and a copy of it without abatement terms."""
    pytest.importorskip("ipywidgets")
    import shutil

    shutil.copytree(css_copy / "lincolnshire-css", css_copy / "css-no-terms")
    (css_copy / "css-no-terms" / "terms.yaml").unlink()
    monkeypatch.setenv("SCRUTINY_DATA", str(css_copy))
    explorer.handle.cache_clear()
    yield css_copy
    explorer.handle.cache_clear()


def _at(app, service: str, kpi_id: str):
    app.service.value = service
    app.kpi.value = kpi_id
    return app


def test_from_after_to_is_refused_in_words_and_the_range_kept():
    pytest.importorskip("ipywidgets")
    app = explorer.Explorer("lincolnshire-css")
    app.end.value = pd.Period("2016-01", "M")
    shown = app.output.value
    app.start.value = pd.Period("2016-03", "M")
    assert "From March 2016 is after To January 2016" in app.message.value
    assert 'role="alert"' in app.message.value
    assert app.start.value == pd.Period("2015-07", "M")  # put back, not swapped
    assert app.months == (pd.Period("2015-07", "M"), pd.Period("2016-01", "M"))
    assert app.output.value == shown
    app.start.value = pd.Period("2015-09", "M")  # a valid choice clears the refusal
    assert app.message.value == "" and app.months[0] == pd.Period("2015-09", "M")
    app.end.value = pd.Period("2015-08", "M")  # To before From: refused too
    assert "is after To August 2015" in app.message.value
    assert app.end.value == pd.Period("2016-01", "M")


def test_whatif_is_kept_per_contract_and_greyed_controls_are_cleared(two_contracts):
    app = _at(explorer.Explorer("lincolnshire-css"), "CSC", "CSC_KPI_04")
    app.amber.value = 1.0
    app.tsl.value = "10"
    kept = {"amber_fraction": 1.0, "tsl.CSC_KPI_04": 10.0}
    assert app.settings == kept
    app.contract.value = "css-no-terms"
    assert app.settings == {}
    assert app.amber.disabled and app.blue_breaks.disabled and app.tsl.disabled
    assert (app.amber.value, app.amber.readout, app.blue_breaks.value) == (0.0, False, False)
    assert app.tsl.value == app.msl.value == app.tsl.placeholder == ""
    assert "no abatement terms" in app.output.value
    app.contract.value = "lincolnshire-css"
    assert app.settings == kept and app.amber.value == 1.0 and not app.amber.disabled
    _at(app, "CSC", "CSC_KPI_04")
    assert app.tsl.value == "10" and app.msl.value == "" and app.msl.placeholder == "contract: 10"
    _at(app, "PM", "PM_KPI_01")
    assert app.tsl.value == ""  # another KPI: its own boxes, the CSC_KPI_04 setting kept
    assert app.settings == kept


def test_tsl_whatif_rescores_the_kpi_and_shows_the_months_and_points():
    pytest.importorskip("ipywidgets")
    app = _at(explorer.Explorer("lincolnshire-css"), "CSC", "CSC_KPI_04")
    assert "CSC_KPI_04 attracted 280.00 abatement points" in app.output.value
    app.tsl.value = "10"
    out = app.output.value
    assert "CSC_KPI_04 attracted 70.00 abatement points" in out
    assert "TSL of CSC_KPI_04 at 10" in out
    assert ("6 months re-scored: August 2015 Amber to Green, September 2015 Amber to Green, "
            "November 2015 Amber to Green, February 2016 Amber to Green, March 2016 Amber to "
            "Green, April 2016 Amber to Green.") in out
    assert "RAG under the contract" in out
    table = app.table()
    assert table["points"].sum() == 70
    assert (table["rag"] != table["contract_rag"]).sum() == 6
    app.msl.value = "7"  # MSL 7 with TSL 10 on a lower-is-better KPI: refused, nothing kept
    assert "msl" in app.message.value.lower() and app.settings == {"tsl.CSC_KPI_04": 10.0}
    app.msl.value = "ten"
    assert "is not a number" in app.message.value
    app.msl.value = ""
    app.tsl.value = ""  # empty box: the contract's level again
    assert app.settings == {} and "280.00 abatement points" in app.output.value


def test_saved_scenario_is_read_by_scrutiny_whatif_and_loads_back(tmp_path):
    pytest.importorskip("ipywidgets")
    import io

    from click.testing import CliRunner

    from scrutiny.cli import main

    app = _at(explorer.Explorer("lincolnshire-css"), "CSC", "CSC_KPI_04")
    app.tsl.value = "10"
    path = app.save_scenario(tmp_path / "tsl.yaml")
    assert path.read_text().startswith(
        "# scrutiny whatif --contract lincolnshire-css --scenario tsl.yaml\n")
    result = CliRunner().invoke(main, ["whatif", "--contract", "lincolnshire-css", "--scenario",
                                       str(path), "--by", "kpi", "--format", "csv"])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(io.StringIO(result.output)).set_index("kpi_id")
    assert (table.loc["CSC_KPI_04", "points"], table.loc["CSC_KPI_04", "proposed_points"]) == (
        280, 70)
    fresh = explorer.Explorer("lincolnshire-css")
    fresh.scenario_file.value = str(path)
    fresh._button(fresh.load_scenario)
    assert fresh.settings == {"tsl.CSC_KPI_04": 10.0} and fresh.message.value.startswith("Loaded")
    _at(fresh, "CSC", "CSC_KPI_04")
    assert fresh.tsl.value == "10" and "70.00 abatement points" in fresh.output.value


def test_saving_nothing_or_loading_a_bad_file_is_refused_in_words(tmp_path):
    pytest.importorskip("ipywidgets")
    app = explorer.Explorer("lincolnshire-css")
    app.scenario_file.value = str(tmp_path / "empty.yaml")
    app._button(app.save_scenario)
    assert "nothing to save" in app.message.value and not (tmp_path / "empty.yaml").exists()
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nreason: y\nset:\n  tsl.NO_SUCH_KPI: 3\n")
    app.scenario_file.value = str(bad)
    app._button(app.load_scenario)
    assert "NO_SUCH_KPI" in app.message.value and app.settings == {}
