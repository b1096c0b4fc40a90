"""Celery entry points of the media pipeline (queue "media"): thin wrappers over services."""
from __future__ import annotations

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from . import services
from .probe import MediaError


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, queue="media",
             autoretry_for=(services.TransientStorageError,), retry_backoff=30, retry_backoff_max=600,
             max_retries=8, soft_time_limit=3600, time_limit=3720)
def process_video(self, video_id: int) -> None:
    """Probe, transcode and publish one video; a rerun of a finished job does nothing.

    Time limits are set per call from the video's duration (services.time_limits).
    """
    try:
        services.video_process(video_id=video_id)
    except SoftTimeLimitExceeded:
        services._fail(video_id, MediaError("timeout"))


@shared_task(queue="media", soft_time_limit=600, time_limit=660)
def clean_scratch() -> None:
    """Remove scratch folders of killed runs and abandoned partial uploads (periodic)."""
    services.scratch_cleanup()
