"""Figures of the campaigns app offered to the reports (Phụ lục 03 rows 1.1.1 and 1.1.2).

Each provider counts the records of the reporting unit *and its subtree* within the report's
period, as the appendix asks for the unit's whole system. Registered in reporting.prefill's
registry when the app is ready (campaigns/apps.py).

Rows 1.1.2 split what was published into "Số tài liệu đăng lên trang" and "Số bài viết". The
portal records articles only, so:
- documents posted (`campaigns.documents_posted`) = articles in sections of the web outlets
  (websites and social pages: what is posted "lên trang");
- articles (`campaigns.articles`) = every article, on any outlet (web, newspapers, magazines,
  radio/TV).
The officer sees where each figure came from and may change it.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from campaigns.choices import ActivityKind, OutletKind
from reporting.prefill import provider

# The kinds the appendix counts as "Hội nghị triển khai" (conferences, seminars and trainings).
CONFERENCE_KINDS = [ActivityKind.LAUNCH_CONFERENCE, ActivityKind.SEMINAR, ActivityKind.TRAINING]
WEB_OUTLETS = [OutletKind.WEBSITE, OutletKind.SOCIAL]


def _unit_path(submission) -> str:
    from organizations.models import Unit

    return Unit.objects.values_list("path", flat=True).get(pk=submission.unit_id)


def _conferences(submission):
    from campaigns.models import Activity

    period = submission.period
    return Activity.objects.filter(
        unit__path__startswith=_unit_path(submission), kind__in=CONFERENCE_KINDS,
        held_on__range=(period.starts_on, period.ends_on),
    ).aggregate(count=Count("id"), people=Sum("participants"))


def _articles(submission):
    from campaigns.models import Article

    period = submission.period
    return Article.objects.filter(
        section__outlet__unit__path__startswith=_unit_path(submission),
        published_on__range=(period.starts_on, period.ends_on),
    ).aggregate(all=Count("id"), web=Count("id", filter=Q(section__outlet__kind__in=WEB_OUTLETS)))


@provider("campaigns.conferences")
def conferences(submission):
    return Decimal(_conferences(submission)["count"]), _(
        "Hội nghị triển khai, hội thảo, tập huấn của đơn vị và cấp dưới trong kỳ, theo mục Tuyên truyền"
    )


@provider("campaigns.participants")
def participants(submission):
    people = _conferences(submission)["people"]
    return Decimal(people or 0), _(
        "Cộng số người tham gia hội nghị triển khai, hội thảo, tập huấn của đơn vị và cấp dưới trong kỳ"
    )


@provider("campaigns.documents_posted")
def documents_posted(submission):
    return Decimal(_articles(submission)["web"]), _(
        "Bài đăng trên trang thông tin điện tử, trang mạng xã hội của đơn vị và cấp dưới trong kỳ"
    )


@provider("campaigns.articles")
def articles(submission):
    return Decimal(_articles(submission)["all"]), _(
        "Bài viết trên mọi cơ quan báo chí, trang tin của đơn vị và cấp dưới trong kỳ, theo mục Tuyên truyền"
    )
