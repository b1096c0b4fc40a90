"""Journeys in real Chromium: a visitor finds a course without diacritics and plays a lesson;
a trainer in the Wagtail admin cannot edit another trainer's course."""
import re

import pytest

from courses.models import Modality, Topic
from people.models import Category, Role
from tests.factories import (
    make_catalog, make_course, make_lesson, make_module, make_ready_video, make_staff, make_unit,
)

from .conftest import serious_accessibility_violations, wait_for_js

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def clean_media():
    """Video files outlive the flushed rows: remove them, as the media tests expect."""
    import shutil

    from django.conf import settings

    yield
    for folder in (settings.MEDIA_ROOT, settings.MEDIA_WORK_DIR, settings.MEDIA_UPLOAD_DIR):
        shutil.rmtree(folder, ignore_errors=True)


def _catalog_with_courses(video):
    catalog = make_catalog()
    course = make_course(catalog, title="Chuyển đổi số trong công tác phổ biến, giáo dục pháp luật",
                         slug="chuyen-doi-so", topic=Topic.DIGITAL_TRANSFORMATION,
                         summary="Ứng dụng công nghệ số để tuyên truyền pháp luật.",
                         audience=[Category.CBCCVC, Category.LEGAL_REPORTER])
    module = make_module(course, title="Tổng quan", slug="tong-quan")
    make_lesson(module, title="Vì sao phải chuyển đổi số?", slug="vi-sao", body=[
        ("video", video), ("text", "<p>Chuyển đổi số giúp pháp luật đến với người dân nhanh hơn.</p>")])
    make_lesson(module, title="Các nền tảng số", slug="nen-tang-so")
    make_course(catalog, title="Hòa giải mâu thuẫn trong cộng đồng", slug="hoa-giai",
                topic=Topic.GRASSROOTS_MEDIATION, audience=[Category.GRASSROOTS_MEDIATOR], modality=Modality.BLENDED)
    make_course(catalog, title="Kỹ năng thuyết trình cho báo cáo viên", slug="thuyet-trinh",
                topic=Topic.LEGAL_REPORTER_SKILLS, audience=[Category.LEGAL_REPORTER])
    return catalog


def _course_titles(page):
    return page.locator(".course-card h3").all_inner_texts()


def test_visitor_filters_searches_without_diacritics_and_plays_a_lesson(page, clip_720p, tmp_path):
    _catalog_with_courses(make_ready_video(clip_720p, tmp_path))
    page.goto("/khoa-hoc/")
    assert page.get_by_role("heading", level=1).inner_text() == "Khóa học"
    assert len(_course_titles(page)) == 3
    assert serious_accessibility_violations(page) == []

    # filter by audience: a plain form, the result is in the URL
    page.get_by_label("Dành cho").select_option("grassroots_mediator")
    page.get_by_role("button", name="Xem khóa học").click()
    page.wait_for_url(re.compile(r"audience=grassroots_mediator"))
    assert _course_titles(page) == ["Hòa giải mâu thuẫn trong cộng đồng"]

    # search without diacritics, every audience
    page.get_by_label("Dành cho").select_option("")
    page.get_by_label("Tìm kiếm").fill("chuyen doi so")
    page.get_by_role("button", name="Xem khóa học").click()
    page.wait_for_url(re.compile(r"q=chuyen\+doi\+so"))
    assert _course_titles(page) == ["Chuyển đổi số trong công tác phổ biến, giáo dục pháp luật"]

    # the course page, then its first lesson
    page.get_by_role("link", name="Chuyển đổi số trong công tác phổ biến, giáo dục pháp luật").click()
    page.wait_for_url(re.compile(r"/khoa-hoc/chuyen-doi-so/$"))
    assert serious_accessibility_violations(page) == []
    page.get_by_role("link", name="Bắt đầu bài học đầu tiên").click()
    page.wait_for_url(re.compile(r"/tong-quan/vi-sao/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Vì sao phải chuyển đổi số?"

    # the outline marks the current lesson; next leads on
    outline = page.get_by_role("navigation", name="Đề cương khóa học")
    assert outline.get_by_role("link", name="Vì sao phải chuyển đổi số?").get_attribute("aria-current") == "page"
    assert outline.get_by_role("link", name="Các nền tảng số").count() == 1
    lesson_nav = page.get_by_role("navigation", name="Bài học trước và bài học tiếp theo")
    assert lesson_nav.get_by_role("link").count() == 1

    # the video plays in our player
    assert page.locator("[data-video-player]").count() == 1
    page.evaluate("() => { const v = document.querySelector('video'); v.muted = true; return v.play(); }")
    wait_for_js(page, "document.querySelector('video').currentTime > 1.0", timeout=20000)
    assert serious_accessibility_violations(page) == []

    lesson_nav.get_by_role("link", name=re.compile("Các nền tảng số")).click()
    page.wait_for_url(re.compile(r"/tong-quan/nen-tang-so/$"))
    previous = page.get_by_role("navigation", name="Bài học trước và bài học tiếp theo").get_by_role("link")
    assert previous.count() == 1 and "Vì sao phải chuyển đổi số?" in previous.inner_text()


def test_trainer_cannot_edit_another_trainers_course_in_the_admin(page):
    unit = make_unit("Sở Tư pháp", "SO-TP")
    trainer = make_staff(Role.TRAINER, unit, username="giangvien.a")
    colleague = make_staff(Role.TRAINER, unit, username="giangvien.b")
    catalog = make_catalog()
    mine = make_course(catalog, title="Khóa của tôi", slug="khoa-cua-toi", owner=trainer)
    theirs = make_course(catalog, title="Khóa của đồng nghiệp", slug="khoa-dong-nghiep", owner=colleague)

    page.goto("/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill("giangvien.a")
    page.get_by_label("Mật khẩu").fill("Pass-word-123")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(re.compile(r"/accounts/profile/$"))

    # their own course opens in the editor
    page.goto(f"/admin/pages/{mine.pk}/edit/")
    assert page.locator("input[name=title]").input_value() == "Khóa của tôi"

    # the colleague's course does not
    page.goto(f"/admin/pages/{theirs.pk}/edit/")
    page.wait_for_url(re.compile(r"/admin/$"))
    assert page.get_by_text("Bạn không có quyền truy cập vào khu vực này.").is_visible()
    assert page.locator("input[name=title]").count() == 0
    # and the explorer offers no edit link for it
    page.goto(f"/admin/pages/{catalog.pk}/")
    assert page.locator(f'a[href="/admin/pages/{mine.pk}/edit/"]').count() >= 1
    assert page.locator(f'a[href="/admin/pages/{theirs.pk}/edit/"]').count() == 0


def test_an_enrolled_learner_takes_a_lesson_quiz_and_every_page_is_accessible(page):
    from enrollment.services import enroll
    from tests.factories import make_category, make_question, make_quiz, make_user

    # given a lesson with a quiz of every kind of question, and a learner enrolled in its course
    unit = make_unit("Sở Tư pháp", "SO-TP")
    category = make_category(unit)
    quiz = make_quiz(unit, [
        make_question(category, "single", stem="<p>Cơ quan nào có quyền lập hiến?</p>"),
        make_question(category, "multiple", stem="<p>Ai tham gia phổ biến pháp luật?</p>"),
        make_question(category, "true_false", stem="<p>Hòa giải viên do cộng đồng dân cư bầu.</p>"),
        make_question(category, "short_answer", stem="<p>Văn bản có hiệu lực pháp lý cao nhất?</p>"),
        make_question(category, "numeric", stem="<p>Luật Hòa giải ở cơ sở có bao nhiêu chương?</p>"),
        make_question(category, "matching", stem="<p>Nối luật với năm ban hành.</p>"),
        make_question(category, "ordering", stem="<p>Sắp xếp các bước xây dựng luật.</p>"),
    ], title="Kiểm tra cuối học phần", pass_percent=50)
    course = make_course(make_catalog(), title="Hòa giải ở cơ sở", slug="hoa-giai")
    module = make_module(course, title="Học phần 1", slug="hoc-phan-1")
    lesson = make_lesson(module, title="Bài kiểm tra học phần 1", slug="kiem-tra", body=[
        ("text", "<p>Làm bài kiểm tra sau khi học xong học phần.</p>"),
        ("quiz", {"quiz": quiz, "intro": "Mười lăm phút, làm một lần.", "must_pass": True})])
    learner = make_user("hocvien.kt", password="Hoc-tap-2026!")
    enroll(user=learner, course=course)

    page.goto("/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill("hocvien.kt")
    page.get_by_label("Mật khẩu").fill("Hoc-tap-2026!")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(re.compile(r"/accounts/profile/$"))

    # the lesson with the quiz block
    page.goto(lesson.url)
    assert serious_accessibility_violations(page) == []
    page.get_by_role("link", name="Vào làm bài kiểm tra").click()
    # the quiz page
    page.wait_for_url(re.compile(rf"/assessments/quizzes/{quiz.pk}/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Kiểm tra cuối học phần"
    assert serious_accessibility_violations(page) == []
    # the attempt page, with every kind of question
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    page.wait_for_url(re.compile(r"/assessments/attempts/\d+/$"))
    assert page.locator("fieldset[data-question]").count() == 7
    assert serious_accessibility_violations(page) == []
    page.locator("fieldset[data-question]").nth(0).get_by_label("Quốc hội").check()
    page.get_by_role("button", name="Nộp bài").click()
    # the result page
    page.wait_for_url(re.compile(r"/assessments/attempts/\d+/result/$"))
    assert serious_accessibility_violations(page) == []
