"""The player in real Chromium plays a transcoded video from our own hls.js."""
import pytest

from media_pipeline import services
from media_pipeline.models import Video

from .conftest import wait_for_js

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

VTT = "WEBVTT\n\n00:00:00.000 --> 00:00:03.000\nXin chào các học viên\n".encode()


def test_player_plays_with_quality_speed_and_captions(page, clip_720p, tmp_path):
    source = tmp_path / "lecture.mp4"
    source.write_bytes(clip_720p.read_bytes())
    video = services.video_create_from_path(path=source, filename="lecture.mp4", title="Chuyển đổi số",
                                            is_public=True, enqueue=False)
    video = services.video_process(video_id=video.pk)
    services.caption_add(video=video, language="vi", label="Tiếng Việt", content=VTT, is_default=True)
    assert Video.objects.get(pk=video.pk).is_ready

    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"/video/{video.pk}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Chuyển đổi số"
    # the quality menu fills from the master playlist
    quality = page.get_by_label("Chất lượng")
    wait_for_js(page, "document.querySelectorAll('[data-quality] option').length >= 5")
    assert quality.locator("option").all_inner_texts() == ["Tự động", "720p", "480p", "360p", "240p"]
    assert page.get_by_label("Phụ đề").locator("option").all_inner_texts() == ["Tắt", "Tiếng Việt"]
    # it plays: currentTime advances
    page.evaluate("() => { const v = document.querySelector('video'); v.muted = true; return v.play(); }")
    wait_for_js(page, "document.querySelector('video').currentTime > 1.0", timeout=20000)
    assert page.evaluate("document.querySelector('video').textTracks.length") == 1
    # speed menu
    page.get_by_label("Tốc độ").select_option("1.5")
    assert page.evaluate("document.querySelector('video').playbackRate") == 1.5
    # everything came from this site: no CDN
    network = [url for url in requests if url.startswith(("http:", "https:"))]
    assert network and all(url.startswith(page.url.split("/video/")[0]) for url in network)
    assert any(url.endswith("/static/vendor/hls.min.js") for url in requests)
    assert any(".m4s" in url for url in requests)
