"""Reporting in the administration site: deadlines are data a system administrator edits, unit
administrators manage their subtree's assignments, reports are read-only there."""

from datetime import date

import pytest
from django.urls import reverse

from reporting.models import Form, FormAssignment
from reporting.services import form_assign, submission_open


@pytest.fixture
def assignment_of_b(forms, tree):
    form_assign(form=forms["PL02"], units=[tree.company_b], valid_from=date(2026, 1, 1))
    return FormAssignment.objects.get(unit=tree.company_b)


def test_a_system_administrator_moves_a_due_date(client, actors, november):
    client.force_login(actors.system_admin)
    url = reverse("admin:reporting_period_change", args=[november.pk])
    assert client.get(url).status_code == 200

    too_early = client.post(url, {"due_date": "2026-10-31"})
    assert too_early.status_code == 200 and "Hạn nộp không được trước ngày bắt đầu kỳ (01/11/2026)." in too_early.content.decode()
    assert client.post(url, {"due_date": "2026-11-28"}).status_code == 302
    november.refresh_from_db()
    assert november.due_date == date(2026, 11, 28) and november.starts_on == date(2026, 11, 1)


def test_the_deadline_rule_of_a_form_is_checked(client, actors, forms):
    client.force_login(actors.system_admin)
    url = reverse("admin:reporting_form_change", args=[forms["PL02"].pk])
    data = {"due_day": "32", "due_month": "", "one_off_due_date": "", "reminder_offsets": "[-5, 0]",
            "is_active": "on", "sort_order": "20", "versions-TOTAL_FORMS": "0", "versions-INITIAL_FORMS": "0"}
    page = client.post(url, data).content.decode()
    assert "Báo cáo tháng cần ngày hạn nộp từ 1 đến 31" in page
    assert client.post(url, {**data, "due_day": "20", "reminder_offsets": "[0, -7, -7]"}).status_code == 302
    form = Form.objects.get(code="PL02")
    assert form.due_day == 20 and form.reminder_offsets == [-7, 0]

    pl01 = reverse("admin:reporting_form_change", args=[forms["PL01"].pk])  # one-off, due 20/9 of its year
    assert client.post(pl01, {**data, "due_day": "20", "due_month": "9"}).status_code == 302
    assert "Tháng 2 không có ngày này." in client.post(pl01, {**data, "due_day": "30", "due_month": "2"}).content.decode()


def test_forms_and_periods_are_for_system_administrators_only(client, actors, november):
    client.force_login(actors.admin_an_giang)
    assert client.get(reverse("admin:reporting_period_change", args=[november.pk])).status_code == 403
    assert client.get(reverse("admin:reporting_form_changelist")).status_code == 403
    client.force_login(actors.system_admin)
    assert client.get(reverse("admin:reporting_form_add")).status_code == 403  # forms come from their data files


def test_a_unit_administrator_manages_the_assignments_of_their_subtree(client, actors, tree, forms, assignment_of_b):
    client.force_login(actors.admin_an_giang)
    add = reverse("admin:reporting_formassignment_add")
    response = client.post(add, {"unit": tree.company_a.pk, "form": forms["PL02"].pk, "valid_from": "2026-01-01"})
    assert response.status_code == 302
    assert FormAssignment.objects.filter(unit=tree.company_a).exists()

    outside = client.post(add, {"unit": tree.company_b.pk, "form": forms["PL03"].pk, "valid_from": "2026-01-01"})
    assert outside.status_code == 200 and not FormAssignment.objects.filter(unit=tree.company_b, form=forms["PL03"])
    page = client.get(reverse("admin:reporting_formassignment_changelist")).content.decode()
    assert "Công đoàn cơ sở Công ty A" in page and "Công đoàn cơ sở Công ty B" not in page
    change_b = reverse("admin:reporting_formassignment_change", args=[assignment_of_b.pk])
    assert client.get(change_b).status_code == 302  # "does not exist" for them

    overlapping = client.post(add, {"unit": tree.company_a.pk, "form": forms["PL02"].pk, "valid_from": "2026-06-01"})
    assert "trùng lặp" in overlapping.content.decode()


def test_reports_are_read_only_with_their_history(client, actors, tree, november):
    submission = submission_open(unit=tree.company_a, period=november, by=actors.officer_a)
    client.force_login(actors.admin_an_giang)
    url = reverse("admin:reporting_submission_change", args=[submission.pk])
    page = client.get(url).content.decode()
    assert "Đang soạn" in page and 'name="status"' not in page
    assert client.post(url, {"status": "approved"}).status_code == 403
    submission.refresh_from_db()
    assert submission.status == "draft"
    assert client.get(reverse("admin:reporting_submission_delete", args=[submission.pk])).status_code == 403

    other = submission_open(unit=tree.company_b, period=november, by=actors.officer_b)
    assert client.get(reverse("admin:reporting_submission_change", args=[other.pk])).status_code == 302


def test_a_report_in_the_admin_shows_its_history_rows_to_a_unit_administrator(client, actors, tree, november):
    # Inline rows follow their parent's permission: an administrator holding a role (not a
    # superuser, so without Django model permissions) still sees them.
    submission = submission_open(unit=tree.company_a, period=november, by=actors.officer_a)
    client.force_login(actors.admin_an_giang)

    page = client.get(reverse("admin:reporting_submission_change", args=[submission.pk])).content.decode()

    assert 'id="transitions-group"' in page and 'id="values-group"' in page
