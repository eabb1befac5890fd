"""Template helpers of reporting: figures the Vietnamese way (1.234,5)."""

from decimal import Decimal, InvalidOperation

from django import template

from unionportal.numbers import format_number

register = template.Library()


@register.filter
def vn_number(value) -> str:
    """1234.5 → "1.234,5"; None or "" → ""; anything that is not a number is shown as it is.

    USE_THOUSAND_SEPARATOR is off on purpose (ids must never read "1.234"), so figures shown to
    people go through this filter.
    """
    if value is None or value == "":
        return ""
    try:
        return format_number(Decimal(str(value)) if not isinstance(value, Decimal) else value)
    except (InvalidOperation, ValueError, TypeError):
        return str(value)
