"""`MonthsSent`, the months each unit has sent a monthly form (what the dashboards count): kept by
`submission_submit` and by the bench's generator, always equal to what the reports say."""

from datetime import timedelta

import time_machine

from reporting.generation import generate_period_reports
from reporting.models import MonthsSent, Submission
from reporting.services import submission_open, submission_save, submission_submit
from tests.factories import UnitFactory


def from_the_reports() -> dict:
    """The masks computed again from every report, as the migration's backfill does."""
    masks: dict[tuple, list[int]] = {}
    for s in Submission.objects.filter(first_submitted_at__isnull=False, period__month__isnull=False).select_related("period"):
        row = masks.setdefault((s.unit_id, s.period.form_id, s.period.year), [0, 0])
        row[0] |= 1 << (s.period.month - 1)
        row[1] |= (1 << (s.period.month - 1)) if s.submitted_late else 0
    return {key: tuple(value) for key, value in masks.items()}


def stored() -> dict:
    return {(m.unit_id, m.form_id, m.year): (m.sent, m.late) for m in MonthsSent.objects.all()}


def submit(unit, period, by):
    submission = submission_open(unit=unit, period=period, by=by)
    submission = submission_save(
        submission=submission, cells={("directives", "value"): "1"}, expected_version=submission.version, by=by
    ).submission
    return submission_submit(submission=submission, expected_version=submission.version, by=by)


def test_a_sent_report_sets_its_month_and_a_late_one_its_late_bit(tree, actors, november):
    admin = actors.system_admin
    assert stored() == {}
    with time_machine.travel(november.deadline() - timedelta(days=1)):
        submit(tree.company_a, november, admin)
    with time_machine.travel(november.deadline() + timedelta(days=2)):
        submit(tree.company_b, november, admin)
    november_bit = 1 << (november.month - 1)
    assert stored() == {
        (tree.company_a.pk, november.form_id, november.year): (november_bit, 0),
        (tree.company_b.pk, november.form_id, november.year): (november_bit, november_bit),
    }
    assert stored() == from_the_reports()


def test_a_draft_sets_nothing(tree, actors, november):
    submission_open(unit=tree.company_a, period=november, by=actors.system_admin)
    assert stored() == {}


def test_the_generator_leaves_what_the_reports_say(tree, november):
    for n in range(30):
        UnitFactory(parent=tree.ha_noi, code=f"MS{n:02d}")
    generate_period_reports(period=november, share=0.9)
    assert stored() == from_the_reports() != {}
