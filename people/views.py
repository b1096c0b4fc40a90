"""Account pages: login, profile, claiming a rostered profile, invitations,
self-registration, e-mail verification and two-factor authentication."""
from __future__ import annotations

import base64
from urllib.parse import quote

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.cache import cache
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from lms.http import client_ip

from . import forms, selectors, services

AUTH_BACKEND = "django.contrib.auth.backends.ModelBackend"


class PlatformLoginView(LoginView):
    """Login page. A logged-in user sent here by a page they may not open gets a
    clear "no access" answer instead of a redirect loop."""

    template_name = "people/login.html"

    def get(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            if request.GET.get(self.redirect_field_name):
                return render(request, "people/message.html", {
                    "title": _("No access"),
                    "message": _("You are logged in as %(name)s, and this account has no access to that page. "
                                 "Log out and log in with another account, or go back to the home page.")
                    % {"name": request.user.get_username()},
                }, status=403)
            return redirect(self.get_success_url())
        return super().get(request, *args, **kwargs)


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return default


@login_required
def profile(request):
    user = request.user
    return render(request, "people/profile.html", {
        "profile": selectors.profile_of(user),
        "roles": selectors.roles_of(user),
        "has_2fa": user_has_device(user, confirmed=True),
        "can_manage": selectors.managed_paths(user) != [],
    })


@require_http_methods(["GET", "POST"])
def claim_profile(request):
    form = forms.ClaimProfileForm(request.POST or None)
    if request.method == "POST":
        key = f"claim-attempts:{client_ip(request)}"
        attempts = cache.get_or_set(key, 0, timeout=3600)
        if attempts >= settings.CLAIM_ATTEMPTS_PER_HOUR:
            form.add_error(None, _("Too many attempts from this connection. Try again in an hour."))
        elif form.is_valid():
            try:
                user = services.profile_claim(
                    id_code=form.cleaned_data["id_code"], date_of_birth=form.cleaned_data["date_of_birth"],
                    password=form.cleaned_data["password1"], email=form.cleaned_data["email"])
            except services.AccountError as error:
                cache.set(key, attempts + 1, timeout=3600)
                form.add_error(None, error)
            else:
                cache.delete(key)
                login(request, user, backend=AUTH_BACKEND)
                messages.success(request, _("Your account is ready. Welcome!"))
                return redirect("people:profile")
    return render(request, "people/claim.html", {"form": form})


@require_http_methods(["GET", "POST"])
def accept_invitation(request, token: str):
    try:
        invited = services.invitation_profile(token)
    except services.AccountError as error:
        return render(request, "people/message.html", {"title": _("Invitation"), "message": error.message},
                      status=400)
    form = forms.SetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(token=token, password=form.cleaned_data["password1"])
        except services.AccountError as error:
            form.add_error(None, error)
        else:
            login(request, user, backend=AUTH_BACKEND)
            messages.success(request, _("Your password is set. Welcome!"))
            return redirect("people:profile")
    return render(request, "people/invitation.html", {"form": form, "invited": invited})


@require_http_methods(["GET", "POST"])
def register(request):
    form = forms.RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.public_learner_register(
                full_name=form.cleaned_data["full_name"], email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"], category=form.cleaned_data["category"],
                org_unit=form.cleaned_data["org_unit"])
        except services.AccountError as error:
            form.add_error(None, error)
        else:
            return render(request, "people/message.html", {
                "title": _("Check your e-mail"),
                "message": _("We sent you a link to activate your account. Open it within three days."),
            })
    return render(request, "people/register.html", {"form": form})


def verify_email(request, token: str):
    try:
        user = services.email_verify(token=token)
    except services.AccountError as error:
        return render(request, "people/message.html", {"title": _("Activation"), "message": error.message},
                      status=400)
    login(request, user, backend=AUTH_BACKEND)
    messages.success(request, _("Your e-mail is confirmed and your account is active."))
    return redirect("people:profile")


def _otp_uri(device: TOTPDevice, user) -> str:
    secret = base64.b32encode(device.bin_key).decode()
    issuer = quote(settings.OTP_TOTP_ISSUER)
    return f"otpauth://totp/{issuer}:{quote(user.get_username())}?secret={secret}&issuer={issuer}&digits=6"


@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request):
    """Set up an authenticator app: show the QR code and secret, confirm with one code."""
    user = request.user
    if user_has_device(user, confirmed=True) and not user.is_verified():
        return redirect("people:otp_verify")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first() or TOTPDevice.objects.create(
        user=user, name=_("Authenticator app"), confirmed=False)
    form = forms.OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].strip()):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            messages.success(request, _("Two-factor authentication is on."))
            return redirect(_safe_next(request, "people:profile"))
        form.add_error("token", _("That code is not right. Check the time on your phone and try again."))
    uri = _otp_uri(device, user)
    return render(request, "people/otp_setup.html", {
        "form": form, "qr_svg": segno.make(uri, error="m").svg_inline(scale=4),
        "secret": base64.b32encode(device.bin_key).decode(), "required": selectors.is_department_admin(user),
        "next": request.GET.get("next", ""),
    })


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request):
    """Second step of login for users with an authenticator app."""
    form = forms.OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"].strip()
        for device in TOTPDevice.objects.filter(user=request.user, confirmed=True):
            if device.verify_token(token):
                otp_login(request, device)
                return redirect(_safe_next(request, "people:profile"))
        form.add_error("token", _("That code is not right. Check the time on your phone and try again."))
    return render(request, "people/otp_verify.html", {"form": form, "next": request.GET.get("next", "")})
