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
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from lms import audit, ratelimit

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
    """A rostered person without e-mail sets up their account with the one-time code of their unit's
    activation sheet. Every attempt counts toward the address's limit (atomically); a success gives
    its count back."""
    form = forms.ActivationCodeForm(request.POST or None)
    if request.method == "POST":
        key = ratelimit.client_key(request)
        if not ratelimit.hit("activation", key, limit=settings.CLAIM_ATTEMPTS_PER_HOUR, period=3600):
            form.add_error(None, _("Too many attempts from this connection. Try again in an hour."))
            return render(request, "people/claim.html", {"form": form}, status=429)
        if form.is_valid():
            try:
                user = services.activation_code_redeem(
                    code=form.cleaned_data["code"], password=form.cleaned_data["password1"],
                    email=form.cleaned_data["email"])
            except services.AccountError as error:
                form.add_error(None, error)
            else:
                ratelimit.undo("activation", key)
                audit.record(action="account.activate", actor=user, request=request, subject=user.get_username())
                login(request, user, backend=AUTH_BACKEND)
                messages.success(request, _("Your account is ready. Welcome! Your login name is %(username)s; "
                                            "you may also log in with your ID code.") % {"username": user.username})
                return redirect("people:profile")
    return render(request, "people/claim.html", {"form": form})


@require_http_methods(["GET", "POST"])
def accept_invitation(request, token: str):
    if not ratelimit.hit("activation", ratelimit.client_key(request), limit=settings.CLAIM_ATTEMPTS_PER_HOUR * 3,
                         period=3600):
        return render(request, "people/message.html", {
            "title": _("Invitation"), "message": _("Too many attempts from this connection. Try again in an hour.")},
            status=429)
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
    if request.method == "POST" and not ratelimit.hit("registration", ratelimit.client_key(request),
                                                      limit=settings.CLAIM_ATTEMPTS_PER_HOUR, period=3600):
        form.add_error(None, _("Too many attempts from this connection. Try again in an hour."))
        return render(request, "people/register.html", {"form": form}, status=429)
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
    if not ratelimit.hit("activation", ratelimit.client_key(request), limit=settings.CLAIM_ATTEMPTS_PER_HOUR * 3,
                         period=3600):
        return render(request, "people/message.html", {
            "title": _("Activation"), "message": _("Too many attempts from this connection. Try again in an hour.")},
            status=429)
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


SETUP_EMAIL_SESSION_KEY = "people_2fa_setup_email"


@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request):
    """Set up an authenticator app: show the QR code and secret, confirm with one code.

    The first authenticator of an account also needs proof beyond the password (whoever knows a
    department admin's password must not be able to enrol their own phone): the code e-mailed to
    the account's address, or the one-time setup code a department admin gave after a reset."""
    user = request.user
    if user_has_device(user, confirmed=True) and not user.is_verified():
        return redirect("people:otp_verify")
    first = not user_has_device(user, confirmed=True)
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first() or TOTPDevice.objects.create(
        user=user, name=_("Authenticator app"), confirmed=False)
    if first and request.method == "GET" and not request.session.get(SETUP_EMAIL_SESSION_KEY) \
            and ratelimit.hit("2fa-setup-email", str(user.pk), limit=5, period=3600):
        sent = services.setup_email_send(user=user)
        if sent:
            request.session[SETUP_EMAIL_SESSION_KEY] = list(sent)
    form = (forms.OTPSetupForm if first else forms.OTPTokenForm)(request.POST or None)
    if request.method == "POST" and form.is_valid():
        proof = form.cleaned_data.get("confirmation", "")
        proven = not first or services.setup_email_matches(
            user=user, code=proof, stored=request.session.get(SETUP_EMAIL_SESSION_KEY)) \
            or services.setup_code_consume(user=user, code=proof)
        if not proven:
            form.add_error("confirmation", _("That confirmation code is not right or has expired."))
        elif device.verify_token(form.cleaned_data["token"].strip()):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            request.session.pop(SETUP_EMAIL_SESSION_KEY, None)
            otp_login(request, device)
            messages.success(request, _("Two-factor authentication is on. Now create your backup codes, in case "
                                        "you lose your phone."))
            return redirect(_safe_next(request, "people:profile"))
        else:
            form.add_error("token", _("That code is not right. Check the time on your phone and try again."))
    uri = _otp_uri(device, user)
    return render(request, "people/otp_setup.html", {
        "form": form, "qr_svg": segno.make(uri, error="m").svg_inline(scale=4),
        "secret": base64.b32encode(device.bin_key).decode(), "required": selectors.is_department_admin(user),
        "next": request.GET.get("next", ""), "first": first, "emailed": bool(user.email),
    })


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request):
    """Second step of login: a code from the authenticator app, or one of the backup codes."""
    form = forms.OTPVerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.second_factor_verify(user=request.user, token=form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return redirect(_safe_next(request, "people:profile"))
        form.add_error("token", _("That code is not right. Check the time on your phone and try again."))
    return render(request, "people/otp_verify.html", {"form": form, "next": request.GET.get("next", "")})


@login_required
@require_http_methods(["GET", "POST"])
def backup_codes(request):
    """Create (and show once) ten backup codes; only after passing the second factor."""
    if not (user_has_device(request.user, confirmed=True) and request.user.is_verified()):
        return redirect("people:profile")
    codes = None
    if request.method == "POST":
        codes = services.backup_codes_create(user=request.user)
    return render(request, "people/backup_codes.html", {
        "codes": codes, "left": services.backup_codes_left(user=request.user)})
