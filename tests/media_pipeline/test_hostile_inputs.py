"""Hostile or broken uploads end in a clear, translated error and nothing half-written."""
import base64

from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from media_pipeline import services
from media_pipeline.models import Upload, Video
from media_pipeline.probe import MediaError
from people.models import Role
from tests.factories import make_staff, make_unit

pytestmark = pytest.mark.django_db


def stored_files() -> set[Path]:
    root = Path(settings.MEDIA_ROOT)
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


@pytest.fixture
def files_before():
    # other tests in the same run may have left their own files (certificates, ...)
    return stored_files()


def create(path: Path, name: str):
    return services.video_create_from_path(path=path, filename=name, title=name)


@pytest.mark.parametrize("name, content, code", [
    ("bai-giang.mp4", b"<!DOCTYPE html><html><body>not a video</body></html>", "not_video"),
    ("bai-giang.mp4", b"#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n",
     "not_video"),
    ("bai-giang.mp4", b"", "empty"),
])
def test_refused_before_anything_is_stored(tmp_path, files_before, name, content, code):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(MediaError) as error:
        create(path, name)
    assert error.value.code == code
    assert Video.objects.count() == 0 and stored_files() == files_before


def test_truncated_mp4_is_refused_as_damaged(clip_720p, tmp_path, files_before):
    data = clip_720p.read_bytes()
    path = tmp_path / "cut.mp4"
    path.write_bytes(data[: len(data) // 2])  # the index (moov) is at the end: the upload was cut off
    with pytest.raises(MediaError) as error:
        create(path, "cut.mp4")
    assert error.value.code == "corrupt"
    with translation.override("vi"):
        assert error.value.message.startswith("Tệp bị hỏng hoặc không đầy đủ")
    assert Video.objects.count() == 0 and stored_files() == files_before


def test_a_playlist_disguised_as_mkv_cannot_read_local_files(tmp_path):
    # an HLS playlist pointing at /etc/passwd, with a Matroska magic number glued on front
    path = tmp_path / "evil.mkv"
    path.write_bytes(b"\x1a\x45\xdf\xa3" + b"#EXTM3U\n#EXTINF:1,\nfile:///etc/passwd\n")
    with pytest.raises(MediaError) as error:
        create(path, "evil.mkv")
    assert error.value.code in ("corrupt", "unsupported_container")
    assert Video.objects.count() == 0


def test_oversize_and_quota(settings, clip_copy):
    settings.MEDIA_MAX_UPLOAD_GB = 0
    with pytest.raises(MediaError) as error:
        create(clip_copy, "a.mp4")
    assert error.value.code == "too_large"


# --- the resumable (tus) upload endpoint -----------------------------------------

def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@pytest.fixture
def trainer(client, db):
    user = make_staff(Role.TRAINER, make_unit("Sở Tư pháp", "SO-TP"))
    client.force_login(user)
    return user


def tus_create(client, length: int, filename="bài giảng.mp4", title="Chuyển đổi số"):
    return client.post("/media-upload/tus/", HTTP_TUS_RESUMABLE="1.0.0", HTTP_UPLOAD_LENGTH=str(length),
                       HTTP_UPLOAD_METADATA=f"filename {b64(filename)},title {b64(title)}")


def tus_patch(client, location: str, offset: int, data: bytes):
    return client.generic("PATCH", location, data, content_type="application/offset+octet-stream",
                          HTTP_TUS_RESUMABLE="1.0.0", HTTP_UPLOAD_OFFSET=str(offset))


def test_resumable_upload_survives_a_dropped_connection(client, trainer, clip_720p,
                                                        django_capture_on_commit_callbacks):
    data = clip_720p.read_bytes()
    created = tus_create(client, len(data))
    assert created.status_code == 201
    location = created["Location"]
    # the first part arrives, then the connection drops
    assert tus_patch(client, location, 0, data[:100_000]).status_code == 204
    # the client asks where to resume
    head = client.head(location, HTTP_TUS_RESUMABLE="1.0.0")
    assert head["Upload-Offset"] == "100000"
    # a retry at a wrong offset is refused without damage
    assert tus_patch(client, location, 50_000, data[50_000:]).status_code == 409
    with django_capture_on_commit_callbacks(execute=True):
        done = tus_patch(client, location, 100_000, data[100_000:])
    assert done.status_code == 204
    video = Video.objects.get(pk=done["Video-Id"])
    assert video.title == "Chuyển đổi số" and video.owner == trainer
    assert video.original.name.endswith("bài_giảng.mp4")  # diacritics kept
    assert Path(video.original.path).read_bytes() == data
    video.refresh_from_db()
    assert video.status == Video.Status.READY
    assert not any(Path(settings.MEDIA_UPLOAD_DIR).glob("*.part"))  # moved, not copied


def test_tus_refuses_oversize_with_a_vietnamese_message(client, trainer, settings):
    settings.MEDIA_MAX_UPLOAD_GB = 1
    response = tus_create(client, 2 * 1024 ** 3)
    assert response.status_code == 413
    assert response.json()["error"] == "Tệp lớn hơn giới hạn 1 GB."
    assert Upload.objects.count() == 0


def test_tus_refuses_a_fake_video_when_the_last_byte_arrives(client, trainer):
    data = b"<html>" + b"x" * 5000
    location = tus_create(client, len(data), filename="fake.mp4")["Location"]
    response = tus_patch(client, location, 0, data)
    assert response.status_code == 422
    assert response.json()["code"] == "not_video"
    assert Video.objects.count() == 0 and Upload.objects.count() == 0
    assert not any(Path(settings.MEDIA_UPLOAD_DIR).glob("*"))


def test_learner_cannot_upload(client, db):
    from tests.factories import make_user

    client.force_login(make_user())
    assert tus_create(client, 1000).status_code == 403


def test_quota_counts_what_the_user_already_has(client, trainer, settings, clip_copy):
    video = services.video_create_from_path(path=clip_copy, filename="a.mp4", title="a", owner=trainer)
    Video.objects.filter(pk=video.pk).update(size_bytes=3 * 1024 ** 3)
    settings.MEDIA_USER_QUOTA_GB = 3
    response = tus_create(client, 10 * 1024 ** 2)
    assert response.status_code == 413 and response.json()["code"] == "quota"




def test_scratch_cleanup_removes_only_old_leftovers(client, trainer, settings):
    import os
    import time

    from media_pipeline.tasks import clean_scratch

    old = Path(settings.MEDIA_WORK_DIR) / "video-1-dead"
    old.mkdir(parents=True)
    os.utime(old, (time.time() - 3 * 86400, time.time() - 3 * 86400))
    fresh = Path(settings.MEDIA_WORK_DIR) / "video-2-running"
    fresh.mkdir()
    location = tus_create(client, 1000)["Location"]
    Upload.objects.update(created_at="2020-01-01T00:00:00Z")
    clean_scratch()
    assert not old.exists() and fresh.exists()
    assert Upload.objects.count() == 0 and client.head(location).status_code == 404
