"""A unit manager opens an in-person class in the admin, adds a session and the commune's officials,
ticks who came; the learner then finds the course completed, in person, in My learning."""
import re

import pytest
from playwright.sync_api import expect
from django.utils import timezone

from enrollment.models import Enrollment
from people.demo import DEMO_PASSWORD, seed_people
from tests.factories import make_catalog, make_course

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_in(page, username):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(re.compile(r"/accounts/profile/$"))


def test_manager_runs_an_in_person_class_and_attendance_completes_it(page):
    seed_people(learners=12)
    course = make_course(make_catalog(), title="Kỹ năng hòa giải ở cơ sở", modality="in_person")
    today = timezone.localdate()

    # the manager of Xã Tân An opens a class from the admin menu
    log_in(page, "tanan.quanly")
    page.goto("/admin/")
    page.get_by_role("button", name="Bồi dưỡng").click()
    page.get_by_role("link", name="Lớp học và điểm danh").click()
    page.get_by_label("Khóa học").select_option(label="Kỹ năng hòa giải ở cơ sở")
    page.get_by_label("Tên lớp").fill("Lớp hòa giải viên Tân An, đợt 1")
    page.get_by_label("Đơn vị tổ chức").select_option(label="Xã Tân An")
    page.get_by_label("Bắt đầu").fill(today.isoformat())
    page.get_by_label("Kết thúc").fill(today.isoformat())
    page.get_by_label("Tỷ lệ tham dự để hoàn thành (%)").fill("100")
    page.get_by_role("button", name="Mở lớp").click()
    page.wait_for_url(re.compile(r"/admin/training/classes/\d+/$"))
    expect(page.locator("body")).to_contain_text("Đã mở lớp “Lớp hòa giải viên Tân An, đợt 1”")

    # an in-person session needs a place: the form says so, then takes it
    session_form = page.locator("form", has=page.locator("input[name=form][value=session]"))
    session_form.get_by_label("Tên buổi học").fill("Buổi 1: Kỹ năng hòa giải")
    session_form.get_by_label("Hình thức").select_option(label="Trực tiếp")
    session_form.get_by_label("Bắt đầu").fill(f"{today.isoformat()}T08:00")
    session_form.get_by_label("Kết thúc").fill(f"{today.isoformat()}T11:00")
    session_form.get_by_role("button", name="Thêm buổi học").click()
    expect(page.locator("body")).to_contain_text("Hãy nêu địa điểm")
    session_form = page.locator("form", has=page.locator("input[name=form][value=session]"))
    session_form.get_by_label("Địa điểm (học trực tiếp)").fill("Hội trường UBND xã Tân An")
    session_form.get_by_role("button", name="Thêm buổi học").click()
    expect(page.locator("body")).to_contain_text("Đã thêm buổi học.")

    # the commune's officials join the class
    learners_form = page.locator("form", has=page.locator("input[name=form][value=learners]"))
    learners_form.get_by_label("Đơn vị", exact=True).select_option(label="Xã Tân An")
    learners_form.get_by_label("Cán bộ, công chức, viên chức (CBCCVC)").check()
    learners_form.get_by_role("button", name="Thêm vào lớp").click()
    expect(page.locator("table").nth(1)).to_contain_text("Nguyễn Thị Hường")

    # the checklist: tick the learner, save
    page.get_by_role("link", name="Buổi 1: Kỹ năng hòa giải").click()
    page.get_by_label("Nguyễn Thị Hường").check()
    page.get_by_role("button", name="Lưu điểm danh").click()
    expect(page.locator("body")).to_contain_text("Đã lưu điểm danh")
    expect(page.locator("#checklist-title + p")).to_have_text(re.compile(r"^1/\d+ có mặt$"))
    assert page.get_by_label("Nguyễn Thị Hường").is_checked()

    # the learner sees the course completed, with the class it was held in
    log_in(page, "hocvien")
    page.goto("/learning/")
    card = page.locator("section.card", has_text="Kỹ năng hòa giải ở cơ sở")
    expect(card).to_contain_text("Đã hoàn thành")
    assert "Lớp: Lớp hòa giải viên Tân An, đợt 1" in card.inner_text()
    assert card.locator("progress").first.get_attribute("value") == "100"
    enrollment = Enrollment.objects.get(user__username="hocvien", course_id=course.pk)
    assert enrollment.completion_modality == "in_person"
