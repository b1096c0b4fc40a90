"""The department admin opens the training-targets report, drills into one commune, exports the
yearly report as XLSX, and the file says what the page said."""
import re

import pytest
from django_otp.oath import TOTP
from openpyxl import load_workbook

from people.demo import DEMO_PASSWORD, seed_people
from reporting.demo import seed_reporting
from tests.factories import make_catalog, make_course

from .conftest import serious_accessibility_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def number(text: str) -> int:
    return int(text.replace(".", "").strip())


def card(page, name: str) -> str:
    return page.locator(f".report-cards [data-value='{name}']").inner_text()


def test_department_admin_drills_into_a_commune_and_exports_the_yearly_report(page, tmp_path):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from django.contrib.auth import get_user_model

    seed_people(learners=80)
    make_course(make_catalog(), title="Chuyển đổi số trong công tác phổ biến, giáo dục pháp luật")
    assert seed_reporting() > 0
    admin = get_user_model().objects.get(username="sotuphap.admin")
    device = TOTPDevice.objects.create(user=admin, name="Ứng dụng", confirmed=True)

    # log in with the password, then the authenticator code
    page.goto("/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill("sotuphap.admin")
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(re.compile(r"/accounts/2fa/"))
    page.get_by_label("Mã 6 chữ số từ ứng dụng xác thực").fill(str(TOTP(device.bin_key).token()).zfill(6))
    page.get_by_role("button", name="Tiếp tục").click()
    page.wait_for_url(re.compile(r"/accounts/profile/$"))

    # the administration's menu leads to the report
    page.goto("/admin/")
    page.get_by_role("link", name="Báo cáo").first.click()
    page.wait_for_url(re.compile(r"/reports/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Báo cáo chỉ tiêu tập huấn"
    assert "UBND tỉnh Lâm Sơn" in page.locator("#node-heading").inner_text()
    province_population = number(card(page, "population"))
    assert province_population > 0
    assert page.locator("svg.chart").count() == 2  # trend and units, drawn on the server
    assert serious_accessibility_violations(page) == []

    # drill into Xã Tân An from the units table
    page.locator("#units-table").get_by_role("link", name="Xã Tân An").click()
    page.wait_for_url(re.compile(r"unit=XA-TANAN"))
    assert "Xã Tân An" in page.locator("#node-heading").inner_text()
    assert page.get_by_role("navigation", name="Cây đơn vị").get_by_role("link", name="UBND tỉnh Lâm Sơn").count() == 1
    population = number(card(page, "population"))
    trained = number(card(page, "trained"))
    share = card(page, "trained_share")
    assert 0 < trained < population < province_population
    assert page.locator("#units-table tr.node-row [data-value='population']").inner_text() == f"{population}"

    # export the yearly report of this commune; the page follows the job and offers the file
    page.get_by_role("button", name="Báo cáo năm (XLSX)").click()
    page.wait_for_url(re.compile(r"/reports/exports/\d+/$"))
    link = page.get_by_role("link", name="Tải tệp xuống")
    link.wait_for(timeout=30000)
    with page.expect_download() as download_info:
        link.click()
    target = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(target)
    assert target.name.startswith("bao-cao-") and "xa-tanan" in target.name and target.suffix == ".xlsx"

    # the file says what the page said
    book = load_workbook(target, read_only=True)
    summary = {}
    for row in book["Tổng hợp"].iter_rows(values_only=True):
        if row and row[0]:
            summary.setdefault(row[0], row[1:])
    assert summary["Đơn vị"][0] == "Xã Tân An"
    assert summary["Đối tượng thuộc chỉ tiêu"][0] == population
    assert summary["Đã tập huấn"][0] == trained
    assert f"{summary['Đã tập huấn (%)'][0]:.1f}".replace(".", ",") + " %" == share
    units = {row[0]: row for row in book["Đơn vị"].iter_rows(min_row=2, values_only=True)}
    assert units["XA-TANAN"][3:5] == (population, trained)
    people = [row for row in book["Người đã tập huấn"].iter_rows(min_row=2, values_only=True)]
    assert len(people) == trained and all(row[2] == "Xã Tân An" for row in people)
