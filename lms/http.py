"""Request helpers shared by every app (imports no app)."""
from django.conf import settings


def client_ip(request) -> str | None:
    """The client's address; behind our nginx (TRUST_X_REAL_IP) the header it sets.

    nginx overwrites X-Real-IP, so a client cannot forge it; without the proxy
    the header is ignored and REMOTE_ADDR is the truth.
    """
    if settings.TRUST_X_REAL_IP:
        forwarded = request.META.get("HTTP_X_REAL_IP", "").strip()
        if forwarded:
            return forwarded
    return request.META.get("REMOTE_ADDR") or None
