"""The officer's report page: opening, automatic saving, per-cell errors, conflicts, submitting.

Actors: the officer of company A (fills the report), a second officer of company A (edits the
same draft at once), the reviewer above A (An Giang), the officer of company B (another unit).
"""

import re
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from reporting.choices import SubmissionStatus, ValueSource
from reporting.models import Submission, SubmissionValue
from reporting.services import (
    form_assign,
    submission_approve,
    submission_open,
    submission_return,
    submission_save,
    submission_submit,
)
from tests.factories import AgreementFactory, PartnerFactory, user_with_role


@pytest.fixture(autouse=True)
def in_november():
    with time_machine.travel("2026-11-20 09:00 +07:00", tick=False):
        yield


@pytest.fixture
def assigned(tree, forms, november):
    from datetime import date

    form_assign(form=forms["PL02"], units=[tree.company_a, tree.company_b], valid_from=date(2026, 1, 1))
    return november


def edit_url(unit, period):
    return reverse("reporting:submission-edit", kwargs={
        "unit_pk": unit.pk, "form_code": period.form.code, "period_slug": period.slug})


def opened(client, user, unit, period):
    client.force_login(user)
    response = client.get(edit_url(unit, period))
    assert response.status_code == 200, response.status_code
    return response, Submission.objects.get(unit=unit, period=period)


def cells(submission, **values):
    """The POST of the page: every cell and the version it was built on."""
    data = {f"v.{key}.value": value for key, value in values.items()}
    data["version"] = submission.version
    return data


def save(client, submission, data, htmx=True):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(reverse("reporting:submission-save", args=[submission.pk]), data, **headers)


def number(submission, row_key):
    value = SubmissionValue.objects.filter(submission=submission, row__key=row_key).first()
    return value.number if value else None


# --- opening -------------------------------------------------------------------------------------


def test_opening_creates_a_prefilled_draft_that_looks_like_the_paper_form(client, tree, actors, assigned):
    partner = PartnerFactory(unit=tree.company_a)
    AgreementFactory(partner=partner, signed_on="2026-11-05", valid_from="2026-11-06", valid_until="2027-11-05")

    response, submission = opened(client, actors.officer_a, tree.company_a, assigned)
    page = response.content.decode()

    assert submission.status == SubmissionStatus.DRAFT
    assert "PHỤ LỤC 02" in page and "MẪU: BÁO CÁO THÁNG" in page
    for header in ("STT", "Nội dung và chỉ tiêu báo cáo", "Đơn vị", "Số lượng"):
        assert f">{header}</th>" in page
    assert "Tháng 11/2026" in page and "25/11/2026" in page
    # Section rows are bold; numbered rows carry their unit; "of which" rows are indented.
    assert re.search(r'id="row-s1" class="report-row report-section fw-bold"', page)
    assert re.search(r'id="row-loans_support_fund"[^>]*>\s*<td class="col-stt text-center">-</td>\s*<td class="col-label indent-1"', page)
    assert '<td class="col-unit text-center">văn bản</td>' in page
    # The agreement signed this month is prefilled, marked with its source, and editable.
    assert 'name="v.agreements_new.value"' in page
    assert re.search(r'name="v.agreements_new.value" id="in--agreements_new--value" value="1"', page)
    assert re.search(r'class="badge[^"]*prefill-badge" title="Thỏa thuận của đơn vị ký trong kỳ[^"]*"', page)
    assert "lấy sẵn" in page
    # Text rows are text areas.
    assert re.search(r'<textarea[^>]*name="v.achievements.value"', page)


def test_numbers_are_shown_the_vietnamese_way(client, tree, actors, assigned):
    submission = submission_open(unit=tree.company_a, period=assigned, by=actors.officer_a)
    submission_save(submission=submission, cells={("partner_value", "value"): "1234,5", ("partner_users", "value"): "12500"},
                    expected_version=submission.version, by=actors.officer_a)

    page = opened(client, actors.officer_a, tree.company_a, assigned)[0].content.decode()

    assert 'value="1.234,5"' in page and 'value="12.500"' in page


def test_another_units_officer_gets_404_and_the_reviewer_403(client, tree, actors, assigned):
    url = edit_url(tree.company_a, assigned)
    client.force_login(actors.officer_b)
    assert client.get(url).status_code == 404
    client.force_login(actors.reviewer_an_giang)
    assert client.get(url).status_code == 403
    assert not Submission.objects.exists()


def test_a_form_the_unit_does_not_owe_is_not_found(client, tree, actors, forms, november):
    client.force_login(actors.officer_a)
    assert client.get(edit_url(tree.company_a, november)).status_code == 404


def test_another_units_submission_cannot_be_saved(client, tree, actors, assigned):
    submission = submission_open(unit=tree.company_a, period=assigned, by=actors.officer_a)
    client.force_login(actors.officer_b)
    assert save(client, submission, cells(submission, directives="5")).status_code == 404
    client.force_login(actors.reviewer_an_giang)
    assert save(client, submission, cells(submission, directives="5")).status_code == 403
    assert number(submission, "directives") is None


# --- saving --------------------------------------------------------------------------------------


def test_an_automatic_save_returns_the_new_version_and_per_cell_errors(client, tree, actors, assigned):
    _response, submission = opened(client, actors.officer_a, tree.company_a, assigned)

    response = save(client, submission, cells(submission, directives="3", inspections="2,5", partner_meetings="ba"))
    page = response.content.decode()

    submission.refresh_from_db()
    assert response.status_code == 200
    assert f'id="submission-version" value="{submission.version}" hx-swap-oob="true"' in page
    assert re.search(r'id="err--inspections--value"[^>]*hx-swap-oob="true">Dòng này chỉ nhận số nguyên.<', page)
    assert re.search(r'id="err--partner_meetings--value"[^>]*>“ba” không phải là số.<', page)
    assert re.search(r'id="err--directives--value"[^>]*hx-swap-oob="true"></div>', page)
    assert "Đã lưu lúc" in page
    # The inputs are not in the answer: what the officer typed stays on the page.
    assert 'name="v.inspections.value"' not in page
    assert number(submission, "directives") == 3 and number(submission, "inspections") is None


def test_without_javascript_a_bad_cell_keeps_every_typed_value(client, tree, actors, assigned):
    _response, submission = opened(client, actors.officer_a, tree.company_a, assigned)

    response = save(client, submission, cells(submission, directives="3", inspections="-2", culture_sport="1.250"), htmx=False)
    page = response.content.decode()

    assert response.status_code == 422
    assert re.search(r'name="v.inspections.value" id="in--inspections--value" value="-2"', page)
    assert re.search(r'name="v.culture_sport.value" id="in--culture_sport--value" value="1.250"', page)
    assert "Số liệu không được âm." in page
    assert number(submission, "culture_sport") == 1250


def test_an_empty_cell_stays_empty_and_a_zero_stays_zero(client, tree, actors, assigned):
    _response, submission = opened(client, actors.officer_a, tree.company_a, assigned)
    save(client, submission, cells(submission, directives="0", inspections=""))
    assert number(submission, "directives") == 0
    assert not SubmissionValue.objects.filter(submission=submission, row__key="inspections").exists()


def test_a_second_editor_is_told_and_their_typing_is_not_saved(client, tree, actors, assigned):
    colleague = user_with_role(tree.company_a, "officer", username="can_bo_a_2")
    _response, submission = opened(client, actors.officer_a, tree.company_a, assigned)
    seen_by_both = submission.version
    save(client, submission, cells(submission, directives="4"))

    client.force_login(colleague)
    data = cells(submission, directives="40")
    data["version"] = seen_by_both
    response = save(client, submission, data)

    assert response.status_code == 409
    assert "Báo cáo vừa được người khác thay đổi" in response.content.decode()
    assert "tải lại trang" in response.content.decode()
    assert number(submission, "directives") == 4

    # Without JavaScript the page comes back with their typing on screen.
    response = save(client, submission, data, htmx=False)
    assert response.status_code == 409
    assert re.search(r'name="v.directives.value" id="in--directives--value" value="40"', response.content.decode())


def test_an_approved_report_cannot_be_changed_silently(client, tree, actors, assigned):
    submission = submission_open(unit=tree.company_a, period=assigned, by=actors.officer_a)
    result = submission_save(submission=submission, cells={("directives", "value"): "2"},
                             expected_version=submission.version, by=actors.officer_a)
    submission = submission_submit(submission=result.submission, expected_version=result.submission.version,
                                   by=actors.officer_a)
    submission = submission_approve(submission=submission, expected_version=submission.version, by=actors.reviewer_an_giang)
    client.force_login(actors.officer_a)

    response = save(client, submission, cells(submission, directives="20"))

    assert response.status_code == 409
    assert "không sửa được" in response.content.decode()
    submission.refresh_from_db()
    assert number(submission, "directives") == 2 and submission.status == SubmissionStatus.APPROVED
    page = client.get(edit_url(tree.company_a, assigned)).content.decode()
    assert 'name="v.directives.value"' not in page  # shown, not editable
    assert "Báo cáo đã được duyệt" in page


# --- warnings, errors and submitting -----------------------------------------------------------


def test_errors_block_submitting_and_are_listed_with_links_to_their_rows(client, tree, actors, assigned):
    _response, submission = opened(client, actors.officer_a, tree.company_a, assigned)

    page = save(client, submission, cells(submission, loans="3", loans_support_fund="5")).content.decode()

    panel = page[page.index('id="submit-panel"'):]
    assert 'href="#row-loans_support_fund"' in panel
    button = re.search(r'<button[^>]*data-testid="submit-button"[^>]*>', panel).group(0)
    assert " disabled" in button
    submission.refresh_from_db()
    response = client.post(reverse("reporting:submission-submit", args=[submission.pk]),
                           cells(submission, loans="3", loans_support_fund="5"))
    assert response.status_code == 422
    assert "Chưa gửi được" in response.content.decode()
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.DRAFT


def test_a_warning_needs_an_explanation_next_to_its_row(client, tree, actors, assigned):
    _response, submission = opened(client, actors.officer_a, tree.company_a, assigned)

    page = save(client, submission, cells(submission, agreements_new="5", agreements_ongoing="2")).content.decode()

    assert re.search(r'id="iss--agreements_new--value"[^>]*><div class="issue issue-warning', page)
    assert "hãy kiểm tra lại hoặc giải trình" in page
    submission.refresh_from_db()
    data = cells(submission, agreements_new="5", agreements_ongoing="2")
    assert client.post(reverse("reporting:submission-submit", args=[submission.pk]), data).status_code == 422

    submission.refresh_from_db()
    data = cells(submission, agreements_new="5", agreements_ongoing="2")
    data["g.agreements_new.value"] = "Năm thỏa thuận ký mới trong tháng đã hết hạn ngay trong tháng."
    response = client.post(reverse("reporting:submission-submit", args=[submission.pk]), data)

    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUBMITTED
    assert SubmissionValue.objects.get(submission=submission, row__key="agreements_new").comment.startswith("Năm thỏa")


def test_submitting_saves_what_is_on_the_page_and_sends_it_up(client, tree, actors, assigned):
    _response, submission = opened(client, actors.officer_a, tree.company_a, assigned)

    response = client.post(reverse("reporting:submission-submit", args=[submission.pk]),
                           cells(submission, directives="2", achievements="Triển khai tốt"), follow=True)

    page = response.content.decode()
    assert "Đã gửi báo cáo lên Liên đoàn Lao động huyện Châu Thành." in page
    assert "đang chờ duyệt" in page
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUBMITTED and not submission.submitted_late
    assert number(submission, "directives") == 2
    assert 'data-testid="history"' in page and "Đã gửi" in page


def test_a_submit_with_a_stale_version_keeps_the_typed_values(client, tree, actors, assigned):
    _response, submission = opened(client, actors.officer_a, tree.company_a, assigned)
    stale = cells(submission, directives="7")
    save(client, submission, cells(submission, directives="6"))

    response = client.post(reverse("reporting:submission-submit", args=[submission.pk]), stale)

    assert response.status_code == 409
    assert re.search(r'name="v.directives.value" id="in--directives--value" value="7"', response.content.decode())
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.DRAFT


def test_a_returned_report_shows_the_reviewers_comments_next_to_the_rows(client, tree, actors, assigned):
    submission = submission_open(unit=tree.company_a, period=assigned, by=actors.officer_a)
    submission = submission_submit(submission=submission, expected_version=submission.version, by=actors.officer_a)
    submission_return(submission=submission, expected_version=submission.version, by=actors.reviewer_an_giang,
                      comment="Bổ sung số liệu vay vốn", row_comments={"loans": "Chưa khớp sổ quỹ"})

    page = opened(client, actors.officer_a, tree.company_a, assigned)[0].content.decode()

    assert "Bổ sung số liệu vay vốn" in page
    row = page[page.index('id="row-loans"'):page.index('id="row-loans_support_fund"')]
    assert "Ý kiến người duyệt:" in row and "Chưa khớp sổ quỹ" in row
    assert 'name="v.loans.value"' in row  # editable again
    history = page[page.index('data-testid="history"'):]
    assert "Lê Văn Bình" in history and "Chưa khớp sổ quỹ" in history


def test_prefilled_values_lose_their_mark_once_changed(client, tree, actors, assigned):
    partner = PartnerFactory(unit=tree.company_a)
    AgreementFactory(partner=partner, signed_on="2026-11-05", valid_from="2026-11-06", valid_until="2027-11-05")
    _response, submission = opened(client, actors.officer_a, tree.company_a, assigned)
    value = SubmissionValue.objects.get(submission=submission, row__key="agreements_new")
    assert value.source == ValueSource.PREFILL and value.number == Decimal(1)

    page = save(client, submission, cells(submission, agreements_new="2", agreements_ongoing="3")).content.decode()

    assert re.search(r'id="src--agreements_new--value" class="prefill-slot" hx-swap-oob="true"></span>', page)
    value.refresh_from_db()
    assert value.source == ValueSource.MANUAL and value.number == 2


def test_the_page_loads_its_script_from_a_static_file_without_inline_code(client, tree, actors, assigned):
    page = opened(client, actors.officer_a, tree.company_a, assigned)[0].content.decode()
    assert "js/report-form.js" in page
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    assert not re.search(r"\son[a-z]+=", page)
