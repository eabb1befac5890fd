"""Entry and review of reports (/bao-cao/): the officer's list and form, the reviewer's queue and page.

Members get 404 everywhere. The report is company A's: the officer of company B gets 404; the
reviewer above A and An Giang's unit administrator see it but may not fill it (403 on the form);
the review page is readable by everyone who sees the unit. Save, submit and reopen are POST only.
"""

from tests.route_rules import LOGIN, Rule

STAFF = {"anonymous": LOGIN, "member": 404, "officer_a": 200, "officer_b": 200, "reviewer": 200,
         "unit_admin": 200, "system_admin": 200}
POST_ONLY = {**STAFF, **dict.fromkeys(["officer_a", "officer_b", "reviewer", "unit_admin", "system_admin"], 405)}


def _this_month(tree):
    from django.utils import timezone

    from reporting.definitions import ensure_forms_loaded
    from reporting.models import Form
    from reporting.services import form_assign, period_get_or_create

    ensure_forms_loaded()
    today = timezone.localdate()
    form = Form.objects.get(code="PL02")
    form_assign(form=form, units=[tree.company_a], valid_from=today.replace(day=1, month=1))
    return period_get_or_create(form=form, year=today.year, month=today.month)


def report_of_a(tree, actors):
    period = _this_month(tree)
    return {"unit_pk": tree.company_a.pk, "form_code": "PL02", "period_slug": period.slug}


def submission_of_a(tree, actors):
    from reporting.services import submission_open

    submission = submission_open(unit=tree.company_a, period=_this_month(tree), by=actors.officer_a)
    return {"pk": submission.pk}


RULES: dict[str, Rule] = {
    "reporting:submission-list": Rule(STAFF),
    "reporting:submission-edit": Rule(
        {**STAFF, "officer_b": 404, "reviewer": 403, "unit_admin": 403}, kwargs=report_of_a
    ),
    "reporting:submission-save": Rule(POST_ONLY, kwargs=submission_of_a),
    "reporting:submission-submit": Rule(POST_ONLY, kwargs=submission_of_a),
    "reporting:review-queue": Rule(STAFF),
    "reporting:submission-review": Rule({**STAFF, "officer_b": 404}, kwargs=submission_of_a),
    "reporting:submission-reopen": Rule(POST_ONLY, kwargs=submission_of_a),
}
