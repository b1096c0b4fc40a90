"""Compile every .po file of the project into .mo with polib.

Django's compilemessages needs GNU gettext's msgfmt; this needs only pip,
so ``make run`` works on a machine with nothing but Python installed.
Catalogues live in ``locale/`` (project-wide strings) and in each app's own
``<app>/locale/`` (Django finds both).
"""
from pathlib import Path

import polib
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile the project's .po translation files to .mo (no gettext binaries needed)."

    def handle(self, *args, **options):
        count = 0
        project_apps = [Path(config.path) / "locale" for config in apps.get_app_configs()
                        if Path(config.path).is_relative_to(settings.BASE_DIR)
                        and ".venv" not in Path(config.path).parts]
        for locale_dir in [*settings.LOCALE_PATHS, *project_apps]:
            for po_path in Path(locale_dir).rglob("*.po"):
                po_file = polib.pofile(str(po_path))
                po_file.save_as_mofile(str(po_path.with_suffix(".mo")))
                count += 1
                self.stdout.write(f"{po_path}: {po_file.percent_translated()}% translated")
        self.stdout.write(self.style.SUCCESS(f"{count} catalogue(s) compiled."))
