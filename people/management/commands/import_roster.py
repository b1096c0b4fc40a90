"""Import a roster file (XLSX or CSV) from the command line.

Runs in the foreground and prints every bad row; with a file that has errors,
nothing is imported and the command exits with status 1.
"""
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from people.models import RosterImport
from people.roster import column_label, describe_error
from people.services import roster_import_create, roster_import_run


class Command(BaseCommand):
    help = "Validate and import a roster file (.xlsx or .csv); nothing is imported if any row is bad."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--as-user", dest="username",
                            help="Check org scope as this user (default: the whole province).")

    def handle(self, *args, path: Path, username=None, **options):
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        user = None
        if username:
            user = get_user_model().objects.filter(username=username).first()
            if user is None:
                raise CommandError(_("No such user: %(name)s") % {"name": username})
        with path.open("rb") as handle:
            try:
                job = roster_import_create(uploaded_file=File(handle, name=path.name), user=user, enqueue=False)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None
        job = roster_import_run(import_id=job.pk)
        if job.status != RosterImport.Status.DONE:
            for error in job.errors:
                self.stderr.write(f"{_('Row')} {error['row']}, {column_label(error['column'])}: {describe_error(error)}")
            raise CommandError(_("%(count)s errors: nothing was imported.") % {"count": len(job.errors)})
        self.stdout.write(self.style.SUCCESS(
            _("%(total)s rows: %(created)s new people, %(updated)s updated.") % {
                "total": job.total_rows, "created": job.created_count, "updated": job.updated_count}))
