"""Celery entry points of the reporting app: thin wrappers over services."""
from __future__ import annotations

from celery import shared_task
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=1800, time_limit=1900)
def build_export(job_id: int) -> None:
    """Build one export file; a rerun of a finished job does nothing, of a cut-short one rebuilds it."""
    try:
        services.export_job_run(job_id=job_id)
    except PermissionDenied:
        services.export_job_fail(job_id=job_id, reason=_("You no longer manage this unit."))
    except Exception as exc:  # recorded for the user to see, then re-raised for the logs
        services.export_job_fail(job_id=job_id, reason=repr(exc))
        raise
