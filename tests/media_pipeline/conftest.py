import shutil
from pathlib import Path

import pytest
from django.conf import settings



@pytest.fixture
def clip_copy(clip_720p, tmp_path) -> Path:
    target = tmp_path / "bài giảng.mp4"
    shutil.copy(clip_720p, target)
    return target


@pytest.fixture(autouse=True)
def clean_media():
    yield
    for folder in (settings.MEDIA_ROOT, settings.MEDIA_WORK_DIR, settings.MEDIA_UPLOAD_DIR):
        shutil.rmtree(folder, ignore_errors=True)
