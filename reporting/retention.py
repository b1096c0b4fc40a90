"""Generated exports (the yearly report, lists of people) are kept EXPORT_RETENTION_DAYS
(lms.retention), then deleted with their job: the audit trail keeps who downloaded them."""
from __future__ import annotations

import datetime as dt

from django.dispatch import receiver

from lms.retention import purge_expired

from .models import ExportJob

FINISHED = (ExportJob.Status.DONE, ExportJob.Status.FAILED)


def export_files_purge(*, before: dt.datetime) -> int:
    """Delete finished export jobs requested before ``before``, and their files; the number of files."""
    count = 0
    for job in ExportJob.objects.filter(created_at__lt=before, status__in=FINISHED).iterator():
        if job.file:
            job.file.delete(save=False)
            count += 1
        job.delete()
    return count


@receiver(purge_expired, dispatch_uid="reporting_purge_export_files")
def _purge_export_files(sender, before, **kwargs):
    return {"export_files": export_files_purge(before=before)}
