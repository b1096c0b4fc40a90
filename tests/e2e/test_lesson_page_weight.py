"""A lesson page is light on a slow connection: at most 200 KB cross the network before the
video starts, counted from Chromium's own network events (bytes as received, headers included)
with the browser cache off. The player shows the poster and a real play button; hls.js and the
stream come only when the learner presses play, and then the lecture plays."""
import re

import pytest

from enrollment.services import enroll
from tests.factories import make_catalog, make_course, make_lesson, make_module, make_ready_video, make_user

from .conftest import log_in, serious_accessibility_violations, wait_for_js

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BUDGET_BYTES = 200_000
PASSWORD = "Hoc-tap-2026!"


@pytest.fixture(autouse=True)
def clean_media():
    """Video files outlive the flushed rows: remove them, as the media tests expect."""
    import shutil

    from django.conf import settings

    yield
    for folder in (settings.MEDIA_ROOT, settings.MEDIA_WORK_DIR, settings.MEDIA_UPLOAD_DIR):
        shutil.rmtree(folder, ignore_errors=True)


class NetworkLog:
    """Every response of the page as Chromium's DevTools protocol reports it (encoded bytes)."""

    def __init__(self, page):
        self.urls: dict[str, str] = {}
        self.bytes: dict[str, int] = {}
        session = page.context.new_cdp_session(page)
        session.send("Network.enable")
        session.send("Network.setCacheDisabled", {"cacheDisabled": True})
        session.on("Network.requestWillBeSent", self._request)
        session.on("Network.loadingFinished", self._finished)
        session.on("Network.loadingFailed", self._failed)

    def _request(self, event):
        self.urls[event["requestId"]] = event["request"]["url"]

    def _finished(self, event):
        self.bytes[event["requestId"]] = int(event["encodedDataLength"])

    def _failed(self, event):
        self.bytes.setdefault(event["requestId"], 0)

    def total(self) -> int:
        return sum(self.bytes.values())

    def requested(self, pattern: str) -> list[str]:
        return [url for url in self.urls.values() if re.search(pattern, url)]

    def breakdown(self) -> str:
        rows = sorted(((size, self.urls.get(rid, "?")) for rid, size in self.bytes.items()), reverse=True)
        return "\n".join(f"{size:>9} {url}" for size, url in rows)


def test_lesson_page_transfers_at_most_200_kb_before_the_video_starts(page, clip_720p, tmp_path):
    # given an enrolled learner and a lesson with a transcoded lecture, text and a next lesson
    video = make_ready_video(clip_720p, tmp_path, title="Bài giảng: vì sao phải chuyển đổi số")
    course = make_course(make_catalog(), title="Chuyển đổi số trong công tác PBGDPL", slug="chuyen-doi-so")
    module = make_module(course, title="Tổng quan", slug="tong-quan")
    lesson = make_lesson(module, title="Vì sao phải chuyển đổi số?", slug="vi-sao", body=[
        ("video", video), ("text", "<p>Chuyển đổi số giúp pháp luật đến với người dân nhanh hơn.</p>" * 20)])
    make_lesson(module, title="Các nền tảng số", slug="nen-tang-so")
    learner = make_user("hocvien.nhe", password=PASSWORD)
    enroll(user=learner, course=course)
    log_in(page, "hocvien.nhe", PASSWORD)

    # when the learner opens the lesson (cold cache) and everything the page does by itself is done
    network = NetworkLog(page)
    with page.expect_response(re.compile(r"/api/v1/enrollment/visit/")):  # the page's own work, counted too
        page.goto(lesson.url)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1500)
    before_play = network.total()

    # then it stayed under the budget, with no player library and no stream yet
    assert before_play <= BUDGET_BYTES, f"{before_play} bytes before play:\n{network.breakdown()}"
    assert network.requested(r"/vi-sao/$"), network.breakdown()
    assert network.requested(r"poster\.jpg"), "the poster is shown before play"
    assert not network.requested(r"hls\.min\.js|\.m3u8|\.m4s"), network.breakdown()
    print(f"\nlesson page before play: {before_play} bytes\n{network.breakdown()}")
    # the menus are there before the player loads
    assert page.get_by_label("Chất lượng").locator("option").all_inner_texts() == [
        "Tự động", "720p", "480p", "360p", "240p"]
    assert page.get_by_label("Phụ đề").locator("option").all_inner_texts() == ["Tắt", "Tiếng Việt"]
    assert serious_accessibility_violations(page) == []

    # when the learner presses the play button on the poster
    play = page.get_by_role("button", name="Phát video: Bài giảng: vì sao phải chuyển đổi số")
    assert play.is_visible()
    page.evaluate("document.querySelector('video').muted = true")  # no sound card on the test machine
    play.click()

    # then the library and the stream arrive and the lecture plays, with the native controls
    wait_for_js(page, "document.querySelector('video').currentTime > 1.0", timeout=20000)
    assert network.requested(r"/static/vendor/hls\.min\.js$")
    assert network.requested(r"\.m4s")
    assert not play.is_visible()
    assert page.evaluate("document.querySelector('video').controls")
    assert page.evaluate("document.querySelector('video').textTracks[0].mode") == "showing"


def test_keyboard_starts_the_lazy_player_and_quality_applies_once_loaded(page, clip_720p, tmp_path):
    # given a public lecture on its watch page (nobody signed in)
    video = make_ready_video(clip_720p, tmp_path, title="Bài giảng công khai")
    page.goto(f"/video/{video.pk}/")
    assert page.evaluate("document.querySelector('[data-video-player]').lmsPlayer.state") == "idle"
    # when a keyboard user picks 360p before playing, then focuses the player and presses K
    page.get_by_label("Chất lượng").select_option("360")
    page.evaluate("document.querySelector('video').muted = true")
    page.locator("[data-video-player]").focus()
    page.keyboard.press("k")
    # then it plays at 360p
    wait_for_js(page, "document.querySelector('video').currentTime > 0.5", timeout=20000)
    assert page.evaluate("document.querySelector('video').videoHeight") == 360
    page.keyboard.press("k")
    assert page.evaluate("document.querySelector('video').paused")
