"""The volume generator of the bench (reporting/generation.py), at the size of the test tree:
what it writes adds up, and the stored totals it leaves are the from-scratch ones."""

from decimal import Decimal
from io import StringIO

from django.core.management import call_command
from django.db.models import Sum

from organizations.models import Unit
from reporting.choices import SubmissionStatus
from reporting.generation import generate_period_reports
from reporting.models import FormAssignment, Submission, SubmissionValue
from reporting.selectors import compliance_counts, consolidation
from tests.factories import UnitFactory


def test_generated_reports_add_up_to_the_national_total(tree, november):
    for n in range(40):
        UnitFactory(parent=tree.ha_noi if n % 2 else tree.chau_thanh, code=f"G{n:03d}")
    result = generate_period_reports(period=november, share=0.9)
    assert result.assignments == Unit.objects.count() == 47
    assert 30 <= result.submissions <= 47 and result.values >= result.submissions * 17
    assert FormAssignment.objects.filter(form=november.form).count() == 47
    assert "Không có chênh lệch nào." in _verify()

    tree.tld.refresh_from_db()
    national = consolidation(unit=tree.tld, period=november)
    approved_below = SubmissionValue.objects.filter(
        submission__period=november, submission__status=SubmissionStatus.APPROVED, row__key="directives"
    ).exclude(submission__unit=tree.tld)
    own = SubmissionValue.objects.filter(submission__period=november, submission__unit=tree.tld, row__key="directives")
    expected = (approved_below.aggregate(s=Sum("number"))["s"] or 0) + (own.aggregate(s=Sum("number"))["s"] or 0)
    directives = next(r for r in national.rows if r.key == "directives").figure().number
    assert Decimal(directives) == Decimal(expected)
    assert national.included_units == Submission.objects.filter(
        period=november, status=SubmissionStatus.APPROVED).exclude(unit=tree.tld).count()
    counts = compliance_counts(unit=tree.tld, period=november)
    assert counts.expected == 46 and counts.by_status["missing"] == 46 - Submission.objects.exclude(unit=tree.tld).count()


def _verify() -> str:
    out = StringIO()
    call_command("verify_totals", "--form", "PL02", stdout=out)
    return out.getvalue()
