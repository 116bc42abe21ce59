"""Abatement terms: loading, validation against the contract, description for reports."""

from __future__ import annotations

import shutil

import pytest

from scrutiny.abate.terms import load_terms
from scrutiny.config import data_root
from scrutiny.exceptions import InputValidationError, TermsError
from scrutiny.load.contract import load_contract


@pytest.fixture()
def copy(tmp_path):
    shutil.copytree(data_root() / "lincolnshire-css", tmp_path / "lincolnshire-css")
    return tmp_path / "lincolnshire-css"


def test_illustrative_terms_are_labelled():
    terms = load_terms(load_contract("lincolnshire-css"))
    assert terms.illustrative
    table = terms.describe()
    basis = dict(zip(table["term"], table["basis"], strict=True))
    assert basis["Service credit per point (GBP)"] == "illustrative"
    assert basis["Cap on a service's credits, share of its monthly volume"] == "published"


def test_published_totals_hold():
    terms = load_terms(load_contract("lincolnshire-css"))
    a = terms.allocation
    assert a["points"].sum() == 1000
    assert a.loc[a["effective_to"].isna(), "points"].sum() == 902
    assert a.loc[a["kpi_id"].str.startswith("PM_"), "points"].sum() == 98


def test_allocation_off_total_is_refused(copy):
    path = copy / "abatement_points.csv"
    path.write_text(path.read_text().replace("F_KPI_03,27", "F_KPI_03,28"))
    with pytest.raises(TermsError, match="hold 1001 points, but terms.yaml says 1000"):
        load_terms(load_contract("lincolnshire-css", data_root=copy.parent))


def test_kpi_without_allocation_is_refused(copy):
    path = copy / "abatement_points.csv"
    path.write_text(path.read_text().replace("IMT_KPI_12,15,2015-04,\n", ""))
    with pytest.raises(TermsError, match="IMT_KPI_12 has no points allocation"):
        load_terms(load_contract("lincolnshire-css", data_root=copy.parent))


def test_bad_parameter_names_file_and_column(copy):
    path = copy / "terms.yaml"
    path.write_text(path.read_text().replace("amber_fraction: 0.5", "amber_fraction: 1.5"))
    with pytest.raises(InputValidationError, match=r"terms.yaml, line \d+: key 'amber_fraction'"):
        load_terms(load_contract("lincolnshire-css", data_root=copy.parent))


def test_bad_points_cell_names_row(copy):
    path = copy / "abatement_points.csv"
    path.write_text(path.read_text().replace("F_KPI_01,50", "F_KPI_01,fifty"))
    with pytest.raises(InputValidationError, match="abatement_points.csv, row 42, column 'points'"):
        load_terms(load_contract("lincolnshire-css", data_root=copy.parent))


@pytest.mark.parametrize("old, new, key", [
    ("point_value_gbp: ", "point_value_gbp: .inf #", "point_value_gbp"),
    ("amber_fraction: 0.5", "amber_fraction: .nan", "amber_fraction"),
    ("amber_fraction: 0.5", "amber_fraction: -0.5", "amber_fraction"),
    ("cap_fraction: ", "cap_fraction: -0.1 #", "cap_fraction"),
    ("multipliers: [1.0, 1.5, 2.0]", "multipliers: [1.0, .nan, 2.0]", "multipliers.1"),
    ("monthly_volume_gbp: 600000", "monthly_volume_gbp: -5", "IMT.monthly_volume_gbp"),
])
def test_terms_that_are_not_money_are_refused(copy, old, new, key):
    path = copy / "terms.yaml"
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(InputValidationError, match=rf"terms.yaml, line \d+: key '[\w.]*{key}'"):
        load_terms(load_contract("lincolnshire-css", data_root=copy.parent))


@pytest.mark.parametrize("name", ["../../../etc/passwd", "/etc/passwd", "sub/points.csv"])
def test_points_file_must_be_a_file_of_the_contract_folder(copy, name):
    path = copy / "terms.yaml"
    path.write_text(path.read_text().replace("points_file: abatement_points.csv",
                                             f"points_file: '{name}'"))
    with pytest.raises(InputValidationError, match=r"terms.yaml, line \d+: key 'points_file'"):
        load_terms(load_contract("lincolnshire-css", data_root=copy.parent))
