from tests.reporting.conftest import forms, november  # noqa: F401 - the reporting fixtures, here too
