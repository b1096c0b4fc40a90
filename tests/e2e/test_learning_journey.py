"""A learner enrols, plays a lecture (hls.js), leaves, comes back on a "new device"
and resumes at the saved position; progress moves; the course completes."""
import re

import pytest

from enrollment.models import Enrollment
from media_pipeline import services as media
from people.demo import DEMO_PASSWORD, seed_people
from tests.factories import make_catalog, make_course, make_lesson, make_module

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_enrol_watch_leave_resume_complete(page, clip_720p, tmp_path):
    seed_people(learners=3)
    source = tmp_path / "lecture.mp4"
    source.write_bytes(clip_720p.read_bytes())
    video = media.video_create_from_path(path=source, filename="lecture.mp4", title="Chuyển đổi số", enqueue=False)
    video = media.video_process(video_id=video.pk)
    course = make_course(make_catalog(), title="Chuyển đổi số trong công tác PBGDPL", video_coverage_threshold=90)
    module = make_module(course, title="Học phần 1")
    lesson = make_lesson(module, title="Bài 1: Tổng quan", body=[("video", video)])

    page.goto("/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill("hocvien")
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(re.compile(r"/accounts/profile/$"))

    # enrol from the course page: it takes the learner to the first lesson
    page.goto(course.url)
    page.get_by_role("button", name="Ghi danh vào khóa học này").click()
    page.wait_for_url(re.compile(re.escape(lesson.url) + "$"))

    # play half the lecture, pause: the interval goes to the server
    page.wait_for_function("document.querySelector('[data-video-player]').lmsPlayer !== undefined")
    page.evaluate("() => { const v = document.querySelector('video'); v.muted = true; return v.play(); }")
    page.wait_for_function("document.querySelector('video').currentTime > 1.5", timeout=20000)
    with page.expect_response("**/api/v1/enrollment/heartbeat/") as heartbeat:
        page.evaluate("document.querySelector('video').pause()")
    assert heartbeat.value.ok
    saved = heartbeat.value.json()["position"]
    assert saved > 1.4

    # leave; come back on another device (nothing in local storage): resumes at the saved position
    page.goto("/learning/")
    page.evaluate("localStorage.clear()")
    assert page.locator("progress").first.get_attribute("value") == "0"
    page.goto(lesson.url)
    page.wait_for_function(f"document.querySelector('video').currentTime >= {saved - 0.5}", timeout=20000)

    # watch to the end: the course completes, the progress bar is full
    with page.expect_response("**/api/v1/enrollment/heartbeat/"):
        page.evaluate("() => { const v = document.querySelector('video'); v.muted = true; v.currentTime = 0; "
                      "return v.play(); }")
        page.wait_for_function("document.querySelector('video').ended", timeout=30000)
    page.goto("/learning/")
    assert page.locator("progress").first.get_attribute("value") == "100"
    assert "Đã hoàn thành" in page.locator("main").inner_text()
    assert Enrollment.objects.get().status == Enrollment.Status.COMPLETED
