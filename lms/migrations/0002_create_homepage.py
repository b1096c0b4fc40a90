"""Replace Wagtail's welcome page with our home page and point the default site at it."""
from django.db import migrations


def create_homepage(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    HomePage = apps.get_model("lms.HomePage")
    Locale = apps.get_model("wagtailcore.Locale")

    Page.objects.filter(slug="home", depth=2, content_type__app_label="wagtailcore").delete()
    if HomePage.objects.exists():
        return
    locale, _ = Locale.objects.get_or_create(language_code="vi")
    content_type, _ = ContentType.objects.get_or_create(model="homepage", app_label="lms")
    home = HomePage.objects.create(
        title="Bồi dưỡng trực tuyến về phổ biến, giáo dục pháp luật",
        draft_title="Bồi dưỡng trực tuyến về phổ biến, giáo dục pháp luật",
        intro=("Nền tảng học trực tuyến dành cho cán bộ làm công tác phổ biến, giáo dục pháp luật, "
               "báo cáo viên, tuyên truyền viên pháp luật, hòa giải viên ở cơ sở, người dân và doanh nghiệp."),
        slug="home", locale=locale, content_type=content_type, path="00010001", depth=2, numchild=0, url_path="/home/",
    )
    Site.objects.update_or_create(is_default_site=True, defaults={
        "hostname": "localhost", "root_page": home, "port": 80, "site_name": "PBGDPL"})


def remove_homepage(apps, schema_editor):
    apps.get_model("lms.HomePage").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("lms", "0001_initial"),
    ]
    operations = [migrations.RunPython(create_homepage, remove_homepage)]
