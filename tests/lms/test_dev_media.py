"""`make run` (DEBUG) serves the public media folders only: a roster, a report export, a lecture original
or a certificate PDF in MEDIA_ROOT is not readable by its path, as nginx keeps them internal in production."""
import importlib

import pytest
from django.urls import clear_url_caches

pytestmark = pytest.mark.django_db


@pytest.fixture
def debug_urls(settings, tmp_path):
    import lms.urls

    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path
    importlib.reload(lms.urls)
    clear_url_caches()
    yield tmp_path
    settings.DEBUG = False
    importlib.reload(lms.urls)
    clear_url_caches()


def write(root, name: str) -> str:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"secret" if not name.startswith(("images", "original_images")) else b"\xff\xd8 image")
    return f"/media/{name}"


def test_only_images_are_served_by_path(client, debug_urls):
    assert client.get(write(debug_urls, "original_images/anh-lop-hoc.jpg")).status_code == 200
    assert client.get(write(debug_urls, "images/anh-lop-hoc.width-400.jpg")).status_code == 200
    for private in ("rosters/2026/11/danh-sach.xlsx", "reports/1/bao-cao.xlsx", "videos/3/original/bai-giang.mp4",
                    "certificates/2026/STP-2026-000001-abc.pdf", "documents/tai-lieu.pdf", "images/../rosters/x.xlsx"):
        response = client.get(write(debug_urls, private) if ".." not in private else f"/media/{private}")
        assert response.status_code == 404, private
