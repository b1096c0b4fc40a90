"""The site's page tree root: the home page and the default Site (imports no app)."""
from __future__ import annotations

from wagtail.models import Locale, Page, Site

from .models import HomePage

HOME_TITLE = "Bồi dưỡng trực tuyến về phổ biến, giáo dục pháp luật"
HOME_INTRO = ("Nền tảng học trực tuyến dành cho cán bộ làm công tác phổ biến, giáo dục pháp luật, "
              "báo cáo viên, tuyên truyền viên pháp luật, hòa giải viên ở cơ sở, người dân và doanh nghiệp.")


def home_page_ensure() -> HomePage:
    """The home page under the tree root, and the default site pointing at it (idempotent).

    The data migration creates it; this puts it back where a database was emptied
    (tests that flush, a restored dump without pages).
    """
    home = HomePage.objects.first()
    if home is not None:
        return home
    root = Page.get_first_root_node() or Page.add_root(title="Root", locale=Locale.get_default())
    home = root.add_child(instance=HomePage(title=HOME_TITLE, intro=HOME_INTRO, slug="home",
                                            locale=Locale.get_default()))
    Site.objects.update_or_create(is_default_site=True, defaults={
        "hostname": "localhost", "root_page": home, "port": 80, "site_name": "PBGDPL"})
    return home
