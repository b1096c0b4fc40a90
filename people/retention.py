"""Uploaded roster files are kept EXPORT_RETENTION_DAYS (lms.retention), then deleted.

The import's row stays (who uploaded what, when, how many people it created), without the file
and without the row-level errors, which quote the file's cells.
"""
from __future__ import annotations

import datetime as dt

from django.dispatch import receiver

from lms.retention import purge_expired

from .models import RosterImport

FINISHED = (RosterImport.Status.DONE, RosterImport.Status.REJECTED, RosterImport.Status.FAILED)


def roster_files_purge(*, before: dt.datetime) -> int:
    """Delete the files of finished roster imports uploaded before ``before``; the number deleted."""
    count = 0
    expired = RosterImport.objects.filter(created_at__lt=before, status__in=FINISHED).exclude(file="")
    for job in expired.iterator():
        job.file.delete(save=False)
        RosterImport.objects.filter(pk=job.pk).update(file="", errors=[])
        count += 1
    return count


@receiver(purge_expired, dispatch_uid="people_purge_roster_files")
def _purge_roster_files(sender, before, **kwargs):
    return {"roster_files": roster_files_purge(before=before)}
