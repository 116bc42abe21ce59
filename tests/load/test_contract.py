"""Bad input gets one clear error naming file, row and column."""

import math
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scrutiny.exceptions import InputValidationError, UnknownContractError
from scrutiny.load.contract import load_contract, reuse_loaded_contracts


def edit(root: Path, name: str, old: str, new: str) -> None:
    path = root / "lincolnshire-css" / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text not found in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def append(root: Path, name: str, line: str) -> None:
    with (root / "lincolnshire-css" / name).open("a", encoding="utf-8") as f:
        f.write(line + "\n")


def load_error(root: Path) -> InputValidationError:
    with pytest.raises(InputValidationError) as info:
        load_contract("lincolnshire-css", data_root=root)
    return info.value


def test_the_real_contract_loads(css):
    assert len(css.kpis) == 43 and len(css.returns) == 43 * 12
    assert css.kpis.groupby("service").size().to_dict() == {
        "ACF": 9, "CSC": 9, "F": 3, "IMT": 12, "PM": 10}


def test_reuse_loads_each_folder_once_and_only_inside_the_block(css_copy):
    with reuse_loaded_contracts():
        first = load_contract("lincolnshire-css", data_root=css_copy)
        assert load_contract("lincolnshire-css", data_root=css_copy) is first
        staged = {"kpis.csv": css_copy / "lincolnshire-css" / "kpis.csv"}
        assert load_contract("lincolnshire-css", data_root=css_copy, staged=staged) is not first
    assert load_contract("lincolnshire-css", data_root=css_copy) is not first
    edit(css_copy, "returns.csv", "CSC", "XXX")  # a bad file is seen again outside the block
    with pytest.raises(InputValidationError):
        load_contract("lincolnshire-css", data_root=css_copy)


def test_unknown_kpi_code(css_copy):
    edit(css_copy, "returns.csv", "CSC_KPI_04,2015-07", "CSC_KPI_99,2015-07")
    err = load_error(css_copy)
    assert (err.file, err.column) == ("returns.csv", "kpi_id")
    assert err.row == 2 + 25 * 12  # 25 KPIs (PM, IMT, CSC_KPI_01-03) come before CSC_KPI_04
    assert "CSC_KPI_99" in str(err) and "kpis.csv" in str(err)


def test_malformed_month(css_copy):
    edit(css_copy, "returns.csv", "PM_KPI_01,2015-08", "PM_KPI_01,Aug 2015")
    err = load_error(css_copy)
    assert (err.file, err.row, err.column) == ("returns.csv", 3, "month")


def test_duplicate_kpi_month(css_copy):
    append(css_copy, "returns.csv", "PM_KPI_01,2016-06,99.00,")
    err = load_error(css_copy)
    assert (err.file, err.row, err.column) == ("returns.csv", 2 + 43 * 12, "month")
    assert "second result" in str(err)


def test_value_that_is_neither_number_nor_status_word(css_copy):
    edit(css_copy, "returns.csv", "PM_KPI_01,2015-07,99.98", "PM_KPI_01,2015-07,n/a")
    err = load_error(css_copy)
    assert (err.row, err.column) == (2, "value")
    assert "Mitigation Agreed" in str(err)


def test_status_words_are_matched_without_regard_to_case(css_copy):
    edit(css_copy, "returns.csv", "PM_KPI_01,2015-07,99.98", "PM_KPI_01,2015-07,DATA NOT AVAILABLE")
    contract = load_contract("lincolnshire-css", data_root=css_copy)
    assert contract.returns.loc[0, "status"] == "Data not available"


def test_percentage_above_100(css_copy):
    edit(css_copy, "returns.csv", "PM_KPI_01,2015-07,99.98", "PM_KPI_01,2015-07,250")
    err = load_error(css_copy)
    assert (err.row, err.column) == (2, "value") and "0-100" in str(err)


def test_negative_count(css_copy):
    edit(css_copy, "returns.csv", "IMT_KPI_02,2015-07,0.00", "IMT_KPI_02,2015-07,-1")
    err = load_error(css_copy)
    assert err.column == "value" and "negative" in str(err)


def test_thresholds_that_contradict_the_direction(css_copy):
    # CSC_KPI_04 abandoned calls: lower is better, TSL 7 / MSL 10. Declaring it higher-is-better
    # must fail loudly rather than silently invert every RAG.
    edit(css_copy, "kpis.csv", "% of total Calls that are Abandoned Calls,M,7,10,lower",
         "% of total Calls that are Abandoned Calls,M,7,10,higher")
    err = load_error(css_copy)
    assert (err.file, err.row, err.column) == ("kpis.csv", 2 + 25, "tsl")
    assert "higher-is-better" in str(err)


def test_overlapping_overrides(css_copy):
    append(css_copy, "overrides.csv", 'ACF_KPI_03,2016-05,2016-06,65,60,"second agreement"')
    err = load_error(css_copy)
    assert (err.file, err.column) == ("overrides.csv", "from_month")
    assert err.row in (2, 5) and "overlaps" in str(err)


def test_override_contradicting_direction(css_copy):
    append(css_copy, "overrides.csv", 'CSC_KPI_04,2016-01,2016-01,12,10,"typo"')
    err = load_error(css_copy)
    assert (err.file, err.row, err.column) == ("overrides.csv", 5, "tsl")


def test_unknown_direction_word(css_copy):
    edit(css_copy, "kpis.csv", "99.9,99,higher", "99.9,99,up")
    err = load_error(css_copy)
    assert (err.file, err.row, err.column) == ("kpis.csv", 2, "direction")


def test_missing_column(css_copy):
    path = css_copy / "lincolnshire-css" / "overrides.csv"
    path.write_text("kpi_id,from_month,to_month,tsl,reason\n", encoding="utf-8")
    err = load_error(css_copy)
    assert (err.file, err.row) == ("overrides.csv", 1) and "msl" in str(err)


def test_ragged_row(css_copy):
    append(css_copy, "returns.csv", "PM_KPI_01,2016-07")
    err = load_error(css_copy)
    assert (err.file, err.row) == ("returns.csv", 2 + 43 * 12) and "cells" in str(err)


def test_unknown_contract_lists_the_known_ones(css_copy):
    with pytest.raises(UnknownContractError, match="lincolnshire-css"):
        load_contract("nope", data_root=css_copy)


@given(value=st.floats(allow_nan=True, allow_infinity=True),
       unit=st.sampled_from(["percent", "count", "rate", "days", "hours", "minutes", "gbp",
                             "score"]))
def test_a_result_is_accepted_only_when_finite_and_in_its_units_range(value, unit):
    from scrutiny.load.contract import read_values, value_problems

    kpis = pd.DataFrame({"kpi_id": ["K"], "unit": [unit],
                         "effective_from": pd.PeriodIndex(["2015-04"], freq="M"),
                         "effective_to": pd.PeriodIndex([None], freq="M")})
    returns = read_values(pd.DataFrame({"kpi_id": ["K"], "value": [repr(value)],
                                        "month": pd.PeriodIndex(["2016-06"], freq="M")}))
    refused = any(problem.mask.any() for problem in value_problems(returns, kpis))
    # Written out per unit, independently of core.units: percent 0-100, count whole >= 0,
    # every other unit >= 0; all finite.
    in_range = math.isfinite(value) and value >= 0 and (
        (unit == "percent" and value <= 100) or (unit == "count" and value == int(value))
        or unit not in ("percent", "count"))
    assert refused != in_range


def test_overlapping_glides_name_the_file_and_row(tmp_path):
    import shutil

    from scrutiny.config import PROJECT_ROOT

    folder = tmp_path / "lincolnshire-css"
    shutil.copytree(PROJECT_ROOT / "data" / "lincolnshire-css", folder)
    (folder / "glides.csv").write_text(
        "kpi_id,service,from_month,to_month,reason\n"
        "IMT_KPI_02,IMT,2015-07,2015-09,first\nIMT_KPI_02,IMT,2015-08,2015-10,second\n")
    with pytest.raises(InputValidationError,
                       match="glides.csv, row 3, column 'from_month': IMT_KPI_02: this glide "
                             "overlaps an earlier glide"):
        load_contract("lincolnshire-css", data_root=tmp_path)
