"""Journeys in real Chromium: a learner and a department admin log in and see their own things."""
import re

import pytest

from people.demo import DEMO_PASSWORD, seed_people

from .conftest import serious_accessibility_violations, set_up_two_factor

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_in(page, username):
    page.goto("/")
    page.get_by_role("link", name="Đăng nhập").first.click()
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def test_home_and_login_pages_are_accessible(page):
    seed_people(learners=5)
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.get_by_role("heading", level=1).inner_text() == "Bồi dưỡng trực tuyến về phổ biến, giáo dục pháp luật"
    assert serious_accessibility_violations(page) == []
    page.goto("/accounts/login/")
    assert serious_accessibility_violations(page) == []


def test_learner_sees_their_profile_and_no_administration(page):
    seed_people(learners=20)
    log_in(page, "hocvien")
    page.wait_for_url(re.compile(r"/accounts/profile/$"))
    main = page.locator("main")
    assert "Nguyễn Thị Hường" in main.inner_text()
    assert "Xã Tân An" in main.inner_text()
    nav = page.get_by_role("navigation", name="Điều hướng chính")
    assert nav.get_by_role("link", name="Quản trị").count() == 0
    # the admin is closed to a learner
    response = page.goto("/admin/")
    assert response.status == 403
    assert page.get_by_role("heading", level=1).inner_text() == "Không có quyền truy cập"
    assert page.get_by_role("link", name="Nhập danh sách").count() == 0


def test_department_admin_sets_up_2fa_and_reaches_roster_import(page):
    seed_people(learners=20)
    log_in(page, "sotuphap.admin")
    # department admins must set up an authenticator app first
    page.wait_for_url(re.compile(r"/accounts/2fa/setup/"))
    assert page.get_by_role("heading", level=1).inner_text() == "Thiết lập xác thực hai lớp"
    set_up_two_factor(page)
    page.wait_for_url(re.compile(r"/accounts/profile/$"))
    main = page.locator("main").inner_text()
    assert "Trần Minh Quân" in main and "Quản trị Sở — UBND tỉnh Lâm Sơn" in main
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Quản trị").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    page.get_by_role("link", name="Nhập danh sách").click()
    page.wait_for_url(re.compile(r"/admin/roster/$"))
    assert page.get_by_role("heading", name="Tải lên danh sách").is_visible()
    # the learners list shows the whole province, diacritics intact
    page.goto("/admin/snippets/people/profile/?q=H%C6%B0%E1%BB%9Dng")
    assert page.get_by_text("Nguyễn Thị Hường").first.is_visible()
