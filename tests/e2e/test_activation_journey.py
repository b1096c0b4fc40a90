"""A unit manager prints activation sheets; a rostered person without e-mail activates their account
with the code on their slip (issue 13: a secret the person received, never facts others can read)."""
import re

import pytest

from people.demo import seed_people
from people.models import Profile

from .conftest import log_in, serious_accessibility_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "Phieu-kich-hoat-2026"


def test_manager_prints_a_sheet_and_a_person_activates_with_the_code(page):
    seed_people(learners=20)
    waiting = Profile.objects.filter(org_unit__code="XA-TANAN", user__isnull=True).count()
    assert waiting > 0

    # the manager of Xã Tân An creates the unit's activation sheet in the admin
    log_in(page, "tanan.quanly")
    page.goto("/admin/")
    page.get_by_role("link", name="Phiếu kích hoạt tài khoản").first.click()
    page.get_by_label("Đơn vị", exact=True).select_option(label="Xã Tân An")
    page.get_by_role("button", name="Tạo phiếu kích hoạt").click()
    page.wait_for_url(re.compile(r"/admin/activation-sheets/$"))
    slips = page.locator(".slip")
    assert slips.count() == waiting
    assert serious_accessibility_violations(page) == []
    first = slips.first
    name = first.locator(".slip-name").inner_text()
    code = first.locator(".slip-code").inner_text()
    assert re.fullmatch(r"[0-9A-Z]{5}-[0-9A-Z]{5}", code)
    assert "Xã Tân An" in first.inner_text()
    page.context.clear_cookies()

    # the person types the code off their slip and chooses a password
    page.goto("/")
    page.get_by_role("link", name=re.compile("kích hoạt", re.I)).first.click()
    page.wait_for_url(re.compile(r"/accounts/claim/$"))
    page.get_by_label("Mã kích hoạt").fill(code.lower().replace("-", " "))
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="Kích hoạt").click()
    page.wait_for_url(re.compile(r"/accounts/profile/$"))
    assert name in page.locator("main").inner_text()

    # the slip works once: the same code again is refused with a message a person understands
    page.context.clear_cookies()
    page.goto("/accounts/claim/")
    page.get_by_label("Mã kích hoạt").fill(code)
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="Kích hoạt").click()
    assert "Mã kích hoạt không hợp lệ hoặc đã hết hạn" in page.locator("main").inner_text()

    # and the person logs in with their ID code and the new password
    id_code = Profile.objects.get(full_name=name, org_unit__code="XA-TANAN").id_code
    log_in(page, id_code, PASSWORD)
    assert name in page.locator("main").inner_text()
