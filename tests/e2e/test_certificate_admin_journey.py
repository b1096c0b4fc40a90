"""A unit manager administers certificates in the Wagtail admin: adds a certificate template for a course
(a body with an unknown placeholder is refused), previews it as a sample PDF, issues the certificates of a
class in one go, downloads them as a ZIP, and re-issues one after a name correction; the public verification
page of the old number then says it was replaced and links to the new one."""
import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from certificates.models import Certificate, CertificateTemplate
from people.demo import seed_people
from people.models import OrgUnit
from tests.certificates.helpers import pdf_text
from tests.factories import (make_catalog, make_course, make_enrollment_row, make_profile, make_training_class,
                             make_user)

from .conftest import log_in, serious_accessibility_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TEMPLATES_URL = "/admin/snippets/certificates/certificatetemplate/"
BODY = "Ông/Bà {learner_name} đã hoàn thành “{course}” ({hours} giờ)"
ALLOWED = ("{learner_name}, {course}, {hours}, {completion_date}, {score}, {issuing_unit}, {decision_number}, "
           "{class_title}")


def words(text: str) -> str:
    """PDF text with its line breaks and runs of spaces made single spaces."""
    return " ".join(text.split())


def choose_in_modal(page, button: str, item: str):
    """Open one of Wagtail's chooser modals and pick ``item`` in it."""
    page.get_by_role("button", name=button).click()
    modal = page.get_by_role("dialog")
    modal.get_by_role("link", name=item, exact=True).click()
    modal.wait_for(state="hidden")


def test_template_preview_bulk_issue_zip_and_reissue(browser, page, live_server, settings, tmp_path):
    settings.SITE_URL = live_server.url
    settings.CERTIFICATE_SIGNING_KEY_FILE = str(tmp_path / "issuer.pem")
    seed_people(learners=3)
    tanan = OrgUnit.objects.get(code="XA-TANAN")
    course = make_course(make_catalog(), title="Kỹ năng hòa giải ở cơ sở", estimated_hours=8)
    training_class = make_training_class(course, tanan, dt.date(2026, 5, 4), dt.date(2026, 5, 6),
                                         title="Lớp hòa giải Tân An tháng 5/2026")
    # three learners of Xã Tân An completed the class (one with a misspelt name on her profile), one has not;
    # the completions are written as rows, so no certificate is issued on completion
    learners = {"Nguyễn Thị Hường": get_user_model().objects.get(username="hocvien")}
    for username, name in [("uoc", "Đặng Văn Ước"), ("nguyet", "Hoàng Thi Nguyet"), ("son", "Phan Văn Sơn")]:
        learners[name] = make_user(username, email=f"{username}@example.org")
        make_profile(tanan, name, user=learners[name])
    finished = timezone.now() - dt.timedelta(days=1)
    for name in ["Nguyễn Thị Hường", "Đặng Văn Ước", "Hoàng Thi Nguyet"]:
        make_enrollment_row(learners[name], course, completed_at=finished, training_class=training_class)
    make_enrollment_row(learners["Phan Văn Sơn"], course, training_class=training_class)
    assert not Certificate.objects.exists()
    year = timezone.localdate().year

    # 1. Certificate templates -> add one for the course; an unknown placeholder is refused
    log_in(page, "tanan.quanly")
    page.goto("/admin/")
    page.get_by_role("link", name="Mẫu giấy chứng nhận").click()
    page.wait_for_url(f"**{TEMPLATES_URL}")
    page.get_by_role("link", name="Thêm mẫu giấy chứng nhận").click()
    page.wait_for_url(f"**{TEMPLATES_URL}add/")
    page.get_by_label(re.compile(r"^\s*Tên\b")).fill("Mẫu lớp hòa giải Tân An")
    choose_in_modal(page, "Chọn một trang (Khóa học)", "Kỹ năng hòa giải ở cơ sở")
    choose_in_modal(page, "Chọn đơn vị", "Xã Tân An")
    page.get_by_label("Tiêu đề").fill("GIẤY CHỨNG NHẬN HOÀN THÀNH KHÓA BỒI DƯỠNG")
    page.get_by_role("textbox", name="Nội dung").fill("Chứng nhận {ten} đã hoàn thành “{course}”")
    page.get_by_label("Số quyết định").fill("Quyết định số 45/QĐ-UBND")
    page.get_by_label("Tiền tố số hiệu").fill("TANAN")
    page.get_by_label("Địa danh").fill("Tân An")
    page.get_by_label("Chức vụ người ký").fill("CHỦ TỊCH UBND XÃ")
    page.get_by_label("Họ tên người ký").fill("Lê Văn Thạnh")
    page.get_by_role("button", name="Lưu").click()
    body_errors = page.locator("[data-contentpath=body] [data-field-errors]")
    expect_text = f"Trường thay thế không hợp lệ: {{ten}}. Hãy dùng: {ALLOWED}."
    body_errors.get_by_text(expect_text).wait_for()
    assert not CertificateTemplate.objects.exists()
    # the rest of what was typed is kept; correct the body and save
    assert page.get_by_label("Họ tên người ký").input_value() == "Lê Văn Thạnh"
    page.get_by_role("textbox", name="Nội dung").fill(BODY)
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url(re.compile(rf"{TEMPLATES_URL}$"))
    template = CertificateTemplate.objects.get()
    assert (template.course_id, template.issuing_unit, template.training_class) == (course.pk, tanan, None)
    assert (template.body, template.signer_name, template.decision_number) == (
        BODY, "Lê Văn Thạnh", "Quyết định số 45/QĐ-UBND")
    listing = page.locator("main table").inner_text()
    assert "Mẫu lớp hòa giải Tân An" in listing and "Kỹ năng hòa giải ở cơ sở" in listing

    # 2. the template's preview: Wagtail posts the form, then loads the preview, a PDF with sample data
    page.get_by_role("link", name="Mẫu lớp hòa giải Tân An").click()
    edit_url = f"{TEMPLATES_URL}edit/{template.pk}/"
    page.wait_for_url(f"**{edit_url}")
    preview_url = f"{TEMPLATES_URL}preview/{template.pk}/"
    with page.expect_response(lambda r: r.request.method == "GET" and preview_url in r.url) as shown:
        with page.expect_response(lambda r: r.request.method == "POST" and preview_url in r.url) as posted:
            page.get_by_role("button", name="Hiện/ẩn xem trước").click()
        assert posted.value.json()["is_valid"] is True
    # the panel's frame loaded the PDF (Chromium's PDF viewer does not hand its bytes to Playwright):
    # read the same preview with the page's session
    assert shown.value.status == 200 and shown.value.headers["content-type"] == "application/pdf"
    preview = page.request.get(shown.value.url)
    assert preview.headers["content-type"] == "application/pdf"
    text = words(pdf_text(preview.body()))
    assert "Ông/Bà Nguyễn Thị Hường đã hoàn thành “Kỹ năng hòa giải ở cơ sở” (8 giờ)" in text
    assert "MẪU" in text and "Lê Văn Thạnh" in text and f"TANAN-{year}-000123" in text

    # 3. Certificates -> Issue for a class
    page.goto("/admin/")
    page.get_by_role("link", name="Giấy chứng nhận", exact=True).click()
    page.wait_for_url("**/admin/certificates/")
    assert "Chưa có giấy chứng nhận nào." in page.locator("main table").inner_text()
    page.get_by_role("link", name="Cấp cho cả lớp").click()
    page.get_by_label("Lớp").select_option(label="Lớp hòa giải Tân An tháng 5/2026")
    page.get_by_role("button", name="Cấp giấy chứng nhận").click()
    page.wait_for_url(re.compile(rf"/admin/certificates/\?training_class={training_class.pk}$"))
    assert ("Đang cấp giấy chứng nhận cho lớp “Lớp hòa giải Tân An tháng 5/2026”. "
            "Hãy tải lại danh sách sau ít phút.") in page.locator(".messages").inner_text()
    page.reload()
    issued = {c.learner_name: c for c in Certificate.objects.all()}
    assert sorted(issued) == ["Hoàng Thi Nguyet", "Nguyễn Thị Hường", "Đặng Văn Ước"]
    assert sorted(c.number for c in issued.values()) == [f"TANAN-{year}-00000{n}" for n in (1, 2, 3)]
    assert {c.template_id for c in issued.values()} == {template.pk}
    rows = page.locator("main table tbody tr")
    assert rows.count() == 3
    for name, certificate in issued.items():
        row = rows.filter(has=page.get_by_role("link", name=certificate.number, exact=True)).inner_text()
        assert name in row and "Có hiệu lực" in row and "Lớp hòa giải Tân An tháng 5/2026" in row
    assert serious_accessibility_violations(page) == []

    # 4. download the listed certificates as one ZIP: one PDF each, named with the diacritics intact
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải các giấy chứng nhận này (ZIP)").click()
    assert re.fullmatch(r"giấy-chứng-nhận-\d{8}-\d{4}\.zip", download.value.suggested_filename)
    archive = zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert archive.testzip() is None
    assert archive.namelist() == sorted(  # in the order of their numbers
        f"Giấy chứng nhận {c.number} - {name}.pdf" for name, c in issued.items())
    for name, certificate in issued.items():
        text = words(pdf_text(archive.read(f"Giấy chứng nhận {certificate.number} - {name}.pdf")))
        # made with the course's template: its wording, its signer, its decision number
        assert f"Ông/Bà {name} đã hoàn thành “Kỹ năng hòa giải ở cơ sở” (8 giờ)" in text
        assert "Lê Văn Thạnh" in text and "CHỦ TỊCH UBND XÃ" in text and "Quyết định số 45/QĐ-UBND" in text
        assert certificate.number in text
        assert "MẪU" not in text

    # 5. re-issue Nguyệt's certificate after correcting the name
    old = issued["Hoàng Thi Nguyet"]
    page.get_by_role("link", name=old.number, exact=True).click()
    page.wait_for_url(f"**/admin/certificates/{old.pk}/")
    reissue = page.get_by_role("region", name="Cấp lại sau khi đính chính")
    assert reissue.get_by_label("Họ tên cần in").input_value() == "Hoàng Thi Nguyet"
    reissue.get_by_label("Họ tên cần in").fill("Hoàng Thị Nguyệt")
    page.get_by_label("Lý do cấp lại").fill("Hồ sơ ghi thiếu dấu họ tên")  # its own box, not the revoke form's
    reissue.get_by_role("button", name="Cấp lại", exact=True).click()
    page.wait_for_url(re.compile(rf"/admin/certificates/(?!{old.pk}/)\d+/$"))
    new = Certificate.objects.get(replaces=old)
    assert page.url.endswith(f"/admin/certificates/{new.pk}/")
    assert new.number == f"TANAN-{year}-000004" and new.learner_name == "Hoàng Thị Nguyệt"
    assert f"Giấy chứng nhận {old.number} đã được thay bằng {new.number}." in page.locator(".messages").inner_text()
    assert page.get_by_role("heading", level=1).inner_text().strip() == new.number
    facts = page.locator("main dl").inner_text()
    assert "Hoàng Thị Nguyệt" in facts and "Hồ sơ ghi thiếu dấu họ tên" in facts
    page.get_by_role("heading", name="Các giấy chứng nhận trước").wait_for()
    history = page.locator("main ul li").filter(has=page.get_by_role("link", name=old.number, exact=True))
    assert history.inner_text().strip() == (
        f"{old.number} — Hoàng Thi Nguyet (Đã được thay bằng giấy chứng nhận mới)")
    # "Open the PDF" shows it inline (Chromium's viewer): fetch the same address with the page's session
    new_pdf = page.request.get(page.get_by_role("link", name="Mở tệp PDF").get_attribute("href"))
    assert new_pdf.headers["content-type"] == "application/pdf"
    assert "Ông/Bà Hoàng Thị Nguyệt đã hoàn thành" in words(pdf_text(new_pdf.body()))

    # the public verification page of the old code (no JavaScript) says it was replaced and links to the new one
    visitor = browser.new_context(java_script_enabled=False, locale="vi-VN")
    anonymous = visitor.new_page()
    anonymous.goto(f"{live_server.url}/verify/{old.code}/")
    notice = anonymous.get_by_role("alert").inner_text()
    assert "Đã được thay thế." in notice and "không còn hiệu lực" in notice
    assert "Hợp lệ." not in anonymous.locator("main").inner_text()
    link = anonymous.get_by_role("link", name=f"Xem giấy chứng nhận {new.number}")
    assert link.get_attribute("href") == f"{live_server.url}/verify/{new.code}/"
    link.click()
    anonymous.wait_for_url(f"**/verify/{new.code}/")
    facts = anonymous.locator("main").inner_text()
    assert "Hợp lệ." in facts and "Hoàng Thị Nguyệt" in facts and new.number in facts
    visitor.close()
