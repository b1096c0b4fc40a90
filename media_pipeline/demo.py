"""Demo content for the media pipeline: a short generated lecture, transcoded through
the real pipeline, with Vietnamese and English captions. Idempotent."""
from __future__ import annotations

import tempfile
from pathlib import Path

from . import services
from .models import Video
from .testclips import make_clip

DEMO_TITLE = "Bài giảng mẫu: Chuyển đổi số trong công tác phổ biến, giáo dục pháp luật"
CAPTIONS = {
    "vi": ("Tiếng Việt", "WEBVTT\n\n00:00:00.000 --> 00:00:04.000\nXin chào các học viên.\n\n"
                         "00:00:04.000 --> 00:00:08.000\nBài học hôm nay: chuyển đổi số trong PBGDPL.\n"),
    "en": ("English", "WEBVTT\n\n00:00:00.000 --> 00:00:04.000\nHello, learners.\n\n"
                      "00:00:04.000 --> 00:00:08.000\nToday: digital transformation in legal education.\n"),
}


def seed_media(owner=None) -> Video:
    """The demo lecture (10 s, 720p), ready to play; created and transcoded once."""
    video = Video.objects.filter(title=DEMO_TITLE).first()
    if video is None:
        with tempfile.TemporaryDirectory() as folder:
            clip = make_clip(Path(folder) / "bai-giang-mau.mp4", seconds=10, width=1280, height=720)
            video = services.video_create_from_path(path=clip, filename="bai-giang-mau.mp4", title=DEMO_TITLE,
                                                    owner=owner, is_public=True, enqueue=False)
    if video.status != Video.Status.READY:
        Video.objects.filter(pk=video.pk, status=Video.Status.FAILED).update(status=Video.Status.UPLOADED)
        video = services.video_process(video_id=video.pk)
    for language, (label, text) in CAPTIONS.items():
        if not video.captions.filter(language=language).exists():
            services.caption_add(video=video, language=language, label=label, content=text.encode(),
                                 is_default=language == "vi")
    return video
