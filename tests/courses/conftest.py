import shutil

import pytest
from django.conf import settings

from people.models import Role
from tests.factories import make_catalog, make_course, make_lesson, make_module, make_ready_video, make_staff


@pytest.fixture(autouse=True)
def clean_media():
    """Video files outlive the rolled-back rows: remove them, as the media tests expect."""
    yield
    for folder in (settings.MEDIA_ROOT, settings.MEDIA_WORK_DIR, settings.MEDIA_UPLOAD_DIR):
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def catalog(db):
    return make_catalog()


@pytest.fixture
def trainer(province):
    return make_staff(Role.TRAINER, province["justice"], username="giangvien.a")


@pytest.fixture
def other_trainer(province):
    return make_staff(Role.TRAINER, province["justice"], username="giangvien.b")


@pytest.fixture
def department_admin(province):
    return make_staff(Role.DEPARTMENT_ADMIN, province["justice"], username="sotuphap")


@pytest.fixture
def small_course(catalog):
    """A published course: two modules of two lessons each."""
    course = make_course(catalog, title="Chuyển đổi số trong công tác PBGDPL", slug="chuyen-doi-so")
    lessons = []
    for m in range(2):
        module = make_module(course, title=f"Học phần {m + 1}", slug=f"hoc-phan-{m + 1}")
        for n in range(2):
            lessons.append(make_lesson(module, title=f"Bài {m + 1}.{n + 1}", slug=f"bai-{m + 1}-{n + 1}"))
    return course, lessons



@pytest.fixture
def ready_video(db, clip_720p, tmp_path):
    return make_ready_video(clip_720p, tmp_path)
