"""What typed login names become in records kept for later (the audit trail, django-axes' lockouts).

People may type their ID code at login (people.backends.IdCodeBackend). A failed attempt must not
leave that code in plain text in tables that many read or that are kept for years: the audit trail
keeps it masked (``0791******71``), and django-axes keys its lockouts on a keyed hash of it, so a
lockout still applies to the same code without storing it.
"""
from __future__ import annotations

import hashlib
import hmac
import re

from django.conf import settings

from .text import mask_identifier

# Citizen identity numbers (12 digits) and the older identity cards (9 digits), possibly spaced.
ID_CODE_SHAPE = re.compile(r"^\s*[0-9][0-9 .-]{7,}[0-9]\s*$")


def looks_like_id_code(text: str) -> bool:
    return bool(text) and bool(ID_CODE_SHAPE.match(text))


def _normalised(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z]", "", text).upper()


def recorded_login(text: str) -> str:
    """The login name as the audit trail keeps it: masked when it is (shaped like) an ID code."""
    return mask_identifier(_normalised(text)) if looks_like_id_code(text) else text


def axes_username(request, credentials) -> str:
    """django-axes' ``AXES_USERNAME_CALLABLE``: an ID code becomes a keyed hash, any other name stays."""
    typed = (credentials or {}).get("username") or ""
    if not looks_like_id_code(typed):
        return typed
    digest = hmac.new(str(settings.PERSONAL_DATA_INDEX_KEY).encode(), _normalised(typed).encode(), hashlib.sha256)
    return f"id:{digest.hexdigest()[:24]}"
