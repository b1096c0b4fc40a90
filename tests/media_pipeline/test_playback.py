"""Signed playback URLs, captions in the master playlist, the watch page, the admin pages."""
import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse

from media_pipeline import selectors, services
from media_pipeline.models import Video
from people.models import Role
from tests.factories import make_staff, make_unit, make_user

pytestmark = pytest.mark.django_db

VTT = "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nXin chào các học viên\n".encode()
SRT = "1\n00:00:00,000 --> 00:00:02,000\nĐặng Văn Ước giới thiệu\n".encode()


@pytest.fixture
def ready_video(clip_copy):
    video = services.video_create_from_path(path=clip_copy, filename="a.mp4", title="Chuyển đổi số",
                                            enqueue=False)
    return services.video_process(video_id=video.pk)


def _token_for(client, video) -> str:
    """The token of ``video`` as a page loaded by ``client`` holds it (a private video's: bound to
    the client's session, which it logs in first)."""
    if "sessionid" not in client.cookies:
        client.force_login(make_user())
    request = RequestFactory().get("/")
    request.COOKIES = {name: morsel.value for name, morsel in client.cookies.items()}
    request.session = client.session
    return selectors.stream_token(video, request)


def test_signed_url_serves_the_run_and_nothing_else(client, ready_video):
    token = _token_for(client, ready_video)
    master = client.get(f"/video/{token}/master.m3u8")
    assert master.status_code == 200
    assert master["Content-Type"] == "application/vnd.apple.mpegurl"
    assert b"#EXT-X-STREAM-INF" in master.content
    segment = client.get(f"/video/{token}/v0/seg_00000.m4s")
    assert segment.status_code == 200 and segment["Content-Type"] == "video/iso.segment"
    for bad in ("../../../../etc/passwd", "v0/../../x", "nope.m3u8"):
        assert client.get(f"/video/{token}/{bad}").status_code == 404
    assert client.get("/video/not-a-token/master.m3u8").status_code == 404


def test_private_links_expire_public_ones_do_not(client, ready_video, settings):
    url = f"/video/{_token_for(client, ready_video)}/master.m3u8"
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=settings.MEDIA_PLAYBACK_MAX_AGE + 60)
    with time_machine.travel(later):
        assert client.get(url).status_code == 404
        Video.objects.filter(pk=ready_video.pk).update(is_public=True)
        ready_video.refresh_from_db()
        public = selectors.stream_url(ready_video)  # unbound: any browser, any time
        assert client.get(public).status_code == 200


def test_captions_appear_as_a_subtitle_group_and_srt_is_converted(client, ready_video):
    services.caption_add(video=ready_video, language="vi", label="Tiếng Việt", content=VTT, is_default=True)
    services.caption_add(video=ready_video, language="hmn", label="Tiếng Mông", content=SRT)
    token = _token_for(client, ready_video)
    master = client.get(f"/video/{token}/master.m3u8").content.decode()
    assert 'TYPE=SUBTITLES,GROUP-ID="subs",NAME="Tiếng Việt",LANGUAGE="vi",DEFAULT=YES' in master
    assert 'LANGUAGE="hmn"' in master and 'SUBTITLES="subs"' in master
    vtt = b"".join(client.get(f"/video/{token}/subs/hmn.vtt").streaming_content).decode()
    assert vtt.startswith("WEBVTT") and "00:00:00.000 --> 00:00:02.000" in vtt and "Đặng Văn Ước" in vtt


def test_a_non_caption_file_is_refused():
    with pytest.raises(ValidationError):
        services.caption_add(video=Video(), language="vi", label="x", content=b"\x89PNG binary")


def test_watch_page_public_for_public_videos_private_for_others(client, ready_video):
    url = reverse("media_pipeline:watch", args=[ready_video.pk])
    assert client.get(url).status_code == 403
    Video.objects.filter(pk=ready_video.pk).update(is_public=True)
    page = client.get(url).content.decode()
    assert "data-video-player" in page and "vendor/hls.min.js" in page and "Chất lượng" in page


def test_trainer_sees_only_own_videos_in_the_admin(client, ready_video, clip_copy):
    unit = make_unit("Sở Tư pháp", "SO-TP")
    trainer = make_staff(Role.TRAINER, unit)
    Video.objects.filter(pk=ready_video.pk).update(owner=make_user())
    client.force_login(trainer)
    assert client.get(reverse("media_pipeline_admin_index")).status_code == 200
    assert "Chuyển đổi số" not in client.get(reverse("media_pipeline_admin_index")).content.decode()
    assert client.get(reverse("media_pipeline_admin_detail", args=[ready_video.pk])).status_code == 404
    Video.objects.filter(pk=ready_video.pk).update(owner=trainer)
    page = client.get(reverse("media_pipeline_admin_detail", args=[ready_video.pk])).content.decode()
    assert "Các phiên bản" in page and "720p" in page and "avc1.64" in page


def test_admin_caption_upload_and_delete(client, ready_video, django_capture_on_commit_callbacks):
    trainer = make_staff(Role.TRAINER, make_unit("Sở Tư pháp", "SO-TP"))
    Video.objects.filter(pk=ready_video.pk).update(owner=trainer)
    client.force_login(trainer)
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.post(reverse("media_pipeline_admin_caption", args=[ready_video.pk]), {
        "caption-language": "vi", "caption-label": "Tiếng Việt",
        "caption-file": SimpleUploadedFile("phu-de.vtt", VTT), "caption-is_default": "on"})
    assert ready_video.captions.get().label == "Tiếng Việt"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("media_pipeline_admin_delete", args=[ready_video.pk]))
    assert response.status_code == 302 and Video.objects.count() == 0


def test_learner_cannot_open_video_admin(client, db):
    client.force_login(make_user())
    assert client.get(reverse("media_pipeline_admin_index")).status_code in (302, 403)


def test_chooser_lists_ready_videos_for_streamfield_blocks(client, ready_video, clip_720p, tmp_path):
    from media_pipeline.wagtail_hooks import video_chooser_viewset

    pending_source = tmp_path / "p.mp4"
    pending_source.write_bytes(clip_720p.read_bytes())
    services.video_create_from_path(path=pending_source, filename="p.mp4", title="Chưa xong", enqueue=False)
    trainer = make_staff(Role.TRAINER, make_unit("Sở Tư pháp", "SO-TP"))
    client.force_login(trainer)
    response = client.get(reverse(video_chooser_viewset.get_url_name("choose")))
    assert response.status_code == 200
    html = response.json()["html"]
    assert "Chuyển đổi số" in html and "Chưa xong" not in html
    block = video_chooser_viewset.get_block_class(name="VideoChooserBlock", module_path="media_pipeline.blocks")
    assert block().to_python(ready_video.pk) == ready_video


def test_upload_page_offers_resumable_upload(client, db):
    trainer = make_staff(Role.TRAINER, make_unit("Sở Tư pháp", "SO-TP"))
    client.force_login(trainer)
    page = client.get(reverse("media_pipeline_admin_upload")).content.decode()
    assert 'data-tus-upload' in page and "vendor/tus.min.js" in page and "Tải lên video" in page
