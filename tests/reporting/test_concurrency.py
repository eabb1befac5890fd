"""Two people on the same report at the same time: nothing is overwritten silently.

- Two tabs (or two officers) save the same draft from the same version: the second save is
  refused with a clear message, the first is kept, and only the first is in the audit history.
- Two reviewers act on the same submission at the same instant, in two threads with their own
  database connections (PostgreSQL: row locks and READ COMMITTED as in production): one wins,
  the other is refused, and the submission has one valid state, one transition and one audit
  row for it. SQLite serialises every writer, so there is no race to test there.

(Approving a submission that changed after the reviewer opened it: test_review_page.py,
`test_approving_a_submission_that_changed_since_it_was_opened_is_refused`; the API's 412 on a
stale ETag: test_api.py.)
"""

import threading
import time
from datetime import date

import pytest
from django.conf import settings
from django.db import connections
from django.urls import reverse

from reporting import services
from reporting.choices import SubmissionStatus
from reporting.models import ConsolidatedTotal, Submission, SubmissionTransition, SubmissionValue
from reporting.selectors import REPORTS_CELL
from reporting.services import (
    SubmissionConflict,
    form_assign,
    submission_open,
    submission_save,
    submission_submit,
)
from tests.factories import user_with_role

ON_POSTGRESQL = "postgresql" in settings.DATABASES["default"]["ENGINE"]
needs_postgresql = pytest.mark.skipif(
    not ON_POSTGRESQL,
    reason="SQLite lets one writer at a time: two transactions cannot race there (run with DATABASE_URL=postgres://…)",
)


@pytest.fixture
def draft(tree, actors, forms, november):
    form_assign(form=forms["PL02"], units=[tree.company_a], valid_from=date(2026, 1, 1))
    return submission_open(unit=tree.company_a, period=november, by=actors.officer_a)


def save_url(submission):
    return reverse("reporting:submission-save", args=[submission.pk])


def test_the_second_tab_saving_the_same_version_is_refused_and_the_first_is_kept(client, draft, actors):
    client.force_login(actors.officer_a)
    opened = draft.version

    first = client.post(save_url(draft), {"version": opened, "v.loans.value": "10"})
    second = client.post(save_url(draft), {"version": opened, "v.loans.value": "99"})

    assert first.status_code == 302
    assert second.status_code == 409
    page = second.content.decode()
    assert "Báo cáo vừa được người khác thay đổi sau khi bạn mở" in page
    assert 'value="99"' in page  # what the second tab typed is still on its screen
    loans = SubmissionValue.objects.get(submission=draft, row__key="loans")
    assert loans.number == 10
    assert [v.number for v in loans.history.all()] == [10]


def run_at_once(*calls):
    """Run each call in its own thread (own database connection), released together; returns
    what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = call()
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test inspects
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a transaction is stuck"
    return outcomes


@pytest.fixture
def slow_totals(monkeypatch):
    """The winner keeps its transaction (and its row lock) open a moment longer, so the loser's
    statement certainly runs while it is still open."""
    real = services.totals_apply

    def slow(submission, *, sign):
        real(submission, sign=sign)
        time.sleep(0.5)

    monkeypatch.setattr(services, "totals_apply", slow)


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_reviewers_approving_at_once_leave_one_approval_and_one_audit_row(tree, draft, actors, slow_totals):
    second = user_with_role(tree.an_giang, "reviewer", username="duyet_ag_2", full_name="Hồ Văn Giang")
    draft = submission_save(submission=draft, cells={("loans", "value"): "10"}, expected_version=draft.version,
                            by=actors.officer_a).submission
    submitted = submission_submit(submission=draft, expected_version=draft.version, by=actors.officer_a)
    seen = submitted.version
    audit_rows = Submission.history.filter(id=submitted.pk).count()

    outcomes = run_at_once(
        lambda: services.submission_approve(submission=Submission.objects.get(pk=submitted.pk), expected_version=seen,
                                            by=actors.reviewer_an_giang),
        lambda: services.submission_approve(submission=Submission.objects.get(pk=submitted.pk), expected_version=seen,
                                            by=second),
    )

    assert sorted(type(o).__name__ for o in outcomes) == ["Submission", "SubmissionConflict"], outcomes
    final = Submission.objects.get(pk=submitted.pk)
    assert final.status == SubmissionStatus.APPROVED and final.version == seen + 1
    assert SubmissionTransition.objects.filter(submission=final, to_status=SubmissionStatus.APPROVED).count() == 1
    assert Submission.history.filter(id=final.pk).count() == audit_rows + 1
    winner = next(o for o in outcomes if isinstance(o, Submission)).approved_by
    assert Submission.history.filter(id=final.pk).latest("history_date").history_user == winner == final.approved_by
    # Counted once up the tree, not twice.
    reports = ConsolidatedTotal.objects.get(unit=tree.an_giang, period=final.period, row_key=REPORTS_CELL[0])
    assert reports.contributors == 1
    assert ConsolidatedTotal.objects.get(unit=tree.an_giang, period=final.period, row_key="loans").total == 10


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_approve_and_return_at_once_leave_one_valid_state(tree, draft, actors, slow_totals):
    second = user_with_role(tree.an_giang, "reviewer", username="duyet_ag_2")
    submitted = submission_submit(submission=draft, expected_version=draft.version, by=actors.officer_a)
    seen = submitted.version
    audit_rows = Submission.history.filter(id=submitted.pk).count()

    outcomes = run_at_once(
        lambda: services.submission_approve(submission=Submission.objects.get(pk=submitted.pk), expected_version=seen,
                                            by=actors.reviewer_an_giang),
        lambda: services.submission_return(submission=Submission.objects.get(pk=submitted.pk), expected_version=seen,
                                           by=second, comment="Xem lại số liệu"),
    )

    assert sum(isinstance(o, SubmissionConflict) for o in outcomes) == 1, outcomes
    final = Submission.objects.get(pk=submitted.pk)
    assert final.status in (SubmissionStatus.APPROVED, SubmissionStatus.RETURNED)
    decisions = SubmissionTransition.objects.filter(submission=final).exclude(
        to_status__in=[SubmissionStatus.DRAFT, SubmissionStatus.SUBMITTED])
    assert [t.to_status for t in decisions] == [final.status]
    assert Submission.history.filter(id=final.pk).count() == audit_rows + 1
    approved_reports = ConsolidatedTotal.objects.filter(unit=tree.an_giang, row_key=REPORTS_CELL[0]).first()
    assert (approved_reports.contributors if approved_reports else 0) == (final.status == SubmissionStatus.APPROVED)


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_saves_of_the_same_version_at_once_keep_exactly_one(draft, actors):
    opened = draft.version

    def save(figure):
        return lambda: submission_save(submission=Submission.objects.get(pk=draft.pk), expected_version=opened,
                                       cells={("loans", "value"): figure}, by=actors.officer_a)

    outcomes = run_at_once(save("10"), save("20"))

    conflicts = [o for o in outcomes if isinstance(o, SubmissionConflict)]
    saved = [o for o in outcomes if isinstance(o, services.SaveResult)]
    assert len(conflicts) == 1 and len(saved) == 1, outcomes
    loans = SubmissionValue.objects.get(submission=draft, row__key="loans")
    assert loans.number == saved[0].submission.values.get(row__key="loans").number
    assert loans.history.count() == 1
    assert Submission.objects.get(pk=draft.pk).version == opened + 1
