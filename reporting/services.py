"""Writes of the reporting app: export jobs (targets are edited in the Wagtail admin).

An export is asked for in a request and built by a Celery task: the request only
checks what the user may see and stores the job; the task builds the file under
the requester's scope as it is when it runs, writing its progress as it goes.
"""
from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import exports
from .definitions import definitions
from .models import ExportJob, Phase
from .periods import period_from_key
from .plan import PLAN_PHASES
from .selectors import dashboard, node_of, people, scope_for, unit_table

logger = logging.getLogger(__name__)

SUFFIX = {ExportJob.Kind.REPORT_XLSX: ".xlsx", ExportJob.Kind.REPORT_PDF: ".pdf",
          ExportJob.Kind.UNTRAINED_XLSX: ".xlsx"}


def plan_phases_ensure() -> int:
    """Add the plan's phases (part II.2) where no phase covers their dates; returns how many were added.
    The data migration does the same; the demo and tests call this after a database flush."""
    added = 0
    for phase in PLAN_PHASES:
        if not Phase.objects.filter(starts_on__lte=phase["ends_on"], ends_on__gte=phase["starts_on"]).exists():
            Phase.objects.create(**phase)
            added += 1
    return added


def export_job_create(*, user, kind: str, period_key: str, unit_code: str | None = None,
                      enqueue: bool = True) -> ExportJob:
    """Ask for an export of what ``user`` manages; the file is built by a Celery task.

    Raises ValidationError for an unknown kind or period, PermissionDenied for a unit the
    user does not manage.
    """
    if kind not in ExportJob.Kind.values:
        raise ValidationError(_("Unknown kind of export."), code="kind")
    if period_from_key(period_key) is None:
        raise ValidationError(_("This period does not exist. Choose one from the list."), code="period")
    scope = scope_for(user)
    if scope.is_empty:
        raise PermissionDenied(_("Reports are for department admins and unit managers."))
    unit = node_of(scope, unit_code)  # a manager of one subtree gets its top unit
    from .tasks import build_export

    with transaction.atomic():
        job = ExportJob.objects.create(kind=kind, requested_by=user, org_unit=unit, period=period_key)
        if enqueue:
            transaction.on_commit(lambda: build_export.delay(job.pk))
    return job


def _progress(job_id: int, **fields) -> None:
    ExportJob.objects.filter(pk=job_id).update(**fields)


def export_job_run(*, job_id: int) -> ExportJob:
    """Build the file of an export job; a finished job is left as it is, a job cut short is rebuilt."""
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().get(pk=job_id)
        if job.status == ExportJob.Status.DONE:
            return job
        job.status, job.processed, job.failure_reason = ExportJob.Status.RUNNING, 0, ""
        job.save(update_fields=["status", "processed", "failure_reason"])
    job = ExportJob.objects.select_related("requested_by", "org_unit").get(pk=job_id)
    period = period_from_key(job.period)
    if period is None:
        export_job_fail(job_id=job_id, reason=_("This period no longer exists."))
        return ExportJob.objects.get(pk=job_id)
    user, code = job.requested_by, job.org_unit.code if job.org_unit_id else None
    with translation.override(settings.LANGUAGE_CODE), tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "export" + SUFFIX[job.kind])
        stamp = exports.file_stamp(period, code or "")

        def progress(done: int) -> None:
            _progress(job_id, processed=done)

        if job.kind == ExportJob.Kind.UNTRAINED_XLSX:
            rows = people(user=user, period=period, unit_code=code, trained=False)
            _progress(job_id, total=rows.count())
            exports.write_people_xlsx(path, people=rows.iterator(chunk_size=exports.CHUNK), trained=False,
                                      title=_("Not yet trained"), progress=progress)
            name = f"chua-tap-huan-{stamp[len('bao-cao-'):]}.xlsx"
        else:
            board = dashboard(user=user, period=period, unit_code=code)
            units = unit_table(user=user, period=period, unit_code=code, now=board.now, with_satisfaction=True)
            scope_label = board.node.label
            if job.kind == ExportJob.Kind.REPORT_XLSX:
                trained = people(user=user, period=period, unit_code=code, trained=True, now=board.now)
                _progress(job_id, total=len(units) + trained.count())
                exports.write_report_xlsx(path, board=board, units=units,
                                          trained_people=trained.iterator(chunk_size=exports.CHUNK),
                                          scope_label=scope_label, definitions=definitions(), progress=progress)
            else:
                _progress(job_id, total=len(units))
                exports.write_report_pdf(path, board=board, units=units, scope_label=scope_label,
                                         definitions=definitions(), progress=progress)
            name = stamp + SUFFIX[job.kind]
        job = ExportJob.objects.get(pk=job_id)
        if job.file:
            job.file.delete(save=False)  # a rerun replaces what a killed run left
        with Path(path).open("rb") as handle:
            job.file.save(name, File(handle), save=False)
    job.status, job.finished_at = ExportJob.Status.DONE, timezone.now()
    job.processed = max(job.processed, job.total)
    job.save(update_fields=["file", "status", "finished_at", "processed"])
    return job


def export_job_fail(*, job_id: int, reason: str) -> None:
    _progress(job_id, status=ExportJob.Status.FAILED, failure_reason=reason[:2000], finished_at=timezone.now())
