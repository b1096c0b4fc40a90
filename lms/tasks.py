"""Periodic housekeeping of the platform layer (scheduled in ``CELERY_BEAT_SCHEDULE``)."""
from celery import shared_task

from . import ratelimit


@shared_task(acks_late=True, time_limit=300)
def purge_rate_limit_counters() -> int:
    """Delete rate-limit windows that have ended (the embedded shape counts them in the database)."""
    return ratelimit.purge_expired()
