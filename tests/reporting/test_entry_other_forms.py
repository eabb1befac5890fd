"""The entry page is generic over the form files: An Giang's appendix (several figure columns, a
computed share in %, cells a row does not have) and Phụ lục 01 (a table of people).

Actors: the officer of LĐLĐ An Giang (owes both forms), the reviewer at TLĐ above.
"""

import re
from datetime import date

import pytest
import time_machine
from django.urls import reverse

from reporting.models import Submission, SubmissionValue
from reporting.services import form_assign, period_get_or_create
from tests.factories import user_with_role


@pytest.fixture(autouse=True)
def in_november():
    with time_machine.travel("2026-11-20 09:00 +07:00", tick=False):
        yield


@pytest.fixture
def province_officer(tree, forms):
    form_assign(form=forms["AGIANG"], units=[tree.an_giang], valid_from=date(2026, 1, 1))
    form_assign(form=forms["PL01"], units=[tree.an_giang], valid_from=date(2026, 1, 1))
    return user_with_role(tree.an_giang, "officer", username="can_bo_ag")


def open_page(client, user, unit, period):
    client.force_login(user)
    url = reverse("reporting:submission-edit", kwargs={
        "unit_pk": unit.pk, "form_code": period.form.code, "period_slug": period.slug})
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), Submission.objects.get(unit=unit, period=period)


def post_save(client, submission, data):
    return client.post(reverse("reporting:submission-save", args=[submission.pk]),
                       {**data, "version": submission.version}, HTTP_HX_REQUEST="true")


def test_an_giangs_appendix_has_its_columns_its_cells_and_the_members_share(client, tree, forms, province_officer):
    period = period_get_or_create(form=forms["AGIANG"], year=2026)
    page, submission = open_page(client, province_officer, tree.an_giang, period)

    for header in ("Nội dung lợi ích cho đoàn viên", "Kết quả", "Đoàn viên công đoàn hưởng lợi", "Tỷ lệ %"):
        assert f">{header}</th>" in page
    assert ">Đơn vị</th>" not in page  # units are printed in each cell on this form
    assert 'name="v.social.result"' in page and 'name="v.social.members"' in page
    assert 'name="v.social.share"' not in page  # computed, never typed
    assert 'name="v.policy.members"' not in page  # row 1 has no members' cell
    assert "Kết quả tham gia, xây dựng<" in page and ">lượt<" in page

    answer = post_save(client, submission, {"v.social.result": "200", "v.social.members": "150"}).content.decode()

    assert re.search(r'id="fig--social--share"[^>]*hx-swap-oob="true">75,0 <', answer)
    page, _submission = open_page(client, province_officer, tree.an_giang, period)
    assert re.search(r'data-testid="figure-social--share">75,0 <', page)


def test_members_above_the_total_is_an_error_at_the_row(client, tree, forms, province_officer):
    period = period_get_or_create(form=forms["AGIANG"], year=2026)
    _page, submission = open_page(client, province_officer, tree.an_giang, period)

    answer = post_save(client, submission, {"v.spiritual.result": "10", "v.spiritual.members": "12"}).content.decode()

    assert re.search(r'id="iss--spiritual--members"[^>]*><div class="issue issue-error', answer)
    assert 'href="#row-spiritual"' in answer


def test_phu_luc_01_is_a_table_of_people(client, tree, forms, province_officer):
    period = period_get_or_create(form=forms["PL01"], year=2026)
    page, submission = open_page(client, province_officer, tree.an_giang, period)

    for header in ("Họ và tên", "Chức vụ", "Số điện thoại", "Email"):
        assert header in page
    assert re.search(r'name="v.officers.1.position"[^>]*placeholder="Lãnh đạo LĐLĐ tỉnh"', page)
    assert re.search(r'<textarea[^>]*name="v.advisory_department.value"', page)

    answer = post_save(client, submission, {
        "v.officers.1.name": "Nguyễn Văn Phúc", "v.officers.1.phone": "0912 345 678",
        "v.officers.1.email": "khong-phai-email", "v.advisory_department.value": "Ban Chính sách – Pháp luật",
    }).content.decode()

    assert re.search(r'id="err--officers--1__email"[^>]*>Địa chỉ email không hợp lệ', answer)
    stored = dict(SubmissionValue.objects.filter(submission=submission).values_list("column", "text"))
    assert stored["1.name"] == "Nguyễn Văn Phúc" and "1.email" not in stored
    assert stored["value"] == "Ban Chính sách – Pháp luật"
    page, _submission = open_page(client, province_officer, tree.an_giang, period)
    assert re.search(r'name="v.officers.1.name" id="in--officers--1__name" value="Nguyễn Văn Phúc"', page)
