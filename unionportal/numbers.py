"""The one reader and writer of numbers typed and shown the Vietnamese way: 1.234.567,5."""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

# ASCII digits only: \d would also take Arabic-Indic or full-width digits, which nobody types here.
_GROUPED = re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$|^-?\d+(,\d+)?$", re.ASCII)
# A lone decimal point ("1234.5", ".5"): never an exponent ("1.5e20"), which would let a typed
# cell ask for a number with thousands of digits.
_POINT = re.compile(r"^-?(\d+\.\d*|\.\d+)$", re.ASCII)
# Every figure is stored in a DecimalField(max_digits=18, decimal_places=3): 15 whole digits.
LIMIT = Decimal(10) ** 15


class NumberError(ValueError):
    pass


def parse_number(raw) -> Decimal | None:
    """"1.234,5", "1234,5", "1234.5" or 1234.5 → Decimal("1234.5"); "" or None → None.

    A dot followed by exactly three digits is a thousands separator ("1.250" is 1250), as
    people write here; a lone dot with other digit counts is read as a decimal point.
    """
    if raw is None:
        return None
    if isinstance(raw, (int, float, Decimal)) and not isinstance(raw, bool):
        # Figures from the API's JSON or a spreadsheet cell: the same bounds as typed ones.
        return _within_bounds(Decimal(str(raw)) if isinstance(raw, float) else Decimal(raw), raw)
    text = str(raw).strip().replace(" ", "").replace("\u00a0", "")
    if text == "":
        return None
    if _GROUPED.match(text):
        text = text.replace(".", "").replace(",", ".")
    elif not _POINT.match(text):
        raise NumberError(_("“%(value)s” không phải là số.") % {"value": raw})
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise NumberError(_("“%(value)s” không phải là số.") % {"value": raw}) from exc
    return _within_bounds(number, raw)


def _within_bounds(number: Decimal, raw) -> Decimal:
    if not number.is_finite():
        raise NumberError(_("“%(value)s” không phải là số.") % {"value": raw})
    if abs(number) >= LIMIT:
        raise NumberError(_("“%(value)s” quá lớn: số không được vượt quá 15 chữ số phần nguyên.") % {"value": raw})
    return number


def format_number(number, places: int | None = None) -> str:
    """1234.5 → "1.234,5"; whole numbers without decimals.

    With `places`, always that many decimals, rounded half up (a share in %: 50 → "50,0").
    """
    if number is None:
        return ""
    number = Decimal(number)
    if places is not None:
        number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        digits = f"{abs(number):f}"
    else:
        digits = f"{abs(number).normalize():f}"
    sign = "-" if number < 0 else ""
    integer, _dot, fraction = digits.partition(".")
    grouped = f"{int(integer):,}".replace(",", ".")
    return f"{sign}{grouped},{fraction}" if fraction else f"{sign}{grouped}"
