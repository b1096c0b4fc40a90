"""The audit trail (Decree 13/2023 on personal data): who signed in, who viewed or exported whose
personal data, who changed roles.

``record(...)`` appends one event. Inside a request (``AuditMiddleware``) events are buffered in a
context variable and written at the end of the request in ONE bulk insert, off the view's path;
outside a request (Celery tasks, commands) each is written at once. Rows are append-only
(``AuditEvent``); only ``purge_events`` removes them, after ``AUDIT_RETENTION_DAYS``.

This module imports no app: apps call ``record`` from their views and signal receivers.
"""
from __future__ import annotations

import datetime as dt
import ipaddress
import logging
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db import IntegrityError, transaction
from django.dispatch import receiver
from django.utils import timezone

from .http import client_ip
from .identifiers import recorded_login
from .models import AuditAction, AuditEvent

logger = logging.getLogger(__name__)

ACTIONS = frozenset(AuditAction.values)


@dataclass
class _RequestBuffer:
    request: object
    events: list[AuditEvent] = field(default_factory=list)


_current: ContextVar[_RequestBuffer | None] = ContextVar("lms_audit_buffer", default=None)


def _clip(value, length: int) -> str:
    return str(value or "")[:length]


def _valid_ip(value: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def actor_name(user) -> str:
    """The account's name in Vietnamese order (family name first), as the account stores it."""
    return " ".join(part for part in (user.last_name, user.first_name) if part).strip()


def record(*, action: str, actor=None, request=None, subject: str = "", subject_id: str = "",
           unit_path: str = "", details: dict | None = None) -> None:
    """Append one audit event.

    ``action`` is a code of ``AuditAction`` (a ValueError otherwise, so a typo fails in tests).
    ``request`` (or, in a signal receiver, the request being served) gives the actor when
    ``actor`` is None, and the client address and path. Inside a request the event is written
    with the others by ``AuditMiddleware`` at the end of the request; outside one, at once.
    """
    if action not in ACTIONS:
        raise ValueError(f"Unknown audit action {action!r}: add it to lms.models.AuditAction.")
    buffer = _current.get()
    if request is None and buffer is not None:
        request = buffer.request
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        actor = user if getattr(user, "is_authenticated", False) else None
    event = AuditEvent(
        time=timezone.now(),
        actor=actor,
        actor_username=_clip(actor.get_username(), 150) if actor is not None else "",
        actor_name=_clip(actor_name(actor), 255) if actor is not None else "",
        action=action,
        subject=_clip(subject, 255),
        subject_id=_clip(subject_id, 64),
        unit_path=_clip(unit_path, 255),
        ip=_valid_ip(client_ip(request)) if request is not None else None,
        path=_clip(getattr(request, "path", ""), 255) if request is not None else "",
        details=details or {},
    )
    if buffer is not None:
        buffer.events.append(event)
    else:
        _write([event])


def _write(events: list[AuditEvent]) -> None:
    """One INSERT for all ``events``. An actor whose account was deleted in the same request (a
    dangling key) is written as null: the copied name and username still say who it was."""
    try:
        with transaction.atomic():
            AuditEvent.objects.bulk_create(events)
    except IntegrityError:
        from django.contrib.auth import get_user_model

        ids = {event.actor_id for event in events if event.actor_id}
        alive = set(get_user_model()._base_manager.filter(pk__in=ids).values_list("pk", flat=True))
        for event in events:
            if event.actor_id and event.actor_id not in alive:
                event.actor = None
        AuditEvent.objects.bulk_create(events)


class AuditMiddleware:
    """Buffers the request's audit events and writes them in one insert once the response is ready.

    Placed near the top of MIDDLEWARE, so that everything below (login, views) records into the
    buffer. A failed write is logged, not turned into an error page for an action already done.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        buffer = _RequestBuffer(request=request)
        token = _current.set(buffer)
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
            if buffer.events:
                try:
                    _write(buffer.events)
                except Exception:  # noqa: BLE001 - the response is already decided; keep it
                    logger.exception("Could not write %d audit events", len(buffer.events))


# --- retention --------------------------------------------------------------------------------------

def purge_events(*, now: dt.datetime | None = None) -> int:
    """Delete audit events older than ``AUDIT_RETENTION_DAYS``; the number deleted.

    The one way rows leave the trail: ``_base_manager`` skips the append-only queryset on purpose.
    """
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.AUDIT_RETENTION_DAYS)
    deleted, _by_model = AuditEvent._base_manager.filter(time__lt=cutoff).delete()
    return deleted


# --- sign-ins ---------------------------------------------------------------------------------------

@receiver(user_logged_in, dispatch_uid="lms_audit_login")
def _record_login(sender, request, user, **kwargs):
    record(action=AuditAction.LOGIN_SUCCESS, actor=user, request=request,
           subject=user.get_username(), subject_id=str(user.pk))


@receiver(user_login_failed, dispatch_uid="lms_audit_login_failed")
def _record_login_failure(sender, credentials, request=None, **kwargs):
    # The identifier tried (username, or the ID code people may type); never the password.
    tried = recorded_login(credentials.get("username") or credentials.get("email") or "")
    record(action=AuditAction.LOGIN_FAILURE, request=request, subject=tried,
           details={"username": _clip(tried, 150)})
