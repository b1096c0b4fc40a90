"""Public verification (page and JSON), its rate limit, and the learner's own pages."""
import hashlib
import re
from urllib.parse import quote

import pytest
from django.urls import reverse

from certificates import services
from certificates.models import Certificate
from tests.factories import make_completed_enrollment

from .helpers import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(learner, course):
    return services.certificate_issue(enrollment_id=make_completed_enrollment(learner, course).pk)


def verify(client, code, **extra):
    return client.get(f"/verify/{code}/", **extra)


def test_the_verification_page_shows_the_frozen_facts_without_javascript(client, certificate, course):
    # the course is renamed after issue: the page keeps what was certified
    course.title = "Tên mới của khóa học"
    course.save_revision().publish()

    response = verify(client, certificate.code)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Hợp lệ." in html and "Nguyễn Thị Hường" in html and certificate.number in html
    assert "Chuyển đổi số trong công tác phổ biến, giáo dục pháp luật" in html and "Tên mới" not in html
    assert "<script" not in html
    assert response["X-Robots-Tag"] == "noindex"


def test_a_revoked_certificate_shows_as_revoked_with_its_reason(client, certificate):
    services.certificate_revoke(certificate_id=certificate.pk, by=None, reason="Hồ sơ không hợp lệ")

    html = verify(client, certificate.code).content.decode()

    assert "Đã thu hồi." in html and "Hồ sơ không hợp lệ" in html and "Hợp lệ." not in html


def test_a_superseded_certificate_points_to_its_replacement(client, certificate):
    new = services.certificate_reissue(certificate_id=certificate.pk, by=None, learner_name="Nguyễn Thị Hương",
                                       reason="Sai tên")
    html = verify(client, certificate.code).content.decode()
    assert "Đã được thay thế." in html and new.number in html and f"/verify/{new.code}/" in html


@pytest.mark.parametrize("alter", [
    lambda code: code[:-1] + ("A" if code[-1] != "A" else "B"),  # one character changed
    lambda code: code[:-1],                                      # truncated
    lambda code: "x" * 22,                                       # made up
])
def test_an_unknown_or_altered_code_shows_not_found(client, certificate, alter):
    response = verify(client, alter(certificate.code))
    html = response.content.decode()
    assert response.status_code == 404
    assert "Không tìm thấy." in html and "Nguyễn Thị Hường" not in html


def test_guessing_is_rate_limited_per_address(client, certificate, settings):
    settings.CERTIFICATE_VERIFY_MISSES_PER_HOUR = 3
    for n in range(3):
        assert verify(client, f"{n:022d}").status_code == 404
    # valid codes do not count, but once the limit is hit even a valid code waits
    blocked = verify(client, certificate.code)
    assert blocked.status_code == 429
    assert "Có quá nhiều mã không đúng" in blocked.content.decode()
    api = client.get(reverse("certificates_api:api_verify", args=[certificate.code]))
    assert api.status_code == 429
    # another address is not affected
    assert verify(client, certificate.code, REMOTE_ADDR="10.9.8.7").status_code == 200


def test_valid_lookups_do_not_count_toward_the_limit(client, certificate, settings):
    settings.CERTIFICATE_VERIFY_MISSES_PER_HOUR = 2
    for _n in range(10):
        assert verify(client, certificate.code).status_code == 200


def test_the_json_endpoint_gives_the_same_facts(client, certificate):
    response = client.get(reverse("certificates_api:api_verify", args=[certificate.code]))
    data = response.json()
    assert response.status_code == 200
    assert data["status"] == "valid" and data["number"] == certificate.number
    assert data["learner_name"] == "Nguyễn Thị Hường" and data["hours"] == "6.0"
    services.certificate_revoke(certificate_id=certificate.pk, by=None, reason="Thu hồi")
    data = client.get(reverse("certificates_api:api_verify", args=[certificate.code])).json()
    assert (data["status"], data["revoked_reason"]) == ("revoked", "Thu hồi")
    missing = client.get(reverse("certificates_api:api_verify", args=["y" * 22]))
    assert missing.status_code == 404 and missing.json()["detail"] == "Không có giấy chứng nhận nào có mã này."


def test_the_learner_downloads_their_own_pdf_with_its_vietnamese_name(client, learner, certificate):
    client.force_login(learner)
    response = client.get(reverse("certificates:download", args=[certificate.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content == certificate.pdf.open("rb").read()
    disposition = response["Content-Disposition"]
    expected = f"Giấy chứng nhận {certificate.number} - Nguyễn Thị Hường.pdf"
    assert f"filename*=UTF-8''{quote(expected, safe='')}" in disposition
    assert f'filename="Giay chung nhan {certificate.number} - Nguyen Thi Huong.pdf"' in disposition


def test_a_learner_cannot_download_another_learners_certificate(client, other_learner, certificate):
    client.force_login(other_learner)
    assert client.get(reverse("certificates:download", args=[certificate.pk])).status_code == 404
    assert client.get(reverse("certificates:openbadge", args=[certificate.pk])).status_code == 404
    assert certificate.number not in client.get(reverse("certificates:mine")).content.decode()
    assert client.get(reverse("certificates_api:api_mine")).json() == []


def test_anonymous_visitors_are_sent_to_log_in(client, certificate):
    response = client.get(reverse("certificates:download", args=[certificate.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_revoked_certificate_is_not_downloadable(client, learner, certificate):
    services.certificate_revoke(certificate_id=certificate.pk, by=None, reason="Thu hồi")
    client.force_login(learner)
    response = client.get(reverse("certificates:download", args=[certificate.pk]))
    assert response.status_code == 410 and "Thu hồi" in response.content.decode()


def test_my_certificates_and_my_learning_link_to_the_download(client, learner, certificate):
    client.force_login(learner)
    mine = client.get(reverse("certificates:mine")).content.decode()
    assert certificate.number in mine and reverse("certificates:download", args=[certificate.pk]) in mine
    learning = client.get(reverse("enrollment:my_learning")).content.decode()
    assert reverse("certificates:download", args=[certificate.pk]) in learning
    assert "Tải giấy chứng nhận" in learning and reverse("certificates:mine") in learning
    api = client.get(reverse("certificates_api:api_mine")).json()
    assert [row["number"] for row in api] == [certificate.number]
    assert api[0]["verify_url"] == f"http://testserver/verify/{certificate.code}/"


def test_a_lost_pdf_is_rendered_again_from_the_frozen_facts(client, learner, certificate):
    certificate.pdf.storage.delete(certificate.pdf.name)
    client.force_login(learner)
    response = client.get(reverse("certificates:download", args=[certificate.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert re.search(rb"%%EOF\s*$", response.content)
    assert Certificate.objects.get().pdf_sha256


# --- verifying without a QR scanner: a typed code, or the PDF file itself ---------------------------

def test_a_typed_code_or_pasted_address_leads_to_its_page(client, certificate):
    assert "Tra cứu giấy chứng nhận" in client.get("/").content.decode()  # the footer link
    form = client.get("/verify/")
    assert form.status_code == 200 and "Mã tra cứu" in form.content.decode()
    for typed in (f"  {certificate.code[:11]} {certificate.code[11:]} ", f"{certificate.code}",
                  f"http://testserver/verify/{certificate.code}/"):
        response = client.get("/verify/", {"code": typed})
        assert response.status_code == 302 and response["Location"] == f"/verify/{certificate.code}/"
    empty = client.get("/verify/", {"code": "   "})
    assert empty.status_code == 400 and "Hãy nhập mã in trên giấy chứng nhận." in empty.content.decode()


def upload(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_the_issued_pdf_checks_out_byte_for_byte(client, certificate):
    with certificate.pdf.open("rb") as handle:
        original = handle.read()

    response = client.post("/verify/", {"file": upload("Giấy chứng nhận.pdf", original)})

    html = response.content.decode()
    assert response.status_code == 200
    assert f"trùng khớp từng byte với tệp PDF đã cấp cho giấy chứng nhận số {certificate.number}" in html
    assert "Hợp lệ." in html and "Nguyễn Thị Hường" in html


def test_an_edited_pdf_does_not_pass(client, certificate):
    with certificate.pdf.open("rb") as handle:
        original = handle.read()
    # one letter changed in a comment: the PDF still opens and looks the same, but it is not the one issued
    edited = original.replace(b"Generated PDF document", b"Generated PDF Document", 1)
    assert edited != original and pdf_text(edited) == pdf_text(original)

    response = client.post("/verify/", {"file": upload("sua.pdf", edited)})

    html = response.content.decode()
    assert response.status_code == 404
    assert "không phải là tệp PDF giấy chứng nhận do nền tảng cấp" in html and certificate.number not in html


def test_a_file_that_is_not_a_pdf_is_refused_with_a_message(client, certificate, settings, monkeypatch):
    response = client.post("/verify/", {"file": upload("anh.pdf", b"\x89PNG\r\n\x1a\n" + b"0" * 100)})
    assert response.status_code == 400 and "Tệp này không phải là tệp PDF." in response.content.decode()
    settings.CERTIFICATE_CHECK_MAX_BYTES = 1000
    big = client.post("/verify/", {"file": upload("lon.pdf", b"%PDF-" + b"0" * 2000)})
    assert big.status_code == 400 and "Tệp này lớn hơn mọi giấy chứng nhận" in big.content.decode()
    # a body announced far larger is refused before it is read (the form never sees the file)
    from certificates.forms import VerifyFileForm

    monkeypatch.setattr(VerifyFileForm, "clean_file", lambda form: pytest.fail("the upload was read"))
    huge = client.post("/verify/", {"file": upload("lon.pdf", b"%PDF-" + b"0" * 70000)})
    assert huge.status_code == 400 and "Tệp này lớn hơn mọi giấy chứng nhận (tối đa 0 MB)" in huge.content.decode()


def test_checking_made_up_files_counts_toward_the_guessing_limit(client, certificate, settings):
    settings.CERTIFICATE_VERIFY_MISSES_PER_HOUR = 2
    for n in range(2):
        assert client.post("/verify/", {"file": upload("x.pdf", b"%%PDF-1.4 %d" % n)}).status_code == 404
    assert client.post("/verify/", {"file": upload("x.pdf", b"%PDF-1.4 9")}).status_code == 429
    assert client.get("/verify/", {"code": certificate.code}).status_code == 429


def test_a_pdf_rendered_again_keeps_its_fingerprint(client, learner, certificate):
    fingerprint = certificate.pdf_sha256
    certificate.pdf.storage.delete(certificate.pdf.name)
    client.force_login(learner)

    again = client.get(reverse("certificates:download", args=[certificate.pk]))

    assert again.status_code == 200
    certificate.refresh_from_db()
    assert certificate.pdf_sha256 == fingerprint
    assert hashlib.sha256(again.content).hexdigest() == fingerprint
