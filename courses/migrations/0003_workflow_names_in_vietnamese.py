"""The course approval workflow and its task were created with an English name, which Wagtail shows as it
is ("Thực hiện Department approval" on the submit button): sites set up before now get the Vietnamese name."""
from django.db import migrations

OLD, NEW = "Department approval", "Sở Tư pháp duyệt"


def rename(apps, schema_editor, old=OLD, new=NEW):
    apps.get_model("wagtailcore", "Workflow").objects.filter(name=old).update(name=new)
    apps.get_model("wagtailcore", "Task").objects.filter(name=old).update(name=new)


def rename_back(apps, schema_editor):
    rename(apps, schema_editor, old=NEW, new=OLD)


class Migration(migrations.Migration):

    dependencies = [
        ("courses", "0002_coursepage_enrolment_policy"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(rename, rename_back)]
