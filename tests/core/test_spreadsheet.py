"""Formula-looking text is defused; numbers and plain text pass through."""

from hypothesis import given
from hypothesis import strategies as st

from scrutiny.core.spreadsheet import FORMULA_STARTS, defuse


def test_formula_text_gets_an_apostrophe():
    assert defuse('=HYPERLINK("http://evil","x")') == "'=HYPERLINK(\"http://evil\",\"x\")"
    assert defuse("@SUM(A1)") == "'@SUM(A1)"
    assert defuse("\tcmd") == "'\tcmd"


def test_numbers_and_plain_text_pass_through():
    assert defuse(-3.5) == -3.5
    assert defuse("-3.5") == "-3.5" and defuse("+2") == "+2"
    assert defuse("-2+3") == "'-2+3" and defuse("-") == "'-"
    assert defuse("Mitigation Agreed") == "Mitigation Agreed"
    assert defuse(None) is None


@given(st.text())
def test_defused_text_never_starts_a_formula(text):
    shown = str(defuse(text))
    if shown.startswith(FORMULA_STARTS):  # only a plain number may keep its sign
        float(shown)


@given(st.text())
def test_restore_undoes_defuse_exactly(text):
    from scrutiny.core.spreadsheet import restore

    assert restore(defuse(text)) == text
