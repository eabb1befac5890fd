"""The unit pages, as officers, reviewers and outsiders see them."""

import pytest
from django.urls import reverse

from tests.factories import TEST_PASSWORD


def login(client, user):
    client.force_login(user)
    return client


def test_officer_sees_their_unit_page(client, actors, tree):
    response = login(client, actors.officer_a).get(reverse("organizations:unit-detail", args=[tree.company_a.pk]))
    assert response.status_code == 200
    assert "Công đoàn cơ sở Công ty A" in response.content.decode()


def test_officer_of_another_unit_gets_404(client, actors, tree):
    response = login(client, actors.officer_b).get(reverse("organizations:unit-detail", args=[tree.company_a.pk]))
    assert response.status_code == 404


def test_reviewer_cannot_look_upward(client, actors, tree):
    response = login(client, actors.reviewer_an_giang).get(reverse("organizations:unit-detail", args=[tree.tld.pk]))
    assert response.status_code == 404


def test_reviewer_lists_their_subtree_and_searches_without_diacritics(client, actors, tree):
    client = login(client, actors.reviewer_an_giang)
    page = client.get(reverse("organizations:unit-list")).content.decode()
    assert "Công đoàn Bệnh viện An Giang" in page and "Công ty B" not in page
    found = client.get(reverse("organizations:unit-list"), {"search": "benh vien"}).content.decode()
    assert "Công đoàn Bệnh viện An Giang" in found and "Công ty A" not in found


def test_the_list_answers_htmx_with_just_the_table(client, actors, tree):
    response = login(client, actors.reviewer_an_giang).get(
        reverse("organizations:unit-list"), {"search": "cong ty"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert "<html" not in body and "Công đoàn cơ sở Công ty A" in body


def test_the_list_makes_the_same_number_of_queries_whatever_its_length(
    client, actors, tree, django_assert_max_num_queries
):
    from tests.factories import UnitFactory

    client = login(client, actors.system_admin)
    client.get(reverse("organizations:unit-list"))
    for n in range(30):
        UnitFactory(parent=tree.hospital, code=f"AG-BV-{n}")
    with django_assert_max_num_queries(8):
        client.get(reverse("organizations:unit-list"))


def test_detail_shows_ancestors_children_and_people_in_scope(client, actors, tree):
    page = login(client, actors.reviewer_an_giang).get(
        reverse("organizations:unit-detail", args=[tree.an_giang.pk])
    ).content.decode()
    assert "Liên đoàn Lao động huyện Châu Thành" in page
    assert "Lê Văn Bình" in page  # the reviewer's own assignment
    assert "Tổng Liên đoàn" not in page.split("<main")[1].split("</nav>")[0]  # TLĐ is above: not linked


@pytest.mark.parametrize("login_name", ["can_bo_a", "can_bo_a@example.vn", "CAN_BO_A@EXAMPLE.VN"])
def test_login_by_username_or_email(client, actors, login_name):
    actors.officer_a.email = "can_bo_a@example.vn"
    actors.officer_a.save()
    response = client.post(reverse("login"), {"username": login_name, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("home")).context["user"] == actors.officer_a


def test_a_failed_login_keeps_what_was_typed_and_says_why_in_vietnamese(client, actors):
    response = client.post(reverse("login"), {"username": "can_bo_a", "password": "sai"})
    page = response.content.decode()
    assert 'value="can_bo_a"' in page
    assert "Tên đăng nhập (hoặc email) hoặc mật khẩu không đúng" in page


@pytest.mark.parametrize(
    "actor, heading",
    [
        ("officer_a", "Công việc của đơn vị"),
        ("reviewer_an_giang", "Báo cáo chờ duyệt"),
        ("admin_an_giang", "Quản trị đơn vị"),
        ("system_admin", "Quản trị đơn vị"),
        ("member", "Ưu đãi dành cho đoàn viên"),
    ],
)
def test_home_page_per_role(client, actors, actor, heading):
    page = login(client, getattr(actors, actor)).get(reverse("home")).content.decode()
    assert heading in page


def test_anonymous_home_is_vietnamese_discounts(client, db):
    page = client.get(reverse("home")).content.decode()
    assert '<html lang="vi">' in page and "Ưu đãi dành cho đoàn viên" in page


def test_password_reset_sends_a_vietnamese_email(client, actors, mailoutbox):
    client.post(reverse("password_reset"), {"email": actors.officer_a.email})
    assert len(mailoutbox) == 1
    assert "Đặt lại mật khẩu" in mailoutbox[0].subject
    assert "/tai-khoan/dat-lai-mat-khau/" in mailoutbox[0].body


def test_vietnamese_even_when_the_browser_asks_for_english(client, db):
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="vi">' in page


def test_the_language_switcher_remembers_english(client, db):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert '<html lang="en">' in client.get(reverse("home")).content.decode()
