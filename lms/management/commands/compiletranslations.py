"""Compile every .po file of the project into .mo with polib.

Django's compilemessages needs GNU gettext's msgfmt; this needs only pip,
so ``make run`` works on a machine with nothing but Python installed.
"""
from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile the project's .po translation files to .mo (no gettext binaries needed)."

    def handle(self, *args, **options):
        count = 0
        for locale_dir in settings.LOCALE_PATHS:
            for po_path in Path(locale_dir).rglob("*.po"):
                po_file = polib.pofile(str(po_path))
                po_file.save_as_mofile(str(po_path.with_suffix(".mo")))
                count += 1
                self.stdout.write(f"{po_path}: {po_file.percent_translated()}% translated")
        self.stdout.write(self.style.SUCCESS(f"{count} catalogue(s) compiled."))
