"""HTML building blocks, period report sections and the committee conversion (no kernel)."""

import dataclasses
import re

import nbformat
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from matplotlib.figure import Figure
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from scrutiny.exceptions import NoDataForPeriodError, ReportContentError
from scrutiny.insight.contract_handle import ContractHandle
from scrutiny.render import committee
from scrutiny.report import html as report
from scrutiny.report.charts.style import chart_style
from scrutiny.report.period import scorecard as period_report
from scrutiny.report.registry import open_report
from scrutiny.score.scoring import summary_counts

SCRIPT = "<script>alert('x')</script>"


@pytest.fixture(scope="module")
def june():
    return open_report("period_report", contract="lincolnshire-css", period="2016-06",
                       generated_on="2016-07-15", params_file="p.yaml")


@given(st.text())
def test_escaped_text_never_opens_a_tag(text):
    assert "<" not in report.esc(text) and ">" not in report.esc(text)


def test_table_escapes_data_and_labels_rag_cells():
    frame = pd.DataFrame({"KPI": [SCRIPT, "B"], "rag": ["red", "green"], "value": [1, 2]})
    markup = report.table(frame, caption=f"cap {SCRIPT}", rag_columns={"rag": "rag"},
                          row_header="KPI", numeric=["value"]).markup
    assert "<script>" not in markup and markup.count("&lt;script&gt;") == 2
    assert '<td class="rag rag-red">Red</td>' in markup
    assert '<td class="rag rag-green">Green</td>' in markup
    assert '<th scope="row">&lt;script&gt;' in markup
    assert '<td class="num">2</td>' in markup


def test_rag_cell_can_show_other_text_but_keeps_the_colour():
    assert report.rag_cell("amber", "81.5") == '<td class="rag rag-amber">81.5</td>'
    assert report.rag_cell(float("nan")) == "<td></td>"


def test_html_plain_text_is_words_not_a_python_repr():
    fragment = report.paragraph("Five & six") + report.bullet_list(["<b>", "x"])
    assert repr(fragment) == "Five & six <b> x"
    assert "object at 0x" not in repr(fragment)


def test_title_block_declares_the_page_title():
    block = report.title_block("T <1>", subtitle="S", generated_on="2016-07-15")
    markup, meta = block._repr_html_()
    assert meta == {"scrutiny_title": "T <1>", "scrutiny_subtitle": "S"}
    assert "<h1>T &lt;1&gt;</h1>" in markup and "15 July 2016" in markup


def test_figure_is_an_svg_image_with_alt_text_and_stable_bytes():
    def draw():
        with chart_style():  # charts are drawn in the house style; so is this one
            fig = Figure()
            fig.add_subplot().plot([1, 2, 3])
        return report.figure(fig, alt=f"a line {SCRIPT}", caption="c").markup

    first = draw()
    assert first.startswith('<figure><img src="data:image/svg+xml;base64,')
    assert 'alt="a line &lt;script&gt;' in first
    assert first == draw()


def test_stylesheet_has_a4_print_rules_and_every_rag_colour():
    css = report.stylesheet()
    assert "@page { size: A4" in css and "break-inside: avoid" in css
    for rag in ("green", "amber", "red", "blue"):
        assert f".rag-{rag} {{ background:" in css


def test_open_period_report_refuses_a_period_without_data():
    with pytest.raises(NoDataForPeriodError, match="2014-01"):
        open_report("period_report", contract="lincolnshire-css", period="2014-01")


def test_windows_end_with_the_period(june):
    assert [str(m) for m in june.summary_months] == [f"2016-0{i}" for i in range(1, 7)]
    assert len(june.heatmap_months) == 12 and str(june.heatmap_months[0]) == "2015-07"
    first = open_report("period_report", contract="lincolnshire-css", period="2015-07")
    assert [str(m) for m in first.summary_months] == ["2015-07"]


def test_headline_numbers_are_the_librarys_summary_counts(june):
    counts = summary_counts(june.scores, june.services, start=june.period, end=june.period)
    every = counts[counts["service"] == "ALL"].iloc[0]
    text = period_report.headline(june).markup
    assert (f"{every['green']} of {every['total']} KPIs met their target (Green)" in text
            and f"{every['amber']} met only the minimum (Amber), {every['red']} were Red and "
                f"{every['blue']} were Blue" in text)
    table = period_report.headline_counts(june)
    assert table[june.period].to_dict() == every[["green", "amber", "red", "blue",
                                                  "total"]].to_dict()


def test_summary_by_service_has_a_table_per_service_and_all(june):
    markup = period_report.summary_by_service(june).markup
    assert markup.count("<table") == 6
    assert "Customer Service Centre (CSC): KPIs by status, Jan 2016 to Jun 2016" in markup


def test_heatmap_grid_and_summary_agree_with_scores(june):
    from scrutiny.report.charts import heatmap

    grid = heatmap.rag_grid(june.scores, june.heatmap_months)
    assert grid.shape == (43, 12)
    june_rows = june.scores[(june.scores["kpi_id"] == "CSC_KPI_04")
                            & (june.scores["month"] == june.period)]
    assert grid.loc["CSC_KPI_04", june.period] == june_rows["rag"].item() == "blue"
    greens = int((grid == "green").sum().sum())
    assert f"{greens} Green" in heatmap.summary_text(june.scores, june.heatmap_months)
    assert "RAG status of 43 KPIs over 12 months" in period_report.kpi_heatmap(june).markup


def test_heatmap_is_a_table_with_a_lettered_coloured_cell_per_kpi_month(june):
    from bs4 import BeautifulSoup

    from scrutiny.report.charts import heatmap

    grid = heatmap.rag_grid(june.scores, june.heatmap_months)
    table = BeautifulSoup(period_report.kpi_heatmap(june).markup, "html.parser").table
    assert "<img" not in str(table) and table.caption.get_text().startswith("RAG status")
    columns = [th.get_text() for th in table.thead.find_all("th")]
    assert columns == ["KPI"] + [m.strftime("%b %Y") for m in june.heatmap_months]
    assert all(th["scope"] == "col" for th in table.thead.find_all("th"))
    rows = table.tbody.find_all("tr")
    assert [r.th.get_text() for r in rows] == list(grid.index)
    assert all(r.th["scope"] == "row" for r in rows)
    for row, (kpi, rags) in zip(rows, grid.iterrows(), strict=True):
        cells = row.find_all("td")
        assert len(cells) == 12, kpi
        for cell, rag in zip(cells, rags, strict=True):
            if isinstance(rag, str):
                assert cell.get_text() == heatmap.RAG_LETTERS[rag]
                assert cell["class"] == ["rag", f"rag-{rag}"]
            else:
                assert cell.get_text() == heatmap.NO_RESULT and not cell.get("class")


def test_overrides_in_force_mark_the_period(june):
    live = period_report.overrides_in_force(june).set_index("kpi_id")
    assert live.loc["CSC_KPI_09", "in_period"]
    assert not live.loc["ACF_KPI_03", "in_period"]
    assert live.loc["ACF_KPI_03", "tsl_standard"] == 75
    quiet = open_report("period_report", contract="lincolnshire-css", period="2015-08",
                        heatmap_months=1, previous_months=0)
    assert "No revised thresholds" in period_report.overrides_section(quiet).markup


def test_reconciliation_lists_each_differing_cell(june):
    published = june.contract.published.copy()
    row = published.index[(published["service"] == "PM")
                          & (published["month"] == june.period)][0]
    published.loc[row, ["green", "red"]] = published.loc[row, ["green", "red"]] + [1, -1]
    doctored = dataclasses.replace(june, handle=ContractHandle(
        dataclasses.replace(june.contract, published=published)))
    found = period_report.reconciliation(doctored)
    assert sorted(found["category"]) == ["green", "red"]
    markup = period_report.reconciliation_section(doctored).markup
    assert "2 differ from the KPI-level results" in markup and "June 2016" in markup
    assert "Every count agrees" in period_report.reconciliation_section(june).markup


def test_provenance_names_files_relative_to_data_with_sha256(june):
    markup = period_report.provenance_section(june).markup
    assert "lincolnshire-css/returns.csv" in markup
    assert re.search(r"<td>[0-9a-f]{64}</td>", markup)
    assert "/work" not in markup and str(june.contract.folder) not in markup
    assert "p.yaml" in markup and "contract-scrutiny version" in markup
    assert "CSC_KPI_09: TSL 95 / MSL 90, May 2016 to Jul 2016" in markup
    for name in ("terms.yaml", "abatement_points.csv", "mitigation_reasons.csv"):
        assert f"lincolnshire-css/{name}" in markup
    assert "ILLUSTRATIVE" in markup and "Abatement terms used in this report" in markup


def _notebook(*cells):
    return new_notebook(cells=list(cells), metadata={})


def _html_cell(markup, *, tags=(), title=None):
    data = {"text/html": markup, "text/plain": "words"}
    meta = {"text/html": {"scrutiny_title": title}} if title else {}
    cell = new_code_cell("secret_code()", outputs=[new_output("display_data", data=data,
                                                              metadata=meta)])
    cell.metadata["tags"] = list(tags)
    return cell


def test_committee_html_shows_library_html_and_hides_everything_else():
    params = new_code_cell('contract = "x"  # hidden', metadata={"tags": ["parameters"]})
    params.outputs = [new_output("stream", name="stdout", text="leak-stdout")]
    noisy = _html_cell(report.table(pd.DataFrame({"a": [SCRIPT]}), caption="t").markup)
    noisy.outputs.append(new_output("stream", name="stderr", text="leak-warning"))
    nb = _notebook(
        params,
        _html_cell(report.title_block("My title", subtitle="s", generated_on="2016-07-15").markup,
                   tags=["title"], title="My title"),
        new_markdown_cell("## First section\n\nText."),
        noisy,
        new_markdown_cell("## Second section\n\n### Detail"),
    )
    page = committee.to_html(nb)
    assert "<title>My title</title>" in page and '<html lang="en">' in page
    for leak in ("secret_code", "hidden", "leak-stdout", "leak-warning", "In [", "<script",
                 "words"):
        assert leak not in page
    assert "&lt;script&gt;" in page
    nav = page.split('<nav')[1].split("</nav>")[0]
    assert '<a href="#first-section">First section</a>' in nav
    assert '<a href="#second-section">Second section</a>' in nav and "detail" not in nav
    assert page.index("</header>") < page.index("<nav")
    assert '<h3 id="detail">' in page


@pytest.mark.parametrize("output, message", [
    (new_output("execute_result", data={"text/plain": "<DataFrame>"}, execution_count=1),
     "cell 1 displays text/plain but no HTML"),
    (new_output("error", ename="KeyError", evalue="x", traceback=["tb"]), "cell 1 raised KeyError"),
])
def test_committee_html_refuses_reprs_and_tracebacks(output, message):
    nb = _notebook(new_code_cell("x", outputs=[output]))
    with pytest.raises(ReportContentError, match=message):
        committee.to_html(nb)


def test_strip_volatile_removes_timestamps():
    cell = new_code_cell("x", execution_count=3, outputs=[
        new_output("execute_result", data={"text/html": "<p>x</p>"}, execution_count=3)])
    cell.metadata["execution"] = {"iopub.status.busy": "2024-01-01T00:00:00"}
    cell.metadata["papermill"] = {"start_time": "2024", "duration": 1.0}
    nb = _notebook(cell)
    nb.metadata["papermill"] = {"start_time": "a", "end_time": "b", "duration": 1,
                                "parameters": {"p": 1}}
    clean = committee.strip_volatile(nb)
    text = nbformat.writes(clean)
    assert "2024" not in text and "start_time" not in text and '"parameters"' in text
    assert clean.cells[0].execution_count is None


def test_first_month_says_there_is_nothing_to_compare():
    first = open_report("period_report", contract="lincolnshire-css", period="2015-07")
    assert "no earlier months to compare" in period_report.headline(first).markup
    assert "KPIs by status, Jul 2015</caption>" in period_report.summary_by_service(first).markup


def test_files_ride_in_the_output_metadata_and_survive_join():
    attached_files = committee.attached_files
    part = report.Html("<p>a</p>", metadata={report.FILES_KEY: {"n.json": "{}"}})
    joined = report.join(report.paragraph("x"), part)
    assert joined.files == {"n.json": "{}"}
    markup, meta = joined._repr_html_()
    assert meta == {"scrutiny_files": {"n.json": "{}"}}
    cell = _html_cell(markup)
    cell.outputs[0]["metadata"] = {"text/html": meta}
    assert attached_files(_notebook(cell)) == {"n.json": "{}"}
    cell.outputs[0]["metadata"] = {"text/html": {"scrutiny_files": {"../x.json": "{}"}}}
    with pytest.raises(ReportContentError, match="plain name"):
        attached_files(_notebook(cell))
