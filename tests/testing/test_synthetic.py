"""Synthetic contracts: realistic mix, accepted by the scoring and abatement engines."""

from __future__ import annotations

from scrutiny.abate.abatement import abate_frame
from scrutiny.testing.synthetic import synthetic_contracts


def test_synthetic_contracts_score_and_abate():
    data = synthetic_contracts(30_000, kpis_per_contract=60, months=120, seed=1)
    frame = data.kpi_months
    assert len(frame) == 30_000
    assert (frame["direction"] == "lower").any()
    assert frame["status"].notna().any() and frame["glide_reason"].notna().any()
    assert frame["override_reason"].notna().any()
    kpi_table, service_table = abate_frame(frame, data.volumes, amber_fraction=0.5,
                                           point_value_gbp=100)
    assert set(kpi_table["rag"]) == {"green", "amber", "red", "blue"}
    assert (kpi_table.loc[kpi_table["rag"] == "blue", "points"] == 0).all()
    assert (service_table["credit"] <= service_table["cap"]).all()
    assert service_table["monthly_volume_gbp"].notna().all()


def test_same_seed_same_frames():
    a = synthetic_contracts(5_000, seed=3).kpi_months
    b = synthetic_contracts(5_000, seed=3).kpi_months
    assert a.equals(b)
