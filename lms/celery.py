"""The Celery application.

Configuration comes from Django settings (``CELERY_*``), so the broker follows
the environment: a filesystem transport under ``var/`` by default (no server),
Redis or RabbitMQ when ``CELERY_BROKER_URL``/``REDIS_URL`` say so. Periodic jobs
are declared in one place: ``CELERY_BEAT_SCHEDULE`` in the base settings.
"""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.dev")

app = Celery("lms")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
