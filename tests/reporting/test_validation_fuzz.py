"""Whatever is typed into any cell of any report form, the cell reader (reporting/validation.py,
`clean_cell`) answers with something storable or a Vietnamese message for that cell — never
an exception that would become a 500 — and `check` over such values never fails either."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reporting.models import FormVersion
from reporting.validation import CellError, check, clean_cell
from unionportal.numbers import LIMIT

HYPOTHESIS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
typed = st.one_of(
    st.none(),
    st.text(max_size=40),
    st.text(alphabet="0123456789.,-e \u00a0", max_size=25),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
)


def cells(version):
    """Every (row, column) a person could send, including columns the row does not have."""
    columns = [c["key"] for c in version.columns] + ["khong-co-cot-nay"]
    return [(row, column) for row in version.rows.all() for column in columns]


@pytest.mark.parametrize("code", ["PL01", "PL02", "PL03", "AGIANG"])
@HYPOTHESIS
@given(data=st.data())
def test_any_typed_value_is_stored_or_refused_with_a_message(forms, code, data):
    version = FormVersion.objects.prefetch_related("rows").get(form__code=code, is_current=True)
    row, column = data.draw(st.sampled_from(cells(version)), label="cell")
    raw = data.draw(typed, label="typed")
    try:
        value = clean_cell(row, column, raw)
    except CellError as exc:
        assert str(exc).strip(), "a refusal must say why"
        return
    assert value is None or isinstance(value, str) or (
        isinstance(value, Decimal) and value.is_finite() and abs(value) < LIMIT
    )


@pytest.mark.parametrize("code", ["PL02", "PL03"])
@HYPOTHESIS
@given(data=st.data())
def test_checking_whatever_was_accepted_never_fails(forms, code, data):
    version = FormVersion.objects.prefetch_related("rows").get(form__code=code, is_current=True)
    values = {}
    for row, column in data.draw(st.lists(st.sampled_from(cells(version)), max_size=25), label="cells"):
        try:
            values[(row.key, column)] = clean_cell(row, column, data.draw(typed, label="typed"))
        except CellError:
            continue
    for issue in check(version, values):
        assert issue.message.strip()
