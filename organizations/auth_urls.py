"""Login (with the two-factor step), logout, password change and reset, with the portal's Vietnamese templates."""

from django.contrib.auth import views as auth_views
from django.urls import path

from organizations import views_auth

urlpatterns = [
    path("dang-nhap/", views_auth.PortalLoginView.as_view(), name="login"),
    path("dang-nhap/xac-thuc/", views_auth.login_verify, name="login-verify"),
    path("xac-thuc-hai-buoc/", views_auth.two_factor_settings, name="two-factor"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("doi-mat-khau/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("doi-mat-khau/xong/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("quen-mat-khau/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("quen-mat-khau/da-gui/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "dat-lai-mat-khau/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("dat-lai-mat-khau/xong/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
