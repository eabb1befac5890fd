"""POST /api/v1/auth/token/: a token for another system, against a username (or email) and password.

The same guards as the login page: the per-account lock of django-axes (the password is checked
through `authenticate()` with the request, so failures here count and a locked account is
refused with 429), a throttle per client address, and for an account with two-factor
authentication the current code in `otp`.
"""

from django.contrib.auth import authenticate, user_login_failed
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from organizations import two_factor
from unionportal.throttles import AuthThrottle


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(label=_("Tên đăng nhập hoặc email"), max_length=254)
    password = serializers.CharField(label=_("Mật khẩu"), max_length=4096, trim_whitespace=False, write_only=True)
    otp = serializers.CharField(
        label=_("Mã xác thực hai bước"), max_length=16, required=False, allow_blank=True,
        help_text=_("Bắt buộc với tài khoản đã bật xác thực hai bước."),
    )


class ObtainTokenView(APIView):
    """Trả về token API cho tên đăng nhập (hoặc email) và mật khẩu; kèm `otp` nếu tài khoản bật xác thực hai bước."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [AuthThrottle]
    serializer_class = TokenRequestSerializer

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: inline_serializer("TokenResponse", {"token": serializers.CharField()}),
            400: OpenApiResponse(description=_("Sai tên đăng nhập, mật khẩu hoặc mã xác thực.")),
            429: OpenApiResponse(description=_("Tạm khóa hoặc quá nhiều yêu cầu.")),
        },
        auth=[],
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        # The plain HttpRequest: django-axes marks it, and its middleware answers 429 for a lock.
        http_request = request._request
        user = authenticate(http_request, username=data["username"], password=data["password"])
        if getattr(http_request, "axes_locked_out", False):
            return Response(status=status.HTTP_429_TOO_MANY_REQUESTS)  # replaced by the lockout response
        if user is None:
            return Response(
                {"non_field_errors": [_("Tên đăng nhập (hoặc email) hoặc mật khẩu không đúng.")]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        if two_factor.has_two_factor(user) and two_factor.verify_code(user, data.get("otp", "")) is None:
            user_login_failed.send(sender=__name__, credentials={"username": user.get_username()}, request=http_request)
            return Response(
                {"otp": [_("Tài khoản này bật xác thực hai bước: cần mã xác thực đúng trong trường “otp”.")]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
