"""A learner enrols, plays a lecture (hls.js), leaves, comes back on a "new device"
and resumes at the saved position; progress moves; the course completes once the
lesson quiz is passed."""
import re

import pytest

from enrollment.models import Enrollment
from media_pipeline import services as media
from people.demo import DEMO_PASSWORD, seed_people
from tests.factories import make_catalog, make_category, make_course, make_lesson, make_module, make_question, make_quiz, make_unit

from .conftest import wait_for_js

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
    unit = make_unit("Sở Tư pháp", "SO-TP-HT")
    quiz = make_quiz(unit, [make_question(make_category(unit), "single", stem="<p>Cơ quan nào có quyền lập hiến?</p>")],
                     title="Kiểm tra cuối khóa", pass_percent=100, max_attempts=2)
    quiz_lesson = make_lesson(module, title="Bài 2: Kiểm tra", body=[
        ("quiz", {"quiz": quiz, "intro": "Làm đúng để hoàn thành khóa học.", "must_pass": True})])

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
    wait_for_js(page, "document.querySelector('[data-video-player]').lmsPlayer !== undefined")
    page.evaluate("() => { const v = document.querySelector('video'); v.muted = true; return v.play(); }")
    wait_for_js(page, "document.querySelector('video').currentTime > 1.5", timeout=20000)
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
    wait_for_js(page, f"document.querySelector('video').currentTime >= {saved - 0.5}", timeout=20000)

    # watch to the end: the lecture is done, the course is not (its quiz is still to pass)
    with page.expect_response("**/api/v1/enrollment/heartbeat/"):
        page.evaluate("() => { const v = document.querySelector('video'); v.muted = true; v.currentTime = 0; "
                      "return v.play(); }")
        wait_for_js(page, "document.querySelector('video').ended", timeout=30000)
    page.goto("/learning/")
    assert page.locator("progress").first.get_attribute("value") == "50"
    assert "Đã hoàn thành" not in page.locator("main").inner_text()

    # a wrong answer fails the quiz: still not complete
    page.goto(quiz_lesson.url)
    page.get_by_role("link", name="Vào làm bài kiểm tra").click()
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    page.wait_for_url(re.compile(r"/assessments/attempts/\d+/$"))
    page.get_by_label("Chính phủ").check()
    page.get_by_role("button", name="Nộp bài").click()
    page.wait_for_url(re.compile(r"/assessments/attempts/\d+/result/$"))
    page.goto("/learning/")
    assert page.locator("progress").first.get_attribute("value") == "50"

    # the right answer passes it: the course completes, the progress bar is full
    page.goto(quiz_lesson.url)
    page.get_by_role("link", name="Vào làm bài kiểm tra").click()
    page.get_by_role("button", name="Làm lại bài kiểm tra").click()
    page.wait_for_url(re.compile(r"/assessments/attempts/\d+/$"))
    page.get_by_label("Quốc hội").check()
    page.get_by_role("button", name="Nộp bài").click()
    page.wait_for_url(re.compile(r"/assessments/attempts/\d+/result/$"))
    page.goto("/learning/")
    assert page.locator("progress").first.get_attribute("value") == "100"
    assert "Đã hoàn thành" in page.locator("main").inner_text()
    assert Enrollment.objects.get().status == Enrollment.Status.COMPLETED
