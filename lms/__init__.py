"""The Django project package: settings, root URLs, the Celery app, base templates.

The Celery app is imported here so that ``@shared_task`` binds to it wherever
Django starts (web, worker, management commands).
"""
from .celery import app as celery_app

__all__ = ("celery_app",)
