"""Celery entry points of the courses app."""
from celery import shared_task

from . import services


@shared_task(soft_time_limit=300, time_limit=330)
def publish_scheduled_pages() -> None:
    """Publish pages whose go-live time has come and unpublish expired ones (run every minute)."""
    services.scheduled_pages_publish()
