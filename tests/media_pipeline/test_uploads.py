"""Resumable uploads under load (issue 13, findings 6 and 15).

* A slow PATCH holds no database transaction while its body streams: on SQLite one used to hold
  the write lock for the whole upload, and a parallel login waited 31 s, then failed.
* The quota counts open upload sessions (their declared Upload-Length), not only finished videos:
  thirteen 8 GB sessions were accepted against a 100 GB quota.
"""
import base64
import threading
import time

import pytest
from django.test import Client
from django.urls import reverse

from media_pipeline.models import Upload, Video
from people.models import Role
from tests.bursts import burst
from tests.factories import make_staff, make_unit, make_user

MB, GB = 1024 ** 2, 1024 ** 3


def tus_create(client, length: int, filename="bài giảng.mp4"):
    metadata = f"filename {base64.b64encode(filename.encode()).decode()}"
    return client.post("/media-upload/tus/", HTTP_TUS_RESUMABLE="1.0.0", HTTP_UPLOAD_LENGTH=str(length),
                       HTTP_UPLOAD_METADATA=metadata)


def tus_patch(client, location: str, offset: int, data: bytes, **extra):
    return client.generic("PATCH", location, data, content_type="application/offset+octet-stream",
                          HTTP_TUS_RESUMABLE="1.0.0", HTTP_UPLOAD_OFFSET=str(offset), **extra)


class StallingBody:
    """A request body from a slow client: ``first`` bytes arrive, then nothing until released."""

    def __init__(self, data: bytes, first: int):
        self.data, self.first, self.position = data, first, 0
        self.stalled, self.released = threading.Event(), threading.Event()

    def read(self, size: int = -1) -> bytes:
        if self.position >= self.first and not self.released.is_set():
            self.stalled.set()
            self.released.wait(timeout=8)
        end = len(self.data) if size is None or size < 0 else min(len(self.data), self.position + size)
        if self.position < self.first:
            end = min(end, self.first)
        chunk, self.position = self.data[self.position:end], end
        return chunk

    readline = read  # WSGI asks for it; a tus body has no lines


@pytest.fixture
def trainer(client, db):
    user = make_staff(Role.TRAINER, make_unit("Sở Tư pháp", "SO-TP"))
    client.force_login(user)
    return user


@pytest.mark.django_db(transaction=True)
def test_a_login_completes_at_once_while_an_upload_streams_slowly(client, trainer):
    # given an upload whose client sends 1 MB, then stalls
    make_user("huong", password="Pass-word-123")
    location = tus_create(client, 4 * MB)["Location"]
    data = b"\0" * (2 * MB)
    body = StallingBody(data, first=MB)
    patched = []
    uploading = threading.Thread(target=lambda: patched.append(
        tus_patch(client, location, 0, data, **{"wsgi.input": body})))
    uploading.start()
    try:
        assert body.stalled.wait(timeout=10)

        # when somebody logs in meanwhile (a request that writes to the database)
        started = time.monotonic()
        login = Client().post(reverse("login"), {"username": "huong", "password": "Pass-word-123"})
        elapsed = time.monotonic() - started
    finally:
        body.released.set()
        uploading.join()

    # then the login did not wait for the upload, and the upload went on where it was
    assert login.status_code == 302
    assert elapsed < 3, f"the login waited {elapsed:.1f} s for the streaming upload"
    assert patched[0].status_code == 204 and patched[0]["Upload-Offset"] == str(2 * MB)
    assert Upload.objects.get().offset == 2 * MB


@pytest.mark.django_db
def test_open_upload_sessions_count_toward_the_quota(client, trainer, settings):
    # given a 20 GB quota and files of up to 8 GB
    settings.MEDIA_USER_QUOTA_GB, settings.MEDIA_MAX_UPLOAD_GB = 20, 8

    # when the trainer opens 8 GB sessions without finishing them
    first, second, third = (tus_create(client, 8 * GB) for _ in range(3))

    # then the third is refused: 24 GB declared is over the quota, with a Vietnamese message
    assert (first.status_code, second.status_code) == (201, 201)
    assert third.status_code == 413 and third.json()["code"] == "quota"
    assert "20 GB" in third.json()["error"]
    assert Upload.objects.count() == 2
    # a session given up (tus termination) frees its share
    assert client.delete(first["Location"], HTTP_TUS_RESUMABLE="1.0.0").status_code == 204
    assert tus_create(client, 8 * GB).status_code == 201


@pytest.mark.django_db(transaction=True)
def test_parallel_sessions_cannot_together_pass_the_quota(client, trainer, settings):
    # given the default 100 GB quota and 8 GB files: twelve fit, the thirteenth does not
    settings.MEDIA_USER_QUOTA_GB, settings.MEDIA_MAX_UPLOAD_GB = 100, 8

    responses = burst(13, lambda: tus_create(client, 8 * GB))

    assert sorted(response.status_code for response in responses) == [201] * 12 + [413]
    assert Upload.objects.count() == 12


@pytest.mark.django_db
def test_finishing_an_upload_does_not_count_its_own_session_twice(client, trainer, settings, clip_720p):
    # given a 1 GB quota, another open session and this upload filling it exactly
    settings.MEDIA_USER_QUOTA_GB = 1
    data = clip_720p.read_bytes()
    assert tus_create(client, GB - len(data)).status_code == 201
    location = tus_create(client, len(data))["Location"]

    # when the last byte arrives
    done = tus_patch(client, location, 0, data)

    # then the video is stored: its own reservation was not counted on top of its size
    assert done.status_code == 204, done.content
    assert Video.objects.get(pk=done["Video-Id"]).size_bytes == len(data)
