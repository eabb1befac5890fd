"""`verify_totals`: the stored totals equal a from-scratch aggregation after approvals and
reopenings; a planted difference is found and printed; `--fix` rewrites the totals."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from reporting.choices import SubmissionStatus
from reporting.models import ConsolidatedTotal
from reporting.selectors import totals_recomputed, totals_stored
from reporting.services import period_get_or_create, submission_approve, submission_reopen
from tests.reporting.test_consolidation import assigned, report, reports, reviewer_tld  # noqa: F401 - fixtures


def verify(*args) -> str:
    out = StringIO()
    call_command("verify_totals", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def history(tree, actors, assigned, reports, reviewer_tld):  # noqa: F811 - fixtures
    """Approvals, a reopening, a correction and a second approval, in two months."""
    ha_noi = reports["ha_noi"]
    submission_approve(submission=ha_noi, expected_version=ha_noi.version, by=reviewer_tld)
    company_a = reports["company_a"]
    company_a.refresh_from_db()
    submission_reopen(submission=company_a, expected_version=company_a.version, by=reviewer_tld, reason="Sửa số")
    october = period_get_or_create(form=assigned.form, year=2026, month=10)
    report(tree.company_b, october, actors.system_admin, reviewer=reviewer_tld, directives="4", partner_value="2,25")
    report(tree.hospital, october, actors.system_admin, reviewer=reviewer_tld, directives="6")
    return october


def test_no_difference_after_approvals_and_reopenings(history, assigned):  # noqa: F811
    output = verify()
    assert "Không có chênh lệch nào." in output
    assert "một câu lệnh tổng hợp" in output  # the timing line
    assert totals_recomputed() == totals_stored()
    assert "Không có chênh lệch nào." in verify("--period", "2026-11", "--form", "PL02")


def test_the_recomputed_totals_are_the_hand_sums(tree, history, assigned):  # noqa: F811
    computed = totals_recomputed([assigned.pk])
    # November, approved: hospital 3, Châu Thành 5, B 11, Hà Nội 13 (Công ty A reopened, An Giang a draft).
    assert computed[(tree.tld.pk, assigned.pk, "directives", "value")] == (Decimal("32.000"), 4)
    assert computed[(tree.an_giang.pk, assigned.pk, "directives", "value")] == (Decimal("8.000"), 2)
    assert computed[(tree.ha_noi.pk, assigned.pk, "directives", "value")] == (Decimal("24.000"), 2)
    assert (tree.company_a.pk, assigned.pk, "directives", "value") not in computed  # units below keep no totals


def test_a_planted_difference_is_found_printed_and_fixed(tree, history, assigned):  # noqa: F811
    ConsolidatedTotal.objects.filter(unit=tree.an_giang, period=assigned, row_key="directives").update(total=99)
    ConsolidatedTotal.objects.filter(unit=tree.tld, period=assigned, row_key="partner_value").delete()
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("verify_totals", stdout=out)
    output = out.getvalue()
    assert "Chênh lệch: đơn vị AG, PL02 2026-11, dòng directives/value: đang lưu 99 (2 số liệu), tính lại 8 (2 số liệu)" in output
    assert "Chênh lệch: đơn vị TLD, PL02 2026-11, dòng partner_value/value: đang lưu (không có), tính lại 0.5 (1 số liệu)" in output
    assert "Có 2 ô chênh lệch." in output  # cells emptied by the reopening of Công ty A, (0, 0), are not differences

    ConsolidatedTotal.objects.filter(unit=tree.tld, period=history, row_key="directives").update(contributors=7)
    with pytest.raises(CommandError):
        call_command("verify_totals", "--form", "PL02", "--period", "2026-10", stdout=StringIO())
    assert "Đã ghi lại" in verify("--fix")
    assert "Không có chênh lệch nào." in verify()
    stored = ConsolidatedTotal.objects.get(unit=tree.an_giang, period=assigned, row_key="directives")
    assert stored.total == 8 and stored.contributors == 2


def test_the_approvals_after_a_fix_keep_adding_up(tree, actors, history, assigned, reviewer_tld):  # noqa: F811
    verify("--fix")
    report(tree.an_giang, history, actors.system_admin, reviewer=reviewer_tld, directives="1")
    an_giang = tree.an_giang.submissions.get(period=assigned)
    assert an_giang.status == SubmissionStatus.DRAFT
    assert "Không có chênh lệch nào." in verify()


def test_an_unknown_period_is_refused(history):
    with pytest.raises(CommandError, match="NNNN-TT"):
        verify("--period", "11/2026")
    with pytest.raises(CommandError, match="Không có kỳ"):
        verify("--period", "2031-01")
