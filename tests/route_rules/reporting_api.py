"""Routes of the reporting API (/api/v1/forms/, periods/, submissions/, consolidations/, compliance/).

Forms and periods are reference data for anyone signed in. A submission of company A is seen by
its officer, the reviewer and administrator above and the system administrator; a member and
the officer of company B get 404. The actions that change a report are POST only (405 on GET).
Consolidations and compliance need `form` and `period` in the query: without them every caller
who may ask gets 400, a member (no scope) 404, and the compliance list refuses officers (403),
who see no unit below their own.
"""

from tests.route_rules import Rule, signed_in

INTERNAL_RECORD = {**signed_in(200, anonymous=401), "member": 404, "officer_b": 404}
POST_ONLY = signed_in(405, anonymous=401)
NEEDS_A_QUERY = {**signed_in(400, anonymous=401), "member": 404}
UNITS_BELOW_ONLY = {**NEEDS_A_QUERY, "officer_a": 403, "officer_b": 403}


def pl02(tree=None, actors=None):
    from reporting.definitions import ensure_forms_loaded

    ensure_forms_loaded()
    return {"code": "PL02"}


def november_period(tree=None, actors=None):
    from reporting.models import Form
    from reporting.services import period_get_or_create

    pl02()
    return period_get_or_create(form=Form.objects.get(code="PL02"), year=2026, month=11)


def period_kwargs(tree, actors):
    return {"pk": november_period().pk}


def submission_of_a(tree, actors):
    from reporting.services import submission_open

    return {"pk": submission_open(unit=tree.company_a, period=november_period(), by=actors.officer_a).pk}


RULES = {
    "form-list": Rule(signed_in(200, anonymous=401)),
    "form-detail": Rule(signed_in(200, anonymous=401), kwargs=pl02),
    "form-versions": Rule(signed_in(200, anonymous=401), kwargs=pl02),
    "period-list": Rule(signed_in(200, anonymous=401)),
    "period-detail": Rule(signed_in(200, anonymous=401), kwargs=period_kwargs),
    "submission-list": Rule(signed_in(200, anonymous=401)),
    "submission-detail": Rule(INTERNAL_RECORD, kwargs=submission_of_a),
    "submission-xlsx": Rule(INTERNAL_RECORD, kwargs=submission_of_a),
    "submission-submit": Rule(POST_ONLY, kwargs=submission_of_a),
    "submission-return": Rule(POST_ONLY, kwargs=submission_of_a),
    "submission-approve": Rule(POST_ONLY, kwargs=submission_of_a),
    "submission-reopen": Rule(POST_ONLY, kwargs=submission_of_a),
    "consolidation-list": Rule(NEEDS_A_QUERY),
    "consolidation-breakdown": Rule(NEEDS_A_QUERY),
    "consolidation-xlsx": Rule(NEEDS_A_QUERY),
    "compliance-list": Rule(UNITS_BELOW_ONLY),
    "compliance-xlsx": Rule(UNITS_BELOW_ONLY),
}
