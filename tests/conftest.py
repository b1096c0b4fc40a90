import os

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by
# fixtures around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from tests.factories import make_unit  # noqa: E402


@pytest.fixture(autouse=True)
def home_page_after_flush(request):
    """Transactional tests start from a flushed database: put the migrated home page back."""
    marker = request.node.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        request.getfixturevalue("transactional_db")
        from django.contrib.contenttypes.models import ContentType
        from wagtail.models import Collection, Locale

        from lms.pages import home_page_ensure

        ContentType.objects.clear_cache()  # the flush gave the content types new ids
        Locale.objects.get_or_create(language_code="vi")
        if not Collection.objects.exists():  # Wagtail's data migration made it; the flush took it
            Collection.add_root(name="Root")
        home_page_ensure()


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: ids are reused after a rollback, cached facts must not be."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(scope="session", autouse=True)
def remove_test_run_folder():
    """This run's database file and media folders go when the run ends."""
    yield
    import shutil

    from django.conf import settings

    shutil.rmtree(settings.TEST_DIR, ignore_errors=True)


@pytest.fixture
def province(db):
    """A province with two departments and two communes:

    province -> Sở Tư pháp, Sở GD&ĐT, Xã Tân An, Xã Đắk Ơ (Đắk Ơ has a hamlet below it).
    """
    root = make_unit("UBND tỉnh Lâm Sơn", "TINH")
    units = {
        "province": root,
        "justice": make_unit("Sở Tư pháp", "SO-TP", root),
        "education": make_unit("Sở Giáo dục và Đào tạo", "SO-GDDT", root),
        "tanan": make_unit("Xã Tân An", "XA-TANAN", root),
        "dako": make_unit("Xã Đắk Ơ", "XA-DAKO", root),
    }
    units["hamlet"] = make_unit("Thôn 3 Đắk Ơ", "THON-3", units["dako"])
    return units


@pytest.fixture(scope="session")
def clip_720p(tmp_path_factory):
    """A real 3-second 720p30 H.264/AAC lecture clip (generated once per run)."""
    from media_pipeline.testclips import make_clip

    return make_clip(tmp_path_factory.mktemp("clips") / "bai-giang.mp4", seconds=3, width=1280, height=720)
