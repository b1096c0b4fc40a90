"""The certificate PDF: Vietnamese names survive exactly, the QR code leads to the verification page."""
import unicodedata
from decimal import Decimal

import pytest
from django.utils import timezone
from reportlab.pdfbase import pdfmetrics

from certificates import pdf
from certificates.models import CertificateTemplate
from certificates.services import certificate_issue
from tests.factories import make_certificate_template, make_completed_enrollment, make_profile, make_user

from .helpers import pdf_qr_codes, pdf_text

pytestmark = pytest.mark.django_db


def vietnamese_letters() -> set[str]:
    letters = set("đĐ")
    for base in "aăâeêioôơuưyAĂÂEÊIOÔƠUƯY":
        for tone in ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"):
            letters.add(unicodedata.normalize("NFC", base + tone))
    return letters


def test_the_embedded_fonts_have_every_vietnamese_letter():
    pdf.register_fonts()
    letters = vietnamese_letters()
    assert len(letters) == 146
    for face in (pdf.REGULAR, pdf.BOLD, pdf.ITALIC):
        glyphs = pdfmetrics.getFont(face).face.charToGlyph
        assert [ch for ch in sorted(letters) if ord(ch) not in glyphs] == [], face


@pytest.mark.parametrize("name", ["Nguyễn Thị Hường", "Đặng Văn Ước"])
def test_the_pdf_text_has_the_exact_name_and_course(name, province, course):
    # given a learner whose profile carries the name, and a completed course
    user = make_user()
    make_profile(province["dako"], name, user=user)
    enrollment = make_completed_enrollment(user, course)

    # when the certificate is issued
    certificate = certificate_issue(enrollment_id=enrollment.pk)

    # then the stored PDF's text holds the name and the course title exactly as written
    text = pdf_text(certificate.pdf.read())
    assert name in text
    assert "Chuyển đổi số trong công tác phổ biến," in text and "giáo dục" in text
    assert certificate.number in text
    assert "GIẤY CHỨNG NHẬN" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text


def test_the_qr_code_decodes_to_the_verification_url(learner, course):
    enrollment = make_completed_enrollment(learner, course)
    certificate = certificate_issue(enrollment_id=enrollment.pk)

    assert pdf_qr_codes(certificate.pdf.read()) == [f"http://testserver/verify/{certificate.code}/"]


def test_a_template_shapes_the_text_with_its_placeholders(learner, course, province):
    make_certificate_template(
        province["justice"], course=course, title="CHỨNG NHẬN HOÀN THÀNH", place="Lâm Sơn",
        signer_title="Giám đốc", signer_name="Trần Văn Minh", decision_number="Quyết định số 12/QĐ-STP",
        body="Ông/bà {learner_name} đã học {hours} giờ khóa “{course}”; điểm: {score}; đơn vị: {issuing_unit}.")
    enrollment = make_completed_enrollment(learner, course)

    certificate = certificate_issue(enrollment_id=enrollment.pk)

    text = " ".join(pdf_text(certificate.pdf.read()).split())
    assert "CHỨNG NHẬN HOÀN THÀNH" in text
    assert "Ông/bà Nguyễn Thị Hường đã học 6 giờ" in text
    assert "điểm: —; đơn vị: Sở Tư pháp." in text
    assert "Quyết định số 12/QĐ-STP" in text
    assert "GIÁM ĐỐC" in text and "Trần Văn Minh" in text
    today = timezone.localdate()
    assert f"Lâm Sơn, ngày {today.day:02d} tháng {today.month:02d} năm {today.year}" in text


def test_the_preview_uses_sample_data_and_says_it_is_a_sample(province):
    template = CertificateTemplate(name="x", issuing_unit=province["justice"], orientation="portrait")

    content = pdf.render_sample(template)

    text = pdf_text(content)
    assert pdf.SAMPLE_NAME in text and "Sở Tư pháp".upper() in text and "MẪU" in text


def test_vietnamese_numbers_use_a_decimal_comma():
    assert pdf.vi_number(Decimal("6.0")) == "6"
    assert pdf.vi_number(Decimal("1.5")) == "1,5"
    assert pdf.vi_number(None) == "—"
