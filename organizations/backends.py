from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import ModelBackend

from organizations.models import User


class LoginThrottleBackend(AxesStandaloneBackend):
    """Refuses any login to an account locked from the caller's address (django-axes).

    Listed first in AUTHENTICATION_BACKENDS. An in-process check with no request (a management
    command, a test calling `authenticate()` directly) has no address to lock and passes on to
    the next backend, where django-axes' own backend would raise instead.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class EmailOrUsernameBackend(ModelBackend):
    """Log in with either the username or the email address."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if not username or password is None:
            return None
        try:
            user = User.objects.get_by_login(username.strip())
        except (User.DoesNotExist, User.MultipleObjectsReturned):
            # Same cost as a real check, so timing does not reveal which logins exist.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
