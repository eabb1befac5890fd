"""The dashboard's figures per (unit, year), computed once and kept in the Django cache.

A section's figures depend on the unit and the year only (not on who asks: `dashboards.api`
withholds what a viewer may not see after reading them), so one cached copy serves every
viewer. The copy is keyed by section, unit, year and language (captions are translated), and is
recomputed:
- when a report of the unit or of a unit below changes state (opened, sent, returned, approved,
  reopened): `forget_unit_year`, called by `dashboards.signals` for the unit and every unit
  above it, on the spot and again once the transaction commits (a read in between would
  otherwise put the old figures back);
- the first time it is read on a new day (counts "as of today" move with the date);
- at the latest after CACHE_SECONDS, which bounds how long a new agreement, usage figure,
  article or activity may take to show (those are not tracked one by one).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dashboards import selectors
from organizations.models import Unit

CACHE_SECONDS = 600

SECTIONS = {
    "reporting": selectors.reporting_charts,
    "welfare": selectors.welfare_charts,
    "benefits": selectors.benefit_charts,
    "campaigns": selectors.campaign_charts,
}
# Sections whose figures come from reports: forgotten when a report changes state.
REPORT_SECTIONS = ("reporting", "benefits")


def section_title(section: str) -> str:
    return {
        "reporting": _("Báo cáo định kỳ"),
        "welfare": _("Chương trình phúc lợi"),
        "benefits": _("Lợi ích của đoàn viên (từ báo cáo đã duyệt)"),
        "campaigns": _("Tuyên truyền"),
    }[section]


def cache_key(section: str, unit_id: int, year: int, language: str) -> str:
    return f"dashboard:{section}:{unit_id}:{year}:{language}"


def section_figures(*, section: str, unit: Unit, year: int, today: date | None = None) -> dict:
    """The figures of one section of `unit`'s dashboard for `year`, from the cache when fresh.

    `unit` must already be one the viewer may see.
    """
    today = today or timezone.localdate()
    language = translation.get_language() or settings.LANGUAGE_CODE
    key = cache_key(section, unit.pk, year, language)
    payload = cache.get(key)
    if payload is not None and payload.get("as_of") == today.isoformat():
        return payload
    charts = SECTIONS[section](unit=unit, year=year, today=today)
    payload = {
        "section": section,
        "title": section_title(section),
        "unit": {"id": unit.pk, "code": unit.code, "name": unit.name},
        "year": year,
        "as_of": today.isoformat(),
        "computed_at": timezone.localtime().isoformat(timespec="seconds"),
        "charts": [chart.as_dict() for chart in charts],
    }
    cache.set(key, payload, CACHE_SECONDS)
    return payload


def forget_unit_year(*, unit_path: str, year: int, sections=REPORT_SECTIONS) -> None:
    """Drop the cached figures of the unit at `unit_path` and of every unit above it for `year`
    (one query for their ids, one cache call)."""
    ancestors = [unit_path[:end] for end in range(Unit.steplen, len(unit_path) + 1, Unit.steplen)]
    ids = list(Unit.objects.filter(path__in=ancestors).values_list("pk", flat=True))
    languages = [code for code, _name in settings.LANGUAGES]
    cache.delete_many([cache_key(s, pk, year, lang) for s in sections for pk in ids for lang in languages])
