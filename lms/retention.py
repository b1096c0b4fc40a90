"""Retention of personal data (Decree 13/2023): what is kept, and for how long.

Audit events are kept ``AUDIT_RETENTION_DAYS``; uploaded rosters and generated export files
``EXPORT_RETENTION_DAYS``. The files belong to higher apps, which lms does not import: each
connects a receiver to ``purge_expired`` that deletes its own files older than ``before`` and
returns ``{label: number deleted}``. Run daily by Celery beat and by ``manage.py purge_expired_data``.
"""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.dispatch import Signal
from django.utils import timezone

from . import audit
from .models import AuditAction

# Sent with ``before`` (an aware datetime); receivers return {label: count}.
purge_expired = Signal()


def purge_expired_data(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Delete audit events and stored files past their retention; {label: number deleted}.

    Idempotent: a second run deletes nothing. What was deleted is itself recorded in the trail.
    """
    now = now or timezone.now()
    counts = {"audit_events": audit.purge_events(now=now)}
    before = now - dt.timedelta(days=settings.EXPORT_RETENTION_DAYS)
    for _receiver, result in purge_expired.send(sender=None, before=before):
        for label, count in (result or {}).items():
            counts[label] = counts.get(label, 0) + count
    if any(counts.values()):
        audit.record(action=AuditAction.DATA_PURGE, details=counts)
    return counts
