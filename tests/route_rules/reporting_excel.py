"""Reports as .xlsx and printed pages, and the Excel template import: whoever may see a report or a
unit downloads and prints it; only the unit's officers (and system administrators) download the
import template and import into their report; members and strangers nothing."""

from tests.route_rules import Rule, signed_in


def _november():
    from reporting.definitions import ensure_forms_loaded
    from reporting.models import Form
    from reporting.services import period_get_or_create

    ensure_forms_loaded()
    return period_get_or_create(form=Form.objects.get(code="PL02"), year=2026, month=11)


def submission_of_a(tree, actors):
    from reporting.services import submission_open

    return {"pk": submission_open(unit=tree.company_a, period=_november(), by=actors.officer_a).pk}


def consolidation_of_a(tree, actors):
    return {"unit_pk": tree.company_a.pk, "period_pk": _november().pk}


SEES_A = {**signed_in(200), "member": 404, "officer_b": 404}
EDITS_A = {**SEES_A, "reviewer": 403, "unit_admin": 403}  # visible to them, not theirs to change

RULES = {
    "reporting:submission-xlsx": Rule(SEES_A, kwargs=submission_of_a),
    "reporting:submission-print": Rule(SEES_A, kwargs=submission_of_a),
    "reporting:submission-template": Rule(EDITS_A, kwargs=submission_of_a),
    "reporting:submission-import": Rule(EDITS_A, kwargs=submission_of_a),
    "reporting:consolidation-xlsx": Rule(SEES_A, kwargs=consolidation_of_a),
    "reporting:consolidation-print": Rule(SEES_A, kwargs=consolidation_of_a),
}
