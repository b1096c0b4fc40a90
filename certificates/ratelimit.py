"""Guessing verification codes is capped per client address (``lms.ratelimit``: atomic on every shape).

Every lookup is counted before it runs and given back when it finds a certificate: only misses
(an unknown or altered code, a file matching no certificate) stay counted, so an employer checking
many real certificates is never stopped, while a parallel burst of guesses cannot run more lookups
than the limit. The window is an hour from the first miss.
"""
from __future__ import annotations

from django.conf import settings

from lms import ratelimit

SCOPE = "certificates.verify-miss"
WINDOW = 3600


def lookup_allowed(request) -> bool:
    """Count one lookup by this client; False once its misses are over the hourly limit."""
    return ratelimit.hit(SCOPE, ratelimit.client_key(request),
                         limit=settings.CERTIFICATE_VERIFY_MISSES_PER_HOUR, period=WINDOW)


def give_back(request) -> None:
    """This lookup does not count toward the limit: it found a certificate (or looked nothing up)."""
    ratelimit.undo(SCOPE, ratelimit.client_key(request))
