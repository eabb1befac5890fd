"""Numeric filters of the API that refuse, with 400, numbers no database column can compare.

django-filter's NumberFilter accepts any decimal ("1e40", "-99999999999999999999"); the database
then fails (an OverflowError on SQLite, "integer out of range" on PostgreSQL) and the caller got
a 500. These bounds keep every value inside a 32-bit integer, which every id and year column
holds, and refuse fractions. tests/test_api_filters.py sends such values to every filter.
"""

from django_filters import NumberFilter

MAX_ID = 2**31 - 1


class IdFilter(NumberFilter):
    """The id of a record: a whole number from 1."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        kwargs.setdefault("decimal_places", 0)
        super().__init__(*args, **kwargs)


class YearFilter(NumberFilter):
    """A calendar year (a year lookup builds dates: year 0 or 10000 cannot be one)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 9999)
        kwargs.setdefault("decimal_places", 0)
        super().__init__(*args, **kwargs)


class MonthFilter(NumberFilter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 12)
        kwargs.setdefault("decimal_places", 0)
        super().__init__(*args, **kwargs)
