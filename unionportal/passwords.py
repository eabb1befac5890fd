"""Password rules: Django's validators, with the one message its Vietnamese translation lacks."""

from django.contrib.auth import password_validation
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's rule; its error text ("This password is too short…") has no Vietnamese in
    Django's own translation, so a person changing a password would read English."""

    def get_error_message(self):
        return ngettext(
            "Mật khẩu này quá ngắn: cần ít nhất %(min_length)d ký tự.",
            "Mật khẩu này quá ngắn: cần ít nhất %(min_length)d ký tự.",
            self.min_length,
        ) % {"min_length": self.min_length}
