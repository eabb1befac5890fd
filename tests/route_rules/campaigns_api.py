"""Routes of the campaigns API (/api/v1/campaigns/, milestones/, media-outlets/, sections/, articles/, activities/).

All internal: anonymous callers get 401, members an empty list and 404 on any record, the
officer of unit B 404 on unit A's records.
"""

from datetime import date

from tests.route_rules import READ_DOWN, Rule, signed_in

INTERNAL_LIST = signed_in(200, anonymous=401)
INTERNAL_RECORD = {**signed_in(200, anonymous=401), "member": 404, "officer_b": 404}


def _campaign(tree):
    from campaigns.models import Campaign

    return Campaign.objects.create(unit=tree.company_a, title="Kế hoạch tuyên truyền của Công ty A")


def _section(tree):
    from campaigns.models import MediaOutlet, Section

    outlet = MediaOutlet.objects.create(unit=tree.company_a, name="Trang tin Công ty A", kind="website")
    return Section.objects.create(outlet=outlet, name="Vì lợi ích đoàn viên", theme="member_benefits",
                                  opened_on=date(2026, 1, 5))


def campaign_of_a(tree, actors):
    return {"pk": _campaign(tree).pk}


def milestone_of_a(tree, actors):
    from campaigns.models import Milestone

    return {"pk": Milestone.objects.create(campaign=_campaign(tree), title="Xong chuyên mục", due_on=date(2026, 9, 20)).pk}


def outlet_of_a(tree, actors):
    return {"pk": _section(tree).outlet_id}


def section_of_a(tree, actors):
    return {"pk": _section(tree).pk}


def article_of_a(tree, actors):
    from campaigns.models import Article

    article = Article.objects.create(section=_section(tree), title="Bài", url="https://a.vn/1", published_on=date(2026, 3, 2))
    return {"pk": article.pk}


def activity_of_a(tree, actors):
    from campaigns.models import Activity

    activity = Activity.objects.create(unit=tree.company_a, kind="launch_conference", title="Hội nghị",
                                       held_on=date(2026, 3, 2), participants=50)
    return {"pk": activity.pk}


RULES = {
    "campaign-list": Rule(INTERNAL_LIST),
    "campaign-detail": Rule(INTERNAL_RECORD, kwargs=campaign_of_a, above=READ_DOWN),
    "milestone-list": Rule(INTERNAL_LIST),
    "milestone-detail": Rule(INTERNAL_RECORD, kwargs=milestone_of_a),
    "media-outlet-list": Rule(INTERNAL_LIST),
    "media-outlet-detail": Rule(INTERNAL_RECORD, kwargs=outlet_of_a),
    "section-list": Rule(INTERNAL_LIST),
    "section-detail": Rule(INTERNAL_RECORD, kwargs=section_of_a),
    "article-list": Rule(INTERNAL_LIST),
    "article-detail": Rule(INTERNAL_RECORD, kwargs=article_of_a),
    "activity-list": Rule(INTERNAL_LIST),
    "activity-detail": Rule(INTERNAL_RECORD, kwargs=activity_of_a),
}
