"""Periodic housekeeping of the platform layer (scheduled in ``CELERY_BEAT_SCHEDULE``)."""
from celery import shared_task

from . import ratelimit, retention


@shared_task(acks_late=True, time_limit=300)
def purge_rate_limit_counters() -> int:
    """Delete rate-limit windows that have ended (the embedded shape counts them in the database)."""
    return ratelimit.purge_expired()


@shared_task(acks_late=True, time_limit=1800)
def purge_expired_data() -> dict[str, int]:
    """Delete audit events and stored rosters/exports past their retention (daily)."""
    return retention.purge_expired_data()
