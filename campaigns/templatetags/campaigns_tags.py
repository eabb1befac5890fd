"""Template helpers of campaigns."""

from functools import lru_cache

from django import template
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

register = template.Library()

_ID = 987654321  # stands for a section's id in the one URL reversed per board


@register.simple_tag
def quota_rows(board) -> SafeString:
    """The rows of the quota board, one `<tr data-section>` per section: the section (linked to
    its page), its outlet and unit, its weekly quota, one cell per week — the weeks below quota
    marked by "!" as well as by colour — its total and its number of weeks below quota.

    Built in Python rather than by a template loop: TLĐ's board has 1,000 rows and 52,000 cells,
    which the template took well over a second to render (`make bench`, scenario quota_board).
    Texts are escaped; everything else is an integer.
    """
    mark = format_html('<span aria-label="{}">!</span>', _("chưa đạt chỉ tiêu"))
    section_url = escape(reverse("campaigns:section-detail", args=[_ID])).replace(str(_ID), "{:d}")
    html = []
    for row in board.rows:
        section = row.section
        judged, quota = row.judged, section.weekly_quota
        html.append(
            f'<tr data-section="{section.pk:d}"><th scope="row" class="small">'
            f'<a href="{section_url.format(section.pk)}">{escape(section.name)}</a>'
            f'<div class="text-muted">{escape(section.outlet.name)} · {escape(section.outlet.unit.name)}</div></th>'
            f'<td class="num">{quota:d}</td>'
        )
        html += [_cell(i + 1, count, i in judged and count < quota, mark) for i, count in enumerate(row.counts)]
        html.append(f'<td class="num fw-semibold">{row.total:d}</td><td class="num">{row.weeks_below:d}</td></tr>\n')
    return mark_safe("".join(html))


@lru_cache(maxsize=4096)
def _cell(week: int, count: int, below: bool, mark: str) -> str:
    """A week's cell; a board has only a few hundred different ones (week × count × below)."""
    if below:
        return f'<td class="num quota-below" data-week="{week:d}">{count:d}{mark}</td>'
    return f'<td class="num" data-week="{week:d}">{count:d}</td>'
