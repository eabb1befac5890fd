import pytest

from reporting.definitions import ensure_forms_loaded
from reporting.models import Form
from reporting.services import period_get_or_create


@pytest.fixture
def forms(db):
    ensure_forms_loaded()
    return {form.code: form for form in Form.objects.all()}


@pytest.fixture
def november(forms):
    return period_get_or_create(form=forms["PL02"], year=2026, month=11)
