"""The plan's targets (Kế hoạch thực hiện Đề án 766/QĐ-TTg trên địa bàn tỉnh, part II.2), as data.

Phase 1 (2025-2027): at least 70 % of the officials, armed-forces officers, legal reporters and
legal propagandists trained in digital-transformation skills, at least 60 % of the training
activities held online. Phase 2 (2028-2030): 85 %, 75 %, and 70 % satisfaction. The department
admin edits them in the Wagtail admin; this migration only adds phases that are missing.
"""
from django.db import migrations

from reporting.plan import PLAN_PHASES as PHASES


def seed(apps, schema_editor):
    Phase = apps.get_model("reporting", "Phase")
    for phase in PHASES:
        if not Phase.objects.filter(starts_on__lte=phase["ends_on"], ends_on__gte=phase["starts_on"]).exists():
            Phase.objects.create(**phase)


def unseed(apps, schema_editor):
    Phase = apps.get_model("reporting", "Phase")
    Phase.objects.filter(name__in=[p["name"] for p in PHASES]).delete()


class Migration(migrations.Migration):
    dependencies = [("reporting", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
