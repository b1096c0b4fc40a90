"""Celery entry points of the people app: thin wrappers over services."""
from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=1800, time_limit=1900)
def import_roster(import_id: int) -> None:
    """Validate and import one roster file; safe to rerun (upserts by ID code)."""
    try:
        services.roster_import_run(import_id=import_id)
    except Exception as exc:  # recorded for the user to see, then re-raised for the logs
        services.roster_import_fail(import_id=import_id, reason=repr(exc))
        raise


@shared_task(acks_late=True, soft_time_limit=3600, time_limit=3700)
def send_invitations(user_id: int) -> int:
    """Send the invitations a manager asked for; a rerun skips those already invited."""
    return services.invitations_send_for(user_id=user_id)
