"""Two-factor enforcement.

A user who has a confirmed TOTP device must pass it after the password; a
department admin without one is sent to set it up before anything else.

The check costs two or three queries, so a negative answer is remembered in the
session for CHECK_SECONDS: the frequent requests of learners (heartbeats) skip it,
and a device added or a role granted elsewhere is enforced within that time.
"""
from __future__ import annotations

import time

from django.shortcuts import redirect
from django.urls import reverse
from django_otp import user_has_device

from .selectors import is_department_admin

OPEN_PREFIXES = ("/static/", "/media/", "/healthz", "/accounts/logout", "/accounts/2fa/", "/i18n/")
CHECK_SECONDS = 300
SESSION_KEY = "people_2fa_not_needed"


class RequireTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated and not request.path.startswith(OPEN_PREFIXES)
                and not user.is_verified() and not self._recently_cleared(request, user)):
            if user_has_device(user, confirmed=True):
                return redirect(f"{reverse('people:otp_verify')}?next={request.get_full_path()}")
            if is_department_admin(user):
                return redirect(f"{reverse('people:otp_setup')}?next={request.get_full_path()}")
            request.session[SESSION_KEY] = [user.pk, time.time()]
        return self.get_response(request)

    @staticmethod
    def _recently_cleared(request, user) -> bool:
        stamp = request.session.get(SESSION_KEY)
        return bool(stamp) and stamp[0] == user.pk and time.time() - stamp[1] < CHECK_SECONDS
