"""Members report outlets; the officers of the signing unit are told; the member follows the answer.

Actors: the member of company A (Ngô Thị Phương), officer A (Trần Thị An, officer of company A),
officers of LĐLĐ An Giang (the unit that signed the hotel agreement), officer B (Hà Nội).
"""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agreements.choices import ComplaintKind, ComplaintStatus
from agreements.models import OutletComplaint
from agreements.selectors import complaint_counts_by_partner
from agreements.services import complaint_create
from organizations.choices import Role
from tests.factories import (
    AgreementFactory,
    OfferFactory,
    OutletFactory,
    PartnerFactory,
    UserFactory,
    province,
    user_with_role,
)

MINE = reverse("agreements:complaint-mine")


@pytest.fixture
def hotel(tree):
    """An offer of an agreement signed by LĐLĐ An Giang, with an outlet in An Giang."""
    partner = PartnerFactory(unit=tree.an_giang, name="Công ty Du lịch Công đoàn An Giang")
    agreement = AgreementFactory(partner=partner, unit=tree.an_giang, number="12/TTHT-LĐLĐ")
    offer = OfferFactory(agreement=agreement, title="Khách sạn Công đoàn Long Xuyên")
    offer.outlet = OutletFactory(partner=partner, name="Khách sạn Long Xuyên", province=province(91))
    return offer


@pytest.fixture
def signing_officers(tree):
    return [
        user_with_role(tree.an_giang, Role.OFFICER, username="cb_ag_1", email="cb1@ldld-angiang.vn"),
        user_with_role(tree.an_giang, Role.OFFICER, username="cb_ag_2", email="cb2@ldld-angiang.vn"),
        user_with_role(tree.an_giang, Role.OFFICER, username="cb_ag_3", email=""),  # no address: skipped
        user_with_role(tree.an_giang, Role.REVIEWER, username="duyet_ag_2", email="duyet@ldld-angiang.vn"),
    ]


def report(client, offer, **fields):
    data = {"kind": ComplaintKind.REFUSED, "outlet": offer.outlet.pk, "happened_on": "2020-01-15",
            "message": "Nhân viên không nhận thẻ đoàn viên."}
    data.update(fields)
    return client.post(reverse("agreements:complaint-create", args=[offer.pk]), data)


def test_a_members_report_reaches_the_signing_units_officers_and_shows_in_their_list(
    client, actors, hotel, signing_officers, django_capture_on_commit_callbacks
):
    client.force_login(actors.member)

    with django_capture_on_commit_callbacks(execute=True):
        response = report(client, hotel)

    assert response.status_code == 302 and response["Location"] == MINE
    complaint = OutletComplaint.objects.get()
    assert (complaint.reporter, complaint.outlet, complaint.kind) == (actors.member, hotel.outlet, "refused")
    assert complaint.status == ComplaintStatus.OPEN
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert sorted(email.to) == ["cb1@ldld-angiang.vn", "cb2@ldld-angiang.vn"]
    assert "Công ty Du lịch Công đoàn An Giang" in email.subject
    assert "Điểm bán từ chối áp dụng ưu đãi" in email.body
    assert "Khách sạn Long Xuyên" in email.body and "15/01/2020" in email.body
    assert "Nhân viên không nhận thẻ đoàn viên." in email.body
    assert "079123456789" in email.body  # the member's card, so officers can call back

    mine = client.get(MINE).content.decode()
    assert "Khách sạn Công đoàn Long Xuyên" in mine and "Mới" in mine and "Công đoàn chưa trả lời." in mine


def test_the_member_sees_the_officers_answer_once_closed(client, actors, hotel):
    client.force_login(actors.member)
    report(client, hotel)
    complaint = OutletComplaint.objects.get()
    complaint.status = ComplaintStatus.CLOSED
    complaint.response = "Đã làm việc với khách sạn; từ nay áp dụng giảm 20% khi xuất trình thẻ."
    complaint.closed_at = timezone.make_aware(timezone.datetime(2026, 3, 2, 10, 0))
    complaint.save()

    mine = client.get(MINE).content.decode()

    assert "Đã đóng" in mine and "từ nay áp dụng giảm 20%" in mine and "02/03/2026" in mine


def test_a_member_sees_only_their_own_reports(client, actors, tree, hotel):
    other = UserFactory(member_card_number="079999999999", member_unit=tree.company_b)
    complaint_create(offer=hotel, outlet=hotel.outlet, kind="no_sign", message="Của người khác", happened_on=None,
                     reporter=other)
    client.force_login(actors.member)

    assert "Của người khác" not in client.get(MINE).content.decode()


def test_anonymous_visitors_are_sent_to_log_in_and_nothing_is_saved(client, hotel):
    response = report(client, hotel)

    assert response.status_code == 302 and "/tai-khoan/dang-nhap/" in response["Location"]
    assert not OutletComplaint.objects.exists()
    assert client.get(MINE).status_code == 302


def test_a_non_member_cannot_report(client, actors, hotel):
    client.force_login(actors.officer_a)

    assert report(client, hotel).status_code == 403
    assert not OutletComplaint.objects.exists()


def test_the_offer_page_offers_the_form_to_members_only(client, actors, hotel):
    url = reverse("agreements:offer-detail", args=[hotel.pk])
    action = reverse("agreements:complaint-create", args=[hotel.pk])

    assert action not in client.get(url).content.decode()
    assert "Đăng nhập để phản ánh" in client.get(url).content.decode()
    client.force_login(actors.officer_a)
    assert action not in client.get(url).content.decode()
    client.force_login(actors.member)
    page = client.get(url).content.decode()
    assert action in page and "Khách sạn Long Xuyên" in page


def test_an_outlet_of_another_partner_is_refused(client, actors, tree, hotel):
    stranger = OutletFactory(partner=PartnerFactory(unit=tree.ha_noi), name="Cửa hàng lạ")
    client.force_login(actors.member)

    response = report(client, hotel, outlet=stranger.pk)

    assert response.status_code == 200
    assert "Điểm bán này không thuộc đối tác của ưu đãi." in response.content.decode()
    assert not OutletComplaint.objects.exists()
    with pytest.raises(ValidationError):
        complaint_create(offer=hotel, outlet=stranger, kind="refused", message="", happened_on=None,
                         reporter=actors.member)


def test_a_bad_report_keeps_what_was_typed(client, actors, hotel):
    client.force_login(actors.member)

    response = report(client, hotel, kind=ComplaintKind.OTHER, message="", happened_on="2999-01-01")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Hãy mô tả vấn đề bạn gặp." in page and "Ngày xảy ra không được sau hôm nay." in page
    assert 'value="2999-01-01"' in page and f'value="{hotel.outlet.pk}" selected' in page
    assert not OutletComplaint.objects.exists()


def test_a_report_on_an_expired_offer_is_not_found(client, actors, hotel):
    hotel.valid_until = timezone.localdate() - timezone.timedelta(days=1)
    hotel.save()
    client.force_login(actors.member)

    assert report(client, hotel).status_code == 404


def test_complaint_counts_by_partner_in_one_query(actors, tree, hotel):
    other = OfferFactory(agreement=AgreementFactory(partner=PartnerFactory(unit=tree.an_giang, name="Siêu thị Xanh")))
    for kind in ("refused", "no_sign", "other"):
        complaint_create(offer=hotel, outlet=hotel.outlet, kind=kind, message="x", happened_on=None,
                         reporter=actors.member)
    OutletComplaint.objects.filter(kind="other").update(status=ComplaintStatus.CLOSED)
    complaint_create(offer=other, outlet=None, kind="other", message="y", happened_on=None, reporter=actors.member)

    visible = OutletComplaint.objects.visible_to(actors.reviewer_an_giang)  # reads the scope once

    with CaptureQueriesContext(connection) as queries:
        counts = complaint_counts_by_partner(visible)

    assert len(queries) == 1
    assert [(c.partner_name, c.open, c.total) for c in counts] == [
        ("Công ty Du lịch Công đoàn An Giang", 2, 3),
        ("Siêu thị Xanh", 1, 1),
    ]
    assert complaint_counts_by_partner(OutletComplaint.objects.visible_to(actors.officer_b)) == []
