"""Celery entry points: thin, idempotent, taking ids."""
from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="assessments.tasks.close_expired_attempts", ignore_result=True, soft_time_limit=240,
             time_limit=300)
def close_expired_attempts() -> int:
    """Beat sweep: grade (or abandon) attempts whose time and grace ran out."""
    return services.attempts_close_expired()

