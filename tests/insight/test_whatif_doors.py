"""One way to change terms: abatement(terms=...), whatif(settings=...) and ``scrutiny whatif
--set`` read the same keys through one parser and give the same figures (issue 21, part 1)."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import scrutiny
from scrutiny.abate.whatif import parse_settings
from scrutiny.cli import main
from scrutiny.exceptions import TermsError

START, END = "2015-07", "2016-06"


@pytest.fixture(scope="module")
def c():
    return scrutiny.open_contract("lincolnshire-css")


def _cli(settings_: dict) -> pd.DataFrame:
    pairs = [arg for name, value in settings_.items()
             for arg in ("--set", f"{name}={_text(value)}")]
    result = CliRunner().invoke(main, ["whatif", "--contract", "lincolnshire-css", "--from", START,
                                       "--to", END, *pairs, "--format", "csv"])
    assert result.exit_code == 0, result.output
    return pd.read_csv(io.StringIO(result.stdout))  # notes go to stderr


def _text(value: object) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list):
        return ",".join(repr(v) for v in value)
    return repr(value)


def _doors(c, settings_: dict) -> list[pd.Series]:
    """Proposed credit per service (GBP, after the cap) from each door."""
    by_abatement = (c.abatement(START, END, terms=settings_).groupby("service", sort=False)
                    ["credit"].sum())
    by_whatif = c.whatif(START, END, settings=settings_).set_index("service")["proposed_credit"]
    by_cli = _cli(settings_).set_index("service")["proposed_credit"]
    return [s.rename("credit").astype(float) for s in (by_abatement, by_whatif, by_cli)]


def test_threshold_in_abatement_terms_is_applied_not_ignored(c):
    """Issue 21: ``abatement(terms={"tsl.CSC_KPI_04": 10})`` silently gave 280 points."""
    settings_ = {"tsl.CSC_KPI_04": 10}
    rows = c.abatement(START, END, by="kpi", terms=settings_)
    assert rows.loc[rows["kpi_id"] == "CSC_KPI_04", "points"].sum() == 70.0
    whatif = c.whatif(START, END, by="kpi", settings=settings_).set_index("kpi_id")
    assert whatif.loc["CSC_KPI_04", "proposed_points"] == 70.0
    cli = CliRunner().invoke(main, ["whatif", "--contract", "lincolnshire-css", "--from", START,
                                    "--to", END, "--set", "tsl.CSC_KPI_04=10", "--by", "kpi",
                                    "--format", "csv"])
    assert pd.read_csv(io.StringIO(cli.stdout)).set_index("kpi_id").loc[
        "CSC_KPI_04", "proposed_points"] == 70.0
    assert c.whatif(START, END, settings=settings_).iloc[-1]["proposed_credit"] == 540_675.0
    first, *others = _doors(c, settings_)
    for other in others:
        pd.testing.assert_series_equal(first, other, check_names=False, check_index_type=False)


@pytest.mark.parametrize("key", ["tsl", "nonsense", "tsl.", "points", "volume.NOPE",
                                 "tsl.NO_SUCH_KPI", "Amber_fraction"])
def test_every_door_refuses_an_unknown_key(c, key):
    with pytest.raises(TermsError):
        c.abatement(terms={key: 1})
    with pytest.raises(TermsError):
        c.whatif(settings={key: 1})
    result = CliRunner().invoke(main, ["whatif", "--contract", "lincolnshire-css",
                                       "--set", f"{key}=1"])
    assert result.exit_code != 0 and "Traceback" not in result.output


def test_changed_terms_refuses_thresholds_rather_than_dropping_them(c):
    with pytest.raises(TermsError, match="tsl"):
        c.changed_terms(**{"tsl.CSC_KPI_04": 10})


def test_parse_settings_reads_pairs_and_mappings_alike():
    assert parse_settings(["tsl.CSC_KPI_04=10", "multipliers=1,2"]) == parse_settings(
        {" tsl.CSC_KPI_04": 10, "multipliers": [1.0, 2.0]})


def _setting(c) -> st.SearchStrategy[dict]:
    kpis = c.contract.kpis.drop_duplicates("kpi_id").set_index("kpi_id")
    ids = list(kpis.index)

    def threshold(level: str):
        def make(kpi_id: str, share: float) -> dict:
            low, high = sorted((kpis.loc[kpi_id, "tsl"], kpis.loc[kpi_id, "msl"]))
            return {f"{level}.{kpi_id}": round(float(low + share * (high - low)), 2)}
        return st.builds(make, st.sampled_from(ids), st.floats(0, 1))

    return st.one_of(
        st.builds(lambda v: {"amber_fraction": v}, st.sampled_from([0.0, 0.25, 1.0])),
        st.builds(lambda v: {"blue_breaks_run": v}, st.booleans()),
        st.builds(lambda v: {"point_value_gbp": v}, st.sampled_from([50.0, 250.0])),
        st.builds(lambda v: {"cap_fraction": v}, st.sampled_from([0.01, 0.5])),
        st.builds(lambda v: {"multipliers": v}, st.sampled_from([[1.0], [1.0, 3.0]])),
        st.builds(lambda s, v: {f"volume.{s}": v}, st.sampled_from(c.services),
                  st.sampled_from([1000.0, 1e7])),
        st.builds(lambda k, v: {f"points.{k}": v}, st.sampled_from(ids),
                  st.sampled_from([1.0, 5.0, 40.0])),
        threshold("tsl"), threshold("msl"))


def test_every_settable_key_gives_the_same_figures_at_every_door(c):
    """Property: whatever key is set, the three doors agree service by service."""

    @settings(max_examples=5, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(_setting(c))
    def check(settings_):
        first, *others = _doors(c, settings_)
        for other in others:
            pd.testing.assert_series_equal(first, other, check_names=False,
                                           check_index_type=False)

    check()


@pytest.mark.parametrize("settings_", [
    {"amber_fraction": 1.0}, {"point_value_gbp": 50.0},
    {"cap_fraction": 0.001}, {"multipliers": [1.0]}, {"volume.PM": 1000.0},
    {"points.CSC_KPI_04": 40.0}, {"tsl.CSC_KPI_04": 10.0}, {"msl.CSC_KPI_04": 7.0}])
def test_each_kind_of_key_changes_the_figures(c, settings_):
    """No kind of key is ignored: each one moves the proposed credit somewhere."""
    table = c.whatif(START, END, settings=settings_)
    assert (table["difference"] != 0).any(), settings_
    by_abatement = c.abatement(START, END, terms=settings_)
    assert by_abatement["credit"].sum() != c.abatement(START, END)["credit"].sum()


def test_whatif_by_kpi_month_lists_the_six_months_moving_amber_to_green(c):
    """Issue 21, part 2: "which months change" is one filter."""
    table = c.whatif(START, END, by="kpi-month", settings={"tsl.CSC_KPI_04": 10})
    assert len(table) == len(c.scores(START, END))
    moved = table[table["rag_changed"]]
    assert moved["kpi_id"].unique().tolist() == ["CSC_KPI_04"]
    assert moved["month"].astype(str).tolist() == ["2015-08", "2015-09", "2015-11", "2016-02",
                                                   "2016-03", "2016-04"]
    assert (moved["rag"] == "Amber").all() and (moved["proposed_rag"] == "Green").all()
    assert moved["proposed_points"].eq(0).all() and moved["proposed_run_length"].eq(0).all()
    kpi = table[table["kpi_id"] == "CSC_KPI_04"]
    assert kpi["points"].sum() == 280.0 and kpi["proposed_points"].sum() == 70.0
    assert (table["difference"] == table["proposed_points"] - table["points"]).all()
    cli = CliRunner().invoke(main, ["whatif", "--contract", "lincolnshire-css", "--from", START,
                                    "--to", END, "--set", "tsl.CSC_KPI_04=10", "--by",
                                    "kpi-month", "--format", "csv"])
    frame = pd.read_csv(io.StringIO(cli.stdout))
    assert frame["rag_changed"].sum() == 6


def test_blue_breaks_run_is_applied(c):
    """No Lincolnshire run straddles a Blue month, so the figures cannot show it: the terms do."""
    assert c.plan_whatif({"blue_breaks_run": False}).terms.params.blue_breaks_run is False
    assert c.terms.params.blue_breaks_run is True
