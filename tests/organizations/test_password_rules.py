"""Password rules: at least 10 characters, not a common password, not all digits, not like the
person's own name or username — each refused with a Vietnamese message, on the page where
people change their password."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from tests.factories import TEST_PASSWORD


@pytest.mark.parametrize(
    "password, message",
    [
        ("ngan-qua", "Mật khẩu này quá ngắn: cần ít nhất 10 ký tự."),
        ("password123", "Mật khẩu này quá phổ biến."),
        ("20261120123456", "Mật khẩu này hoàn toàn là số."),
        ("can_bo_a_2026", "Mật khẩu quá giống với Tên đăng nhập."),
    ],
)
def test_a_weak_password_is_refused_in_vietnamese(actors, password, message):
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        validate_password(password, actors.officer_a)

    assert message in refused.value.messages


def test_a_long_uncommon_password_is_accepted(actors):
    validate_password("Hoa sen nở giữa đầm 2026", actors.officer_a)


def test_the_password_change_page_refuses_a_weak_password_and_keeps_the_old_one(client, actors):
    client.force_login(actors.officer_a)

    response = client.post(reverse("password_change"), {
        "old_password": TEST_PASSWORD, "new_password1": "abc12345", "new_password2": "abc12345",
    })

    page = response.content.decode()
    assert response.status_code == 200
    assert "Mật khẩu này quá ngắn: cần ít nhất 10 ký tự." in page
    actors.officer_a.refresh_from_db()
    assert actors.officer_a.check_password(TEST_PASSWORD)
