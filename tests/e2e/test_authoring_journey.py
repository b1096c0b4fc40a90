"""The authoring journey in real Chromium: a trainer builds a course with a module and a video
lesson in the Wagtail admin and submits it; the department admin approves it in the admin; a
learner finds it in the catalog by searching without diacritics, and the lecture plays."""
import re

import pytest

from courses.models import CoursePage, LessonPage, ModulePage
from people.models import Role
from tests.factories import make_catalog, make_profile, make_ready_video, make_staff, make_unit, make_user

from .conftest import serious_accessibility_violations, set_up_two_factor, wait_for_js

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Pass-word-123"  # tests.factories.make_user's
COURSE_TITLE = "Chuyển đổi số trong hòa giải ở cơ sở"
LESSON_TITLE = "Bài 1: Vì sao hòa giải viên cần kỹ năng số?"
VIDEO_TITLE = "Bài giảng: hòa giải trực tuyến"


@pytest.fixture(autouse=True)
def clean_media():
    """Video files outlive the flushed rows: remove them, as the media tests expect."""
    import shutil

    from django.conf import settings

    yield
    for folder in (settings.MEDIA_ROOT, settings.MEDIA_WORK_DIR, settings.MEDIA_UPLOAD_DIR):
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def new_page(browser, live_server):
    """Each person of the journey in their own browser context (their own cookies)."""
    contexts = []

    def open_page():
        context = browser.new_context(base_url=live_server.url, locale="vi-VN", viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20000)
        return page

    yield open_page
    for context in contexts:
        context.close()


def log_in(page, username, password=PASSWORD):
    page.goto("/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()


def set_slug(page, slug):
    """Clean, ASCII URLs: the author sets the slug on the Promote tab."""
    page.get_by_role("tab", name="Quảng bá").click()
    # Wagtail fills the slug from the title after a short delay: let it, then write ours over it
    wait_for_js(page, "document.querySelector('#id_slug').value !== ''")
    live = page.locator("#id_slug").input_value()
    assert live.isascii() and "%" not in live, live  # Vietnamese titles give ASCII slugs
    page.locator("#id_slug").fill(slug)
    page.wait_for_timeout(500)
    assert page.locator("#id_slug").input_value() == slug
    page.get_by_role("tab", name="Nội dung").click()


def save_draft(page):
    page.locator("footer button.action-save").click()
    page.wait_for_url(re.compile(r"/admin/pages/\d+/edit/$"))
    return int(re.search(r"/admin/pages/(\d+)/edit/$", page.url).group(1))


def test_trainer_builds_and_submits_admin_approves_learner_finds_and_plays(new_page, clip_720p, tmp_path):
    # given the catalog, a transcoded lecture, a trainer, a department admin and a learner
    catalog = make_catalog()
    unit = make_unit("Sở Tư pháp", "SO-TP")
    make_staff(Role.TRAINER, unit, username="giangvien")
    approver = make_staff(Role.DEPARTMENT_ADMIN, unit, username="sotuphap.duyet")
    approver.email = "duyet@example.org"  # the first authenticator is confirmed by an e-mailed code
    approver.save()
    make_profile(unit, full_name="Lê Thị Hòa", user=make_user("hocvien.hoa"))
    make_ready_video(clip_720p, tmp_path, title=VIDEO_TITLE)

    # --- the trainer builds the course in the admin ------------------------------------------
    trainer = new_page()
    log_in(trainer, "giangvien")
    trainer.wait_for_url(re.compile(r"/accounts/profile/$"))
    trainer.goto(f"/admin/pages/add/courses/coursepage/{catalog.pk}/")
    trainer.locator("#id_title").fill(COURSE_TITLE)
    trainer.locator("#id_summary").fill("Ứng dụng công nghệ số trong công tác hòa giải ở cơ sở.")
    trainer.locator("#id_topic").select_option("grassroots_mediation")
    trainer.locator('input[name="audience"][value="grassroots_mediator"]').check()
    set_slug(trainer, "hoa-giai-so")
    course_id = save_draft(trainer)

    trainer.goto(f"/admin/pages/add/courses/modulepage/{course_id}/")
    trainer.locator("#id_title").fill("Học phần 1: Tổng quan")
    set_slug(trainer, "tong-quan")
    module_id = save_draft(trainer)

    trainer.goto(f"/admin/pages/add/courses/lessonpage/{module_id}/")
    trainer.locator("#id_title").fill(LESSON_TITLE)
    set_slug(trainer, "vi-sao")
    # the body: a video lecture block, the video picked in the chooser among transcoded videos
    trainer.locator("[id^=panel-child-][id$=-body-content] button.c-sf-add-button").first.click()
    trainer.get_by_role("option", name="Bài giảng video").click()
    trainer.get_by_role("button", name="Chọn video", exact=True).click()
    modal = trainer.locator(".modal-dialog")
    modal.get_by_role("link", name=VIDEO_TITLE).click()
    modal.wait_for(state="hidden")
    assert VIDEO_TITLE in trainer.locator("[id^=panel-child-][id$=-body-content]").inner_text()
    lesson_id = save_draft(trainer)
    assert not LessonPage.objects.get(pk=lesson_id).live

    # and submits the course to the department
    trainer.goto(f"/admin/pages/{course_id}/edit/")
    trainer.locator("footer [data-w-dropdown-target='toggle']").click()
    submit = trainer.locator('button[name="action-submit"]')
    assert submit.inner_text().strip() == "Gửi Sở Tư pháp duyệt"
    submit.click()
    trainer.wait_for_url(re.compile(r"/admin/pages/\d+/$"))
    course = CoursePage.objects.get(pk=course_id)
    assert course.workflow_in_progress and not course.live

    # nothing of it is online yet
    learner = new_page()
    log_in(learner, "hocvien.hoa")
    learner.wait_for_url(re.compile(r"/accounts/profile/$"))
    learner.goto(f"{catalog.url}?q=chuyen+doi+so+hoa+giai")
    assert learner.locator(".course-card").count() == 0
    assert learner.goto("/khoa-hoc/hoa-giai-so/tong-quan/vi-sao/").status == 404

    # --- the department admin approves it ----------------------------------------------------
    admin = new_page()
    log_in(admin, "sotuphap.duyet")
    admin.wait_for_url(re.compile(r"/accounts/2fa/setup/"))
    set_up_two_factor(admin)
    admin.wait_for_url(re.compile(r"/accounts/profile/$"))
    admin.goto("/admin/")  # the dashboard lists what awaits their review
    assert admin.locator(f'a[href="/admin/pages/{course_id}/edit/"]').count() >= 1
    admin.goto(f"/admin/pages/{course_id}/edit/")
    admin.locator("footer [data-w-dropdown-target='toggle']").click()
    admin.locator('button[data-workflow-action-name="approve"]:not([data-workflow-action-modal-url])').click()
    admin.wait_for_url(re.compile(r"/admin/pages/\d+/$"))
    assert CoursePage.objects.get(pk=course_id).live
    assert ModulePage.objects.get(pk=module_id).live and LessonPage.objects.get(pk=lesson_id).live

    # --- a learner finds it without diacritics and the lecture plays -------------------------
    learner.goto(catalog.url)
    learner.get_by_label("Tìm kiếm").fill("chuyen doi so hoa giai")
    learner.get_by_role("button", name="Xem khóa học").click()
    learner.wait_for_url(re.compile(r"q=chuyen\+doi\+so\+hoa\+giai"))
    assert learner.locator(".course-card h3").all_inner_texts() == [COURSE_TITLE]
    learner.get_by_role("link", name=COURSE_TITLE).click()
    learner.get_by_role("link", name="Bắt đầu bài học đầu tiên").click()
    learner.wait_for_url(re.compile(r"/khoa-hoc/hoa-giai-so/tong-quan/vi-sao/$"))
    assert learner.get_by_role("heading", level=1).inner_text() == LESSON_TITLE
    assert serious_accessibility_violations(learner) == []
    learner.evaluate("document.querySelector('video').muted = true")
    learner.get_by_role("button", name=f"Phát video: {VIDEO_TITLE}").click()
    wait_for_js(learner, "document.querySelector('video').currentTime > 1.0", timeout=20000)
