"""The one Vietnamese text-folding function of the portal.

Search keys are written with it and every query is folded with it, so "khach san",
"khách sạn", "KHÁCH SẠN", "hoà"/"hòa" and NFD/NFC input all meet on the same key.
"""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str | None) -> str:
    """Lower-case, accent-free, đ→d, single-spaced form of `text` for searching."""
    if not text:
        return ""
    # NFD splits every tone and vowel mark off its letter, wherever the mark was placed.
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = stripped.replace("đ", "d").replace("Đ", "D")
    return _SPACES.sub(" ", stripped.casefold()).strip()
