"""Section trees and their flavours: HTML equal to the building blocks, JSON and Excel of the
same tables, widgets. Node by node on tiny inline frames, then the real June 2016 report."""

import json

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from scrutiny.report import html as report
from scrutiny.report.flavours import records, sheets, to_html, to_json, to_widgets
from scrutiny.report.html import Html
from scrutiny.report.structure import (
    BulletList,
    Heading,
    Note,
    Paragraph,
    RagKey,
    Section,
    Table,
    section,
)

TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
HOSTILE = '<script>alert("x")</script> & =SUM(A1)'

FRAME = pd.DataFrame({"KPI": ["K1", "K2"], "Status": ["Green", "Red"], "rag": ["green", "red"],
                      "Points": ["1.00", "2.50"]})


def test_each_node_renders_exactly_as_its_building_block():
    table = Table(FRAME, caption=HOSTILE, units={"Points": "points"},
                  rag_columns={"Status": "rag"}, row_header="KPI", numeric=("Points",))
    assert to_html(table) == report.table(FRAME, caption=HOSTILE, rag_columns={"Status": "rag"},
                                          row_header="KPI", numeric=["Points"])
    assert to_html(Paragraph(HOSTILE)) == report.paragraph(HOSTILE)
    assert to_html(Heading(HOSTILE, 4)) == report.heading(HOSTILE, 4)
    assert to_html(Note(HOSTILE, label="Note:")) == report.note(HOSTILE, label="Note:")
    assert to_html(BulletList((HOSTILE, "b"))) == report.bullet_list([HOSTILE, "b"])
    assert to_html(RagKey()) == report.rag_key()
    assert "<script>" not in to_html(section(table, Paragraph(HOSTILE))).markup


@given(st.lists(TEXT, min_size=1, max_size=6), st.integers(min_value=0, max_value=6))
def test_nesting_a_section_changes_nothing_in_its_html(texts, cut):
    parts = [Paragraph(t) for t in texts]
    flat = to_html(Section(tuple(parts)))
    nested = to_html(Section((*parts[:cut], Section(tuple(parts[cut:])))))
    assert nested == flat == report.join(*(report.paragraph(t) for t in texts))


def test_html_fragments_pass_through_with_their_metadata_and_the_sections_own():
    link = report.Html("<p>link</p>", metadata={"scrutiny_files": {"a.json": "{}"}})
    out = to_html(Section((Paragraph("x"), link), metadata={"scrutiny_inputs": {"f": "1"}}))
    assert out.markup == "<p>x</p>\n<p>link</p>"
    assert out.metadata == {"scrutiny_files": {"a.json": "{}"}, "scrutiny_inputs": {"f": "1"}}
    assert to_json(Section((link,)))["parts"] == []  # HTML is never JSON


def test_records_are_json_values_keyed_by_column_name():
    frame = pd.DataFrame({"Month": [pd.Period("2016-06", "M"), None], "n": [3, 4],
                          "x": [1.5, float("nan")], "ok": [True, False]})
    rows = records(frame)
    assert rows == [{"Month": "2016-06", "n": 3, "x": 1.5, "ok": True},
                    {"Month": None, "n": 4, "x": None, "ok": False}]
    json.dumps(rows, allow_nan=False)


def test_sheets_are_one_per_table_numbered_in_order_without_rag_codes():
    one = Table(FRAME, caption="First", rag_columns={"Status": "rag"})
    two = Table(FRAME[["KPI"]], caption="First")  # same caption: numbers keep them apart
    frames, titles = sheets([section(one, Paragraph("p")), section(two)])
    assert list(frames) == ["1 First", "2 First"] and list(titles.values()) == ["First"] * 2
    assert list(frames["1 First"].columns) == ["KPI", "Status", "Points"]


def test_widgets_hold_one_html_widget_per_part():
    box = to_widgets(section(Paragraph("p"), Table(FRAME, caption="T")))
    assert len(box.children) == 2
    assert "<caption>T</caption>" in box.children[1].value


def test_a_section_shows_in_a_notebook_as_its_html():
    tree = section(Paragraph("p"), heading="H")
    assert tree._repr_html_() == "<p>p</p>" and tree.markup == "<p>p</p>" and repr(tree) == "p"


# ----------------------------------------------------------------------------------------------
# The real period report


@pytest.fixture(scope="module")
def june_sections():
    from scrutiny.config import PROJECT_ROOT
    from scrutiny.report.export import report_sections

    return report_sections(PROJECT_ROOT / "params" / "lincolnshire-css" / "2016-06.yaml")[1]


def test_json_has_every_table_and_figure_of_the_html_and_no_html(june_sections):
    for tree in june_sections:
        html, data = tree.markup, to_json(tree)
        if tree.heading.startswith(("Charts of the KPIs", "Appendix: every KPI")):
            assert not any(isinstance(p, Html) for p in tree.walk()), tree.heading  # converted
        tables = [p for p in data["parts"] if p["type"] == "table"]
        figures = [p for p in data["parts"] if p["type"] == "figure"]
        assert html.count("<table") == len(tables), tree.heading
        assert html.count("<figure>") == len(figures), tree.heading
        for table in tables:
            caption = f"<caption>{Markup.escape(table['caption'])}</caption>"
            assert caption in html
            body = html.split(caption)[1].split("</tbody>")[0]
            assert len(table["records"]) == body.count("<tr>") - 1  # less the heading row
        text = json.dumps(data, ensure_ascii=False, allow_nan=False)
        assert "<table" not in text and "<p>" not in text and "data:image" not in text
    # 4 of them from two what-if scenarios, 13 beside the charts, 10 in the charts appendix
    assert sum(len(t.tables) for t in june_sections) == 48


def test_every_section_has_the_heading_its_notebook_gives_it_in_order(june_sections):
    from scrutiny.config import PROJECT_ROOT

    cells = json.loads((PROJECT_ROOT / "notebooks" / "period_report.ipynb").read_text())["cells"]
    headings = [c["source"][0].removeprefix("## ").strip() for c in cells
                if c["cell_type"] == "markdown" and c["source"][0].startswith("## ")]
    assert headings == [s.heading for s in june_sections]


def test_every_section_the_notebook_shows_is_in_the_list_in_its_order():
    from scrutiny.config import PROJECT_ROOT
    from scrutiny.report.period.sections import SECTIONS

    cells = json.loads((PROJECT_ROOT / "notebooks" / "period_report.ipynb").read_text())["cells"]
    called = ["".join(c["source"]).split(".")[-1].removesuffix("(rep)") for c in cells[2:]
              if c["cell_type"] == "code"]
    assert called == [f.__name__ for f in SECTIONS]


def test_the_workbook_has_one_sheet_per_table_in_section_order(june_sections, tmp_path):
    from openpyxl import load_workbook

    from scrutiny.report.excel import HEADINGS
    from scrutiny.report.flavours import write_sections_workbook
    from scrutiny.report.layouts import sheet_of

    path = write_sections_workbook(tmp_path / "june.xlsx", june_sections)
    book = load_workbook(path)
    tables = [t for s in june_sections for t in s.tables]
    assert len(book.sheetnames) == len(tables)
    laid_out = 0
    for sheet, table in zip(book.worksheets, tables, strict=True):
        headings = [c.value for c in next(sheet.iter_rows(max_row=1))]
        if table.sheet is None:
            assert headings == [str(c) for c in table.shown.columns]
            continue
        laid_out += 1  # a toolkit table: in its one layout (tests/report/test_layouts.py)
        name, frame, own = sheet_of(table.sheet)
        assert sheet.title in (name, f"{name} (2)")  # the terms appear twice
        assert headings == [{**HEADINGS, **own}.get(c, c) for c in frame.columns]
    assert laid_out == 3  # the exceptions register, and the terms twice


def test_the_kpi_charts_are_in_the_json_and_the_workbook_with_their_data(june_sections, tmp_path):
    """Issue 21: each chart's table (month, result, TSL, MSL, status) and the numbers drawn
    (month, value, TSL, MSL, RAG) are part of the JSON and the Excel flavours."""
    from openpyxl import load_workbook

    from scrutiny.report.flavours import write_sections_workbook

    charts = next(s for s in june_sections
                  if s.heading == "Charts of the KPIs not Green this month")
    data = to_json(charts)
    figures = [p for p in data["parts"] if p["type"] == "figure"]
    tables = [p for p in data["parts"] if p["type"] == "table"]
    assert len(figures) == len(tables) == 13
    csc = next(f for f in figures if f["alt"].startswith("CSC_KPI_04,"))
    july = csc["data"][0]
    assert july == {"kpi_id": "CSC_KPI_04", "month": "2015-07", "value": 12.0, "tsl": 7.0,
                    "msl": 10.0, "rag": "red", "unit": "percent"}
    assert [r["month"] for r in csc["data"]] == [str(m) for m in pd.period_range(
        "2015-07", "2016-06", freq="M")]
    table = next(t for t in tables if t["caption"].startswith("CSC_KPI_04 month by month"))
    assert table["columns"] == ["Month", "Result", "Status", "TSL", "MSL"]
    assert table["records"][0] == {"Month": "Jul 2015", "Result": "12%", "Status": "Red",
                                   "rag": "red", "TSL": "7%", "MSL": "10%"}
    appendix = to_json(next(s for s in june_sections
                            if s.heading == "Appendix: every KPI month by month"))
    drawn = [r for p in appendix["parts"] if p["type"] == "figure" for r in p["data"]]
    assert len({r["kpi_id"] for r in drawn}) == 43  # every KPI
    assert len(drawn) == sum(len(t["records"]) for t in tables) + sum(  # every month drawn
        1 for r in drawn if not any(f["alt"].startswith(r["kpi_id"] + ",") for f in figures))
    book = load_workbook(write_sections_workbook(tmp_path / "june.xlsx", june_sections))
    sheet = next(book[n] for n in book.sheetnames if "CSC_KPI_04 month by month" in n)
    assert [c.value for c in sheet[1]] == ["Month", "Result", "Status", "TSL", "MSL"]
    assert [c.value for c in sheet[2]] == ["Jul 2015", "12%", "Red", "7%", "10%"]
