"""Two-factor enforcement.

A user who has a confirmed TOTP device must pass it after the password; a
department admin without one is sent to set it up before anything else.
"""
from __future__ import annotations

from django.shortcuts import redirect
from django.urls import reverse
from django_otp import user_has_device

from .selectors import is_department_admin

OPEN_PREFIXES = ("/static/", "/media/", "/healthz", "/accounts/logout", "/accounts/2fa/", "/i18n/")


class RequireTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated and not request.path.startswith(OPEN_PREFIXES)
                and not user.is_verified()):
            if user_has_device(user, confirmed=True):
                return redirect(f"{reverse('people:otp_verify')}?next={request.get_full_path()}")
            if is_department_admin(user):
                return redirect(f"{reverse('people:otp_setup')}?next={request.get_full_path()}")
        return self.get_response(request)
