"""Properties of the one Vietnamese number reader and writer (unionportal/numbers.py): whatever is
typed gives a figure, an empty cell or a clean Vietnamese error — never a crash, never a number
too large to store — and every figure written the Vietnamese way reads back as itself."""

from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from unionportal.numbers import LIMIT, NumberError, format_number, parse_number

# Everything a figure column can store: DecimalField(max_digits=18, decimal_places=3).
storable = st.decimals(min_value=-LIMIT + Decimal("0.001"), max_value=LIMIT - Decimal("0.001"), places=3,
                       allow_nan=False, allow_infinity=False)


@given(st.one_of(
    st.text(), st.text(alphabet="0123456789.,-+eE \u00a0", max_size=25),
    # What the API's JSON and spreadsheet cells hand over.
    st.integers(), st.floats(), st.decimals(), st.booleans(),
))
@example("1.5e20")
@example("1e999999999")
@example("١٢٣")  # Arabic-Indic digits
@example("９９")  # full-width digits
@example("NaN")
@example("-Infinity")
@example("1.000.000.000.000.000")
def test_anything_typed_is_a_storable_figure_nothing_or_a_vietnamese_error(raw):
    try:
        number = parse_number(raw)
    except NumberError as exc:
        message = str(exc)
        assert "không phải là số" in message or "quá lớn" in message, message
    else:
        assert number is None or (number.is_finite() and abs(number) < LIMIT)


@given(storable)
def test_a_written_figure_reads_back_as_itself(number):
    assert parse_number(format_number(number)) == number


@given(
    # Rounding 999.999.999.999.999,999 to whole units would give one figure more than storable.
    st.decimals(min_value=-LIMIT + 1, max_value=LIMIT - 1, places=3, allow_nan=False, allow_infinity=False),
    st.integers(min_value=0, max_value=3),
)
def test_a_figure_written_with_fixed_decimals_reads_back_rounded_half_up(number, places):
    assert abs(parse_number(format_number(number, places=places)) - number) <= Decimal(1).scaleb(-places) / 2


@given(st.text(alphabet="0123456789.,- ", max_size=20))
def test_whatever_reads_as_a_figure_is_written_and_read_back_the_same(raw):
    try:
        number = parse_number(raw)
    except NumberError:
        return
    if number is not None:
        assert parse_number(format_number(number)) == number


@pytest.mark.parametrize("raw", ["1.5e3", "1e5", "2E+3", "0x1F", "1_000"])
def test_scientific_and_programmers_notations_are_refused(raw):
    with pytest.raises(NumberError):
        parse_number(raw)


def test_the_largest_storable_figure_is_accepted_and_one_more_is_refused():
    assert parse_number("999.999.999.999.999,999") == Decimal("999999999999999.999")
    with pytest.raises(NumberError, match="quá lớn"):
        parse_number("1.000.000.000.000.000")
