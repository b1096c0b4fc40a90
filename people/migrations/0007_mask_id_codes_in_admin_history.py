"""Wagtail's history (ModelLogEntry.label) copied ``str(profile)`` when a row was logged, and profiles
read "Name (ID code)" until identifiers were encrypted; role assignments named usernames that were
ID codes. Those labels are shown in object and site history: mask every ID-code-shaped run of digits
in the history of people's models (``0791******71``)."""
import re

from django.db import migrations

from lms.text import mask_identifier

DIGITS = re.compile(r"\d{9,}")


def mask(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ModelLogEntry = apps.get_model("wagtailcore", "ModelLogEntry")
    types = ContentType.objects.filter(app_label="people")
    for entry in ModelLogEntry.objects.filter(content_type__in=types).only("pk", "label").iterator(chunk_size=1000):
        masked = DIGITS.sub(lambda match: mask_identifier(match.group(0)), entry.label)
        if masked != entry.label:
            ModelLogEntry.objects.filter(pk=entry.pk).update(label=masked)


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0006_usernames_are_not_id_codes"),
        ("wagtailcore", "0098_apitoken"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(mask, migrations.RunPython.noop)]
