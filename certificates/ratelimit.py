"""Guessing verification codes is capped per client address (Django's cache: Redis in production).

Only misses count (an unknown or altered code): an employer checking many real
certificates is never stopped, while someone trying codes is stopped after a
few. The window is the clock hour; the count lives under one key per address
and hour.
"""
from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache

from lms.http import client_ip

WINDOW = 3600
KEY_PREFIX = "certificates:verify-misses"


def _key(request) -> str:
    return f"{KEY_PREFIX}:{client_ip(request) or 'unknown'}:{int(time.time() // WINDOW)}"


def is_blocked(request) -> bool:
    return (cache.get(_key(request)) or 0) >= settings.CERTIFICATE_VERIFY_MISSES_PER_HOUR


def record_miss(request) -> int:
    key = _key(request)
    cache.add(key, 0, timeout=WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW)
        count = 1
    cache.touch(key, WINDOW)
    return count
