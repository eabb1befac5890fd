"""`manage.py send_reminders`: the same work as the daily dispatcher, in the process, for cron."""

from datetime import date
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from notifications.models import Notification, ReminderDispatch
from reporting.models import Form
from reporting.services import form_assign
from tests.factories import UnitFactory
from tests.notifications.conftest import recipients

pytestmark = pytest.mark.django_db


def run(*args) -> list[str]:
    out = StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue().splitlines()


def test_it_sends_what_is_due_on_the_date_and_ends_with_a_count(november_reports):
    lines = run("--date", "2026-11-20")

    assert lines[0] == "Phụ lục 02 tháng 11/2026 — nhắc hạn ngày 20/11/2026 (hạn nộp 25/11/2026)"
    assert lines[-1] == (
        "Đã gửi 4 email và 4 thông báo; nhắc hạn 4 đơn vị còn nợ báo cáo (0 đơn vị không có người nhận), "
        "tổng hợp cho 0 đơn vị cấp trên. Không gửi được: 0; chờ gửi lại: 0."
    )
    assert len(mail.outbox) == 4 and Notification.objects.count() == 4


def test_running_it_again_sends_nothing(november_reports):
    run("--date", "2026-11-20")

    lines = run("--date", "2026-11-20")

    assert lines[-1].startswith("Đã gửi 0 email và 0 thông báo; nhắc hạn 0 đơn vị")
    assert len(mail.outbox) == 4


def test_dry_run_lists_who_would_be_reminded_and_sends_and_writes_nothing(november_reports):
    lines = run("--date", "2026-11-20", "--dry-run")

    assert "  AG-CT-A  Công đoàn cơ sở Công ty A — Chưa gửi → Trần Thị An <can_bo_a@example.vn>" in lines
    assert "  AG-CT  Liên đoàn Lao động huyện Châu Thành — Bị trả lại → Nguyễn Thị Hồng <can_bo_ct@example.vn>" in lines
    assert not any("AG-BV" in line or "  AG  " in line for line in lines)  # approved, submitted
    assert lines[-1] == (
        "Chạy thử, không gửi gì: sẽ gửi 4 email và 4 thông báo; nhắc hạn 4 đơn vị còn nợ báo cáo "
        "(0 đơn vị không có người nhận), tổng hợp cho 0 đơn vị cấp trên."
    )
    assert mail.outbox == []
    assert not ReminderDispatch.objects.exists() and not Notification.objects.exists()
    assert run("--date", "2026-11-20")[-1].startswith("Đã gửi 4 email")  # the real run still sends them


def test_dry_run_lists_the_digests_of_the_day_after(november_reports):
    lines = run("--date", "2026-11-26", "--dry-run", "--form", "PL02")

    assert "  AG  Liên đoàn Lao động tỉnh An Giang — 2 đơn vị cấp dưới chưa gửi → Lê Văn Bình <duyet_ag@example.vn>" in lines
    assert lines[-1].endswith("tổng hợp cho 3 đơn vị cấp trên.")


def test_units_nobody_can_be_told_about_are_counted_and_listed_with_verbosity_2(november_reports, tree):
    ward = UnitFactory(parent=tree.hospital, code="AG-BV-KHOA", name="Công đoàn Khoa Nội")  # no account there
    form_assign(form=Form.objects.get(code="PL02"), units=[ward], valid_from=date(2026, 1, 1))

    quiet = run("--date", "2026-11-20", "--dry-run")
    verbose = StringIO()
    call_command("send_reminders", "--date", "2026-11-20", "--dry-run", verbosity=2, stdout=verbose)

    assert "(1 đơn vị không có người nhận)" in quiet[-1]
    assert not any("AG-BV-KHOA" in line for line in quiet)
    assert "  AG-BV-KHOA  Công đoàn Khoa Nội — Chưa gửi → (không có người nhận)" in verbose.getvalue().splitlines()


def test_one_form_only(november_reports):
    lines = run("--date", "2026-11-20", "--form", "PL03")

    assert lines[0] == "Ngày 20/11/2026 không có lượt nhắc hạn nào đến hạn."
    assert lines[-1].startswith("Đã gửi 0 email")
    assert recipients(mail.outbox) == []


def test_a_date_it_cannot_read_is_refused_with_an_example(db):
    with pytest.raises(CommandError, match="nhập dạng YYYY-MM-DD, ví dụ 2026-11-20"):
        run("--date", "20/11/2026")


def test_an_unknown_form_is_refused_with_the_codes_there_are(forms):
    with pytest.raises(CommandError, match="Không có biểu mẫu PL09. Các mã có: .*PL02"):
        run("--date", "2026-11-20", "--form", "PL09")
