"""Consolidated reports and the compliance list: everyone with a unit scope sees the consolidation
of a unit they may see (by default their own); contributions by unit below and the compliance
list only for those who see the units below; members and strangers nothing. A background export
is seen only by the person who started it (and system administrators)."""

from tests.route_rules import LOGIN, Rule, signed_in


def november(tree=None, actors=None):
    """PL02 for 11/2026, which every unit of the tree owes (the pages then have a period to show)."""
    from datetime import date

    from organizations.models import Unit
    from reporting.definitions import ensure_forms_loaded
    from reporting.models import Form
    from reporting.services import form_assign, period_get_or_create

    ensure_forms_loaded()
    form = Form.objects.get(code="PL02")
    form_assign(form=form, units=Unit.objects.all(), valid_from=date(2026, 1, 1))
    return period_get_or_create(form=form, year=2026, month=11)


def with_a_period(tree, actors):
    november()
    return {}


def breakdown_of_a(tree, actors):
    """A figure of company A's consolidation (its own report, for a unit without units below)."""
    return {"unit_pk": tree.company_a.pk, "period_pk": november().pk, "row_key": "directives"}


def job_of_the_reviewer(tree, actors):
    from reporting.models import ExportJob

    period = november()
    job = ExportJob.objects.create(user=actors.reviewer_an_giang, unit=tree.an_giang, period=period, total_rows=30000)
    return {"pk": job.pk}


RULES = {
    "reporting:consolidation": Rule({**signed_in(200), "member": 404}, kwargs=with_a_period),
    "reporting:consolidation-breakdown": Rule(
        {**signed_in(200), "member": 404, "officer_b": 404}, kwargs=breakdown_of_a
    ),
    # Officers see no unit below their own: no compliance list.
    "reporting:compliance": Rule(
        {**signed_in(404), "reviewer": 200, "unit_admin": 200, "system_admin": 200}, kwargs=with_a_period
    ),
    "reporting:compliance-export": Rule(
        {**signed_in(404), "reviewer": 200, "unit_admin": 200, "system_admin": 200}, kwargs=with_a_period
    ),
    "reporting:export-job-detail": Rule(
        {**signed_in(404), "anonymous": LOGIN, "reviewer": 200, "system_admin": 200}, kwargs=job_of_the_reviewer
    ),
    # The job of the rule is still queued: there is no file to download for anyone yet.
    "reporting:export-job-download": Rule(signed_in(404), kwargs=job_of_the_reviewer),
}
