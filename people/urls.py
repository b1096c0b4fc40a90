from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views

app_name = "people"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("claim/", views.claim_profile, name="claim"),
    path("invitation/<str:token>/", views.accept_invitation, name="invitation"),
    path("register/", views.register, name="register"),
    path("verify/<str:token>/", views.verify_email, name="verify_email"),
    path("2fa/setup/", views.otp_setup, name="otp_setup"),
    path("2fa/verify/", views.otp_verify, name="otp_verify"),
    path("2fa/backup-codes/", views.backup_codes, name="backup_codes"),
]

# Django's own auth views, under our templates (login name "login" stays global for LOGIN_URL).
auth_urlpatterns = [
    path("login/", views.PlatformLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password-change/", auth_views.PasswordChangeView.as_view(
        template_name="people/password_change.html", success_url=reverse_lazy("password_change_done")),
        name="password_change"),
    path("password-change/done/", auth_views.PasswordChangeDoneView.as_view(
        template_name="people/password_reset_complete.html"), name="password_change_done"),
    path("password-reset/", auth_views.PasswordResetView.as_view(
        template_name="people/password_reset_form.html",
        email_template_name="people/password_reset_email.txt",
        subject_template_name="people/password_reset_subject.txt"), name="password_reset"),
    path("password-reset/sent/", auth_views.PasswordResetDoneView.as_view(
        template_name="people/password_reset_done.html"), name="password_reset_done"),
    path("reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(
        template_name="people/password_reset_confirm.html",
        success_url=reverse_lazy("password_reset_complete")), name="password_reset_confirm"),
    path("reset/done/", auth_views.PasswordResetCompleteView.as_view(
        template_name="people/password_reset_complete.html"), name="password_reset_complete"),
]
