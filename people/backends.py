"""Log in with one's ID code as the login name.

Rostered people know their ID code better than any username, but the stored username is not the
ID code (that column is not encrypted, and people see each other's usernames). This backend finds
the account through the ID code's blind index (``people.selectors.profile_by_id_code``) and checks
the password like ``ModelBackend``. It sits after django-axes' backend, so lockouts still count
failures by what was typed.
"""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from .selectors import profile_by_id_code


class IdCodeBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if not username or password is None:
            return None
        profile = profile_by_id_code(username)
        user = profile.user if profile is not None and profile.user_id else None
        if user is None:
            # the same password hashing cost as a wrong password: no timing oracle on who is rostered
            get_user_model()().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
