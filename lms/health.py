"""Health checks: database, broker, storage. Each returns (ok, detail)."""
from __future__ import annotations

import os
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection


def check_database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True, connection.vendor
    except Exception as exc:  # any driver error means "down"
        return False, type(exc).__name__


def check_broker() -> tuple[bool, str]:
    """A fresh connection to the configured broker (never Celery's shared pool)."""
    from kombu import Connection

    url = settings.CELERY_BROKER_URL or ""
    if url.startswith("filesystem://"):
        folder = Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("data_folder_in", ""))
        return folder.is_dir() and os.access(folder, os.W_OK), "filesystem"
    try:
        with Connection(url, connect_timeout=2, transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
            return True, conn.transport.driver_name
    except Exception as exc:  # any failure to connect means "down"
        return False, type(exc).__name__


def check_storage() -> tuple[bool, str]:
    name = f"healthz/{uuid.uuid4().hex}.txt"
    try:
        saved = default_storage.save(name, ContentFile(b"ok"))
        default_storage.delete(saved)
        return True, type(default_storage).__name__
    except Exception as exc:
        return False, type(exc).__name__


CHECKS = {"database": check_database, "broker": check_broker, "storage": check_storage}


def run_checks() -> dict[str, dict]:
    return {name: dict(zip(("ok", "detail"), check())) for name, check in CHECKS.items()}
