"""The dashboard page, `/bang-dieu-khien/`: a unit's subtree in charts, drawn by static/js/dashboard.js.

The page itself holds no figure: it checks the unit and the year, then gives the script the
addresses of the JSON endpoints (`dashboards.api.views`) in data-* attributes. Query parameters:
`don_vi` (unit code; default the top of the viewer's scope) and `nam` (year; default this year).
A unit outside the viewer's scope answers 404, as one that does not exist; so does the page for
someone without a unit scope (a member).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dashboards.api.serializers import FIRST_YEAR
from dashboards.cache import SECTIONS, section_title
from dashboards.selectors import MONTHLY_FORM
from organizations.models import Unit
from organizations.scoping import get_scope
from reporting.models import Period
from reporting.views.consolidation import home_units, sees_below

# The unit box lists the units directly below; beyond this many, the bars and the tables lead on.
CHILDREN_LISTED = 500


def _year(raw: str, today) -> tuple[int, str]:
    """(year, error shown next to the year field)."""
    if not raw:
        return today.year, ""
    last = today.year + 1
    if raw.isdigit() and FIRST_YEAR <= int(raw) <= last:
        return int(raw), ""
    return today.year, _("“%(value)s” không phải là năm hợp lệ: chọn một năm từ %(first)s đến %(last)s.") % {
        "value": raw, "first": FIRST_YEAR, "last": last}


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """A unit's dashboard for a year: reporting, the welfare programme, members' benefits, campaigns."""
    homes = home_units(request.user)
    if not homes:
        raise Http404
    code = request.GET.get("don_vi", "").strip()
    if code:
        unit = Unit.objects.visible_to(request.user).filter(code=code).select_related("kind").first()
        if unit is None:
            raise Http404
    else:
        unit = min(homes, key=lambda u: (u.depth, u.path))
    today = timezone.localdate()
    year, year_error = _year(request.GET.get("nam", "").strip(), today)
    sees = sees_below(get_scope(request.user), unit)

    years = set(Period.objects.filter(form__code=MONTHLY_FORM).order_by().values_list("year", flat=True).distinct())
    years = sorted(years | {today.year, year}, reverse=True)
    above = list(Unit.objects.visible_to(request.user).filter(path__in=unit.ancestor_paths()).order_by("depth"))
    children = list(Unit.objects.children_of(unit).order_by("path").values_list("code", "name")[:CHILDREN_LISTED]) if sees else []

    query = urlencode({"unit": unit.pk, "year": year})
    sections = [
        {
            "key": key,
            "title": section_title(key),
            "endpoint": f"{reverse(f'dashboard-{key}')}?{query}",
            "xlsx": f"{reverse('dashboard-xlsx')}?{query}&{urlencode({'section': key})}",
        }
        for key in SECTIONS
    ]
    return render(request, "dashboards/dashboard.html", {
        "unit": unit, "year": year, "years": years, "year_error": year_error, "typed_year": request.GET.get("nam", ""),
        "sees_below": sees, "above": above, "children": children, "more_children": sees and unit.numchild > len(children),
        "sections": sections, "home": min(homes, key=lambda u: (u.depth, u.path)),
    })
