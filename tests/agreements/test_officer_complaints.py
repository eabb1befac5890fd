"""The officers' complaint queue: who sees which complaint, answering it, and the reporter's email."""

import pytest
from django.core import mail
from django.urls import reverse

from agreements.models import OutletComplaint
from agreements.services import complaint_respond
from tests.factories import AgreementFactory, OfferFactory, OutletFactory, PartnerFactory


def complaint_for(unit, *, reporter, partner_name="Siêu thị Co.op", **fields):
    partner = PartnerFactory(unit=unit, name=partner_name)
    offer = OfferFactory(agreement=AgreementFactory(partner=partner), title="Giảm 10% hàng tiêu dùng")
    outlet = OutletFactory(partner=partner, name="Co.op Mart Long Xuyên")
    return OutletComplaint.objects.create(
        offer=offer, outlet=outlet, kind="refused", message="Thu ngân không nhận thẻ đoàn viên.",
        reporter=reporter, **fields,
    )


@pytest.fixture
def complaint_a(tree, actors):
    actors.member.email = "phuong@example.vn"
    actors.member.save()
    return complaint_for(tree.company_a, reporter=actors.member)


@pytest.fixture
def complaint_b(tree, actors):
    return complaint_for(tree.company_b, reporter=actors.member, partner_name="Siêu thị Hà Nội")


def test_officers_see_the_complaints_about_their_units_agreements_only(client, actors, complaint_a, complaint_b):
    client.force_login(actors.officer_a)
    page = client.get(reverse("agreements:complaint-queue")).content.decode()
    queue = page.split('data-testid="complaint-queue"')[1].split("</div>\n    {%")[0]
    assert "Siêu thị Co.op" in queue and "Siêu thị Hà Nội" not in queue
    assert client.get(reverse("agreements:complaint-handle", args=[complaint_b.pk])).status_code == 404


def test_the_queue_counts_complaints_per_partner(client, actors, tree, complaint_a):
    OutletComplaint.objects.create(offer=complaint_a.offer, kind="no_sign", status="closed", reporter=actors.member)
    client.force_login(actors.officer_a)
    page = client.get(reverse("agreements:complaint-queue")).content.decode()
    counts = page.split('data-testid="complaint-counts"')[1].split("</section>")[0]
    assert "Siêu thị Co.op" in counts
    assert '<td class="num text-danger fw-semibold">1</td><td class="num">2</td>' in counts
    partners = client.get(reverse("agreements:partner-list")).content.decode()
    assert "1</span> / 2" in partners


def test_an_officer_answers_keeps_it_in_progress_and_the_reporter_gets_the_answer_in_vietnamese(
    client, actors, complaint_a, django_capture_on_commit_callbacks
):
    client.force_login(actors.officer_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("agreements:complaint-handle", args=[complaint_a.pk]),
            {"response": "Đã làm việc với cửa hàng; cửa hàng cam kết áp dụng từ tuần sau."},
        )
    assert response.status_code == 302
    complaint_a.refresh_from_db()
    assert complaint_a.status == "in_progress" and complaint_a.handled_by == actors.officer_a
    assert complaint_a.closed_at is None
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["phuong@example.vn"]
    assert "Trả lời phản ánh của bạn về Siêu thị Co.op" in email.subject and "\n" not in email.subject
    assert "Kính gửi Ngô Thị Phương" in email.body
    assert "cửa hàng cam kết áp dụng từ tuần sau" in email.body
    assert "Đang xử lý" in email.body and "&#x27;" not in email.body


def test_closing_a_complaint_says_so_to_the_reporter(actors, complaint_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        complaint_respond(complaint=complaint_a, response="Cửa hàng đã xin lỗi và hoàn tiền.", close=True, by=actors.officer_a)
    complaint_a.refresh_from_db()
    assert complaint_a.status == "closed" and complaint_a.closed_at is not None
    assert "phản ánh đã được đóng" in mail.outbox[0].body


def test_an_empty_answer_is_refused_next_to_the_field(client, actors, complaint_a):
    client.force_login(actors.officer_a)
    page = client.post(reverse("agreements:complaint-handle", args=[complaint_a.pk]), {"close": "on"}).content.decode()
    assert 'data-error-for="response">Hãy ghi kết quả xử lý để trả lời đoàn viên.' in page
    complaint_a.refresh_from_db()
    assert complaint_a.status == "open" and not mail.outbox


def test_the_reviewer_reads_the_complaint_but_cannot_answer_it(client, actors, complaint_a):
    client.force_login(actors.reviewer_an_giang)
    assert "Siêu thị Co.op" in client.get(reverse("agreements:complaint-queue")).content.decode()
    page = client.get(reverse("agreements:complaint-handle", args=[complaint_a.pk])).content.decode()
    assert "Thu ngân không nhận thẻ đoàn viên." in page and "<textarea" not in page
    response = client.post(reverse("agreements:complaint-handle", args=[complaint_a.pk]), {"response": "Tôi trả lời", "close": "on"})
    assert response.status_code == 403
    complaint_a.refresh_from_db()
    assert complaint_a.status == "open" and complaint_a.response == "" and not mail.outbox


def test_the_queue_makes_a_bounded_number_of_queries(client, actors, tree, django_assert_max_num_queries):
    client.force_login(actors.officer_a)
    client.get(reverse("agreements:complaint-queue"))
    for n in range(20):
        complaint_for(tree.company_a, reporter=actors.member, partner_name=f"Đối tác {n}")
    with django_assert_max_num_queries(9):
        page = client.get(reverse("agreements:complaint-queue")).content.decode()
    assert "Đối tác 19" in page
