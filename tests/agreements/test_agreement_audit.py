"""The audit history of an agreement: an officer's edit (provinces included) and a termination
leave who, when, before and after, shown as "Lịch sử thay đổi" on the agreement's page.

Actors: the officer of company A (who records it), the reviewer above A, the officer of company B.
"""

from datetime import date

import pytest
from django.urls import reverse

from agreements.models import Agreement
from agreements.services import agreement_terminate
from tests.agreements.test_officer_agreements import agreement_data
from tests.factories import PartnerFactory, province
from unionportal.history import agreement_changes


@pytest.fixture
def agreement(client, tree, actors):
    partner = PartnerFactory(unit=tree.company_a, name="Siêu thị Co.op An Giang")
    client.force_login(actors.officer_a)
    client.post(reverse("agreements:agreement-create"), agreement_data(partner))
    return Agreement.objects.get()


def test_an_edit_and_a_termination_are_recorded_with_who_before_and_after(client, tree, actors, agreement):
    response = client.post(
        reverse("agreements:agreement-update", args=[agreement.pk]),
        agreement_data(agreement.partner, title="Thỏa thuận chăm lo đoàn viên 2026–2027", scope="provinces",
                       provinces=[province(91).pk]),
    )
    assert response.status_code == 302
    agreement_terminate(agreement=Agreement.objects.get(), on=date(2026, 6, 30), reason="Đối tác ngừng kinh doanh",
                        by=actors.officer_a)

    changes = {c.subject: c for c in reversed(agreement_changes(agreement))}  # the newest line of each
    assert (changes["Tên thỏa thuận"].before, changes["Tên thỏa thuận"].after) == (
        "Thỏa thuận chăm lo đoàn viên năm 2026", "Thỏa thuận chăm lo đoàn viên 2026–2027")
    assert changes["Các tỉnh, thành phố áp dụng"].before == ""
    assert "An Giang" in changes["Các tỉnh, thành phố áp dụng"].after
    assert (changes["Ngày chấm dứt"].before, changes["Ngày chấm dứt"].after) == ("", "30/06/2026")
    assert {c.user for c in changes.values()} == {actors.officer_a}
    assert Agreement.history.filter(id=agreement.pk, history_type="+").count() == 1


def test_the_page_shows_the_history_to_a_reviewer_and_another_unit_gets_404(client, actors, agreement):
    url = reverse("agreements:agreement-detail", args=[agreement.pk])

    client.force_login(actors.reviewer_an_giang)
    page = client.get(url).content.decode()
    assert 'data-testid="audit-history"' in page and "Lịch sử thay đổi" in page
    assert "Trần Thị An" in page and "Thỏa thuận chăm lo đoàn viên năm 2026" in page

    client.force_login(actors.officer_b)
    assert client.get(url).status_code == 404
