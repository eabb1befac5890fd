"""The public page of the campaigns: the latest articles of every section, grouped by theme.

No login: these are links to articles already published on the union press and the units'
websites. The overview takes the latest articles of each theme in one query (a window numbering
the articles within their theme); `?chu_de=<theme>` lists one theme, page by page.
"""

from __future__ import annotations

from datetime import date

from django.core.paginator import Paginator
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from campaigns.choices import Theme
from campaigns.models import Article, Campaign

LATEST_PER_THEME = 8
PAGE_SIZE = 20


def _articles():
    return Article.objects.select_related("section__outlet").only(
        "title", "url", "published_on", "in_print", "section__name", "section__theme", "section__outlet__name",
    )


def article_list(request: HttpRequest) -> HttpResponse:
    theme = request.GET.get("chu_de", "")
    context: dict = {"themes": Theme.choices, "theme": theme if theme in Theme.values else ""}
    if context["theme"]:
        page = Paginator(_articles().filter(section__theme=theme), PAGE_SIZE).get_page(request.GET.get("trang"))
        context.update(theme_label=Theme(theme).label, page_obj=page, articles=page.object_list,
                       query_string=f"chu_de={theme}")
    else:
        numbered = _articles().annotate(
            rank=Window(RowNumber(), partition_by=F("section__theme"), order_by=[F("published_on").desc(), F("id").desc()])
        ).filter(rank__lte=LATEST_PER_THEME)
        by_theme: dict[str, list] = {}
        for article in numbered:
            by_theme.setdefault(article.section.theme, []).append(article)
        context["groups"] = [
            (code, label, by_theme[code]) for code, label in Theme.choices if code in by_theme
        ]
    return render(request, "campaigns/public/article_list.html", context)


def campaign_banner(day: date | None = None) -> Campaign | None:
    """TLĐ's plan with a phase under way today, shown as a banner on the home page."""
    day = day or timezone.localdate()
    return Campaign.objects.filter(unit__depth=1).running_on(day).only("title").first()
