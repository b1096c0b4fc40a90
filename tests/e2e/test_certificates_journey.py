"""A learner completes a course, finds the certificate in My certificates and downloads the PDF; an
anonymous visitor (JavaScript off) follows the QR code and sees "valid"; a unit manager revokes it in
the admin and the same page then shows it revoked, with the reason."""
import re

import pytest
from django.contrib.auth import get_user_model

from certificates.models import Certificate
from enrollment import services as enrollment_services
from people.demo import seed_people
from tests.certificates.helpers import pdf_qr_codes, pdf_text
from tests.factories import make_catalog, make_course, make_lesson, make_module

from .conftest import log_in, serious_accessibility_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_complete_download_verify_revoke(browser, page, live_server, settings, tmp_path):
    settings.SITE_URL = live_server.url
    settings.CERTIFICATE_SIGNING_KEY_FILE = str(tmp_path / "issuer.pem")
    seed_people(learners=3)
    learner = get_user_model().objects.get(username="hocvien")
    course = make_course(make_catalog(), title="Kỹ năng hòa giải ở cơ sở", estimated_hours=8)
    lesson = make_lesson(make_module(course, title="Học phần 1"), title="Bài 1: Nguyên tắc hòa giải")

    # the learner completes the course (through the services: enrol, read the one lesson);
    # completion is committed, the signal fires, the Celery task (eager in tests) issues the certificate
    enrollment_services.enroll(user=learner, course=course)
    enrollment_services.lesson_visit(user=learner, lesson=lesson)
    certificate = Certificate.objects.get(learner=learner)

    # My learning -> My certificates -> download the PDF
    log_in(page, "hocvien")
    page.goto("/learning/")
    page.get_by_role("link", name="Giấy chứng nhận của tôi").click()
    page.wait_for_url("**/certificates/")
    assert certificate.number in page.locator("main").inner_text()
    assert serious_accessibility_violations(page) == []
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải giấy chứng nhận (PDF)").click()
    assert download.value.suggested_filename == f"Giấy chứng nhận {certificate.number} - Nguyễn Thị Hường.pdf"
    content = (tmp_path / "downloaded.pdf")
    download.value.save_as(content)
    pdf = content.read_bytes()
    assert "Nguyễn Thị Hường" in pdf_text(pdf) and "Kỹ năng hòa giải ở cơ sở" in pdf_text(pdf)
    [verify_url] = pdf_qr_codes(pdf)
    assert verify_url == f"{live_server.url}/verify/{certificate.code}/"

    # an anonymous visitor without JavaScript follows the QR code
    visitor = browser.new_context(java_script_enabled=False, locale="vi-VN")
    anonymous = visitor.new_page()
    anonymous.goto(verify_url)
    facts = anonymous.locator("main").inner_text()
    assert "Hợp lệ." in facts and "Nguyễn Thị Hường" in facts and certificate.number in facts

    # ...or, holding only the PDF, finds the verification page from the footer and checks the file itself
    anonymous.get_by_role("link", name="Tra cứu giấy chứng nhận", exact=True).click()
    anonymous.get_by_label("Tệp PDF giấy chứng nhận").set_input_files(str(content))
    anonymous.get_by_role("button", name="Kiểm tra tệp").click()
    facts = anonymous.locator("main").inner_text()
    assert f"trùng khớp từng byte với tệp PDF đã cấp cho giấy chứng nhận số {certificate.number}" in facts
    assert "Hợp lệ." in facts and "Nguyễn Thị Hường" in facts
    # a copy with one byte changed (it looks the same when printed) is not recognised
    edited = tmp_path / "edited.pdf"
    edited.write_bytes(pdf.replace(b"Generated PDF document", b"Generated PDF Document", 1))
    anonymous.goto(f"{live_server.url}/verify/")
    anonymous.get_by_label("Tệp PDF giấy chứng nhận").set_input_files(str(edited))
    anonymous.get_by_role("button", name="Kiểm tra tệp").click()
    facts = anonymous.locator("main").inner_text()
    assert "Không tìm thấy." in facts and "Nguyễn Thị Hường" not in facts
    anonymous.goto(verify_url)

    # a unit manager of the learner's commune revokes it in the admin
    manager = browser.new_context(base_url=live_server.url, locale="vi-VN")
    admin = manager.new_page()
    admin.set_default_timeout(15000)
    log_in(admin, "tanan.quanly")
    admin.goto("/admin/certificates/")
    admin.get_by_role("link", name=certificate.number).click()
    admin.get_by_label("Lý do thu hồi").fill("Điểm danh ghi nhầm")
    admin.get_by_role("button", name="Thu hồi giấy chứng nhận").click()
    admin.wait_for_url(re.compile(rf"/admin/certificates/{certificate.pk}/$"))
    assert f"Đã thu hồi giấy chứng nhận {certificate.number}." in admin.content()

    # the same page now says revoked, with the reason
    anonymous.reload()
    facts = anonymous.locator("main").inner_text()
    assert "Đã thu hồi." in facts and "Điểm danh ghi nhầm" in facts and "Hợp lệ." not in facts
    visitor.close()
    manager.close()
