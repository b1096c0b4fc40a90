"""Delete what is past its retention: audit events (AUDIT_RETENTION_DAYS), uploaded rosters and
generated export files (EXPORT_RETENTION_DAYS). Celery beat runs the same daily."""
from django.core.management.base import BaseCommand

from lms.retention import purge_expired_data


class Command(BaseCommand):
    help = "Delete audit events, uploaded rosters and export files older than their retention settings."

    def handle(self, *args, **options):
        counts = purge_expired_data()
        for label, count in counts.items():
            self.stdout.write(f"{label}: {count}")
