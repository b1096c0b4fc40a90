"""A real Celery worker process: it transcodes through the broker (Redis in CI, the
filesystem transport otherwise), and a worker killed mid-transcode leads to a
clean, complete rerun, never a "ready" video with missing renditions."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection

from lms.celery import app
from media_pipeline import services
from media_pipeline.models import Video
from media_pipeline.tasks import process_video
from media_pipeline.testclips import make_clip

pytestmark = pytest.mark.django_db(transaction=True)


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker():
    """Start a worker on a queue of its own; yields (queue, process); killed at the end."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "lms.settings.test", "DATABASE_URL": database_url(),
           "CELERY_TASK_ALWAYS_EAGER": "false"}
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "lms", "worker", "-Q", queue, "--pool=solo", "-l", "warning",
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=settings.BASE_DIR, env=env, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    yield queue, process
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def send(video: Video, queue: str) -> None:
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        process_video.apply_async(args=[video.pk], queue=queue)
    finally:
        app.conf.task_always_eager = eager


def wait_for(condition, timeout: float = 180, what: str = "") -> None:
    """Poll the database while another process works (bounded)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def test_a_real_worker_transcodes_through_the_broker(worker, clip_720p, tmp_path):
    queue, process = worker
    source = tmp_path / "lecture.mp4"
    source.write_bytes(clip_720p.read_bytes())
    video = services.video_create_from_path(path=source, filename="lecture.mp4", title="Bài giảng",
                                            enqueue=False)
    assert video.status == Video.Status.UPLOADED  # nothing runs in this process: the worker does it all
    send(video, queue)
    wait_for(lambda: Video.objects.get(pk=video.pk).status in ("ready", "failed"), what="the worker")
    video.refresh_from_db()
    assert video.status == Video.Status.READY, (video.failure_code, video.failure_detail,
                                                process.stderr.read1().decode() if process.poll() else "")
    assert video.renditions.count() == 5


def test_worker_killed_mid_transcode_then_a_clean_complete_rerun(worker, tmp_path):
    queue, process = worker
    # a longer clip, so there is a transcode in progress to kill
    source = make_clip(tmp_path / "long.mp4", seconds=20, width=1280, height=720)
    video = services.video_create_from_path(path=source, filename="long.mp4", title="Dài", enqueue=False)
    send(video, queue)
    wait_for(lambda: Video.objects.get(pk=video.pk).progress_percent >= 5, what="transcoding to start")
    os.killpg(process.pid, signal.SIGKILL)  # the worker and its ffmpeg die at once
    process.wait(timeout=30)

    video.refresh_from_db()
    assert video.status == Video.Status.TRANSCODING  # never "ready" with missing renditions
    assert video.renditions.count() == 0 and not video.hls_key

    # the broker redelivers the unacknowledged task (acks_late); here we run it again directly
    process_video(video.pk)
    video.refresh_from_db()
    assert video.status == Video.Status.READY
    assert video.renditions.count() == 5
    runs, _files = default_storage.listdir(f"videos/hls/{video.pk}")
    assert [f"videos/hls/{video.pk}/{run}" for run in runs] == [video.hls_key]  # nothing half-written left
    # the rerun's scratch folder is gone; the killed run's waits for the hard time limit
    assert len(list(Path(settings.MEDIA_WORK_DIR).glob(f"video-{video.pk}-*"))) == 1
