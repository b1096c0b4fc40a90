"""The certificate PDF, drawn with reportlab in DejaVu Serif.

reportlab's bundled fonts (Vera) miss ă, ơ, ư and most Vietnamese letters with
tone marks; DejaVu covers every one of them, and its TrueType files ship in
``certificates/fonts/`` with their licence, so nothing has to be installed on
the machine. reportlab embeds only the glyphs used (a subset), which keeps a
certificate around 50 KB.
"""
from __future__ import annotations

import datetime as dt
import io
import itertools
import threading
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
import segno
from reportlab.lib.colors import HexColor, black
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape, portrait
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from .models import DEFAULT_BODY, CertificateTemplate, render_body

FONT_DIR = Path(__file__).resolve().parent / "fonts"
REGULAR, BOLD, ITALIC = "CertSerif", "CertSerif-Bold", "CertSerif-Italic"
INK = HexColor("#1d2330")
RED = HexColor("#a4161a")
FRAME = HexColor("#0b5394")
GOLD = HexColor("#b08d2f")
_fonts_lock = threading.Lock()
_fonts_ready = False


def register_fonts() -> None:
    """Register the DejaVu Serif faces with reportlab (once per process)."""
    global _fonts_ready
    if _fonts_ready:
        return
    with _fonts_lock:
        if not _fonts_ready:
            for name, filename in ((REGULAR, "DejaVuSerif.ttf"), (BOLD, "DejaVuSerif-Bold.ttf"),
                                   (ITALIC, "DejaVuSerif-Italic.ttf")):
                pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / filename)))
            pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=ITALIC, boldItalic=BOLD)
            _fonts_ready = True


@dataclass(frozen=True)
class Facts:
    """What a certificate states (frozen at issue, or sample data for a preview)."""

    number: str
    learner_name: str
    course_title: str
    hours: Decimal
    completed_on: dt.date
    issued_on: dt.date
    issuing_unit_name: str
    verify_url: str
    decision_number: str = ""
    class_title: str = ""
    score: Decimal | None = None


def vi_number(value: Decimal | None) -> str:
    """6 -> "6", 1.5 -> "1,5" (Vietnamese decimal comma); None -> "—"."""
    if value is None:
        return "—"
    text = f"{Decimal(value).normalize():f}"
    return text.replace(".", ",")


def body_text(template_body: str, facts: Facts) -> str:
    """The body with its placeholders filled (plain substitution: no format spec is ever evaluated)."""
    return render_body(template_body, {
        "learner_name": facts.learner_name, "course": facts.course_title, "hours": vi_number(facts.hours),
        "completion_date": facts.completed_on.strftime("%d/%m/%Y"), "score": vi_number(facts.score),
        "issuing_unit": facts.issuing_unit_name, "decision_number": facts.decision_number or "—",
        "class_title": facts.class_title or "—"})


@lru_cache(maxsize=32)
def _image(image_id: int, file_name: str) -> ImageReader | None:
    """An admin-uploaded image, read once per process (keyed by its file name, which changes on replace)."""
    from wagtail.images import get_image_model

    image = get_image_model().objects.filter(pk=image_id).first()
    if image is None:
        return None
    with image.file.open("rb") as handle:
        return ImageReader(io.BytesIO(handle.read()))


def _reader(image) -> ImageReader | None:
    return _image(image.pk, image.file.name) if image is not None else None


@lru_cache(maxsize=32)
def _private_image(name: str) -> ImageReader | None:
    """A private file of a template (seal, signature), read once per process (its name is random, new
    on every replacement)."""
    from django.core.files.storage import default_storage

    try:
        with default_storage.open(name, "rb") as handle:
            return ImageReader(io.BytesIO(handle.read()))
    except (FileNotFoundError, OSError):
        return None  # a file lost from storage: the certificate without it, not a failed issue


def _private_reader(field_file) -> ImageReader | None:
    return _private_image(field_file.name) if field_file else None


def _qr(canvas: Canvas, url: str, x: float, y: float, size: float, border: int = 2) -> None:
    """The QR code as one filled path: a rectangle per run of dark modules in a row.

    Encoded with segno (already used for the TOTP codes): about twice as fast as
    reportlab's QR widget, which also builds thousands of shape objects per code.
    """
    matrix = segno.make(url, error="m", micro=False).matrix
    box = size / (len(matrix) + 2 * border)
    path = canvas.beginPath()
    for row_index, row in enumerate(matrix):
        column = 0
        for dark, run in itertools.groupby(row):
            length = len(list(run))
            if dark:
                path.rect(x + (column + border) * box, y + size - (row_index + border + 1) * box, length * box, box)
            column += length
    canvas.setFillColor(black)
    canvas.drawPath(path, stroke=0, fill=1)


def _fit(canvas: Canvas, text: str, font: str, size: float, max_width: float) -> float:
    """The font size at which ``text`` fits ``max_width`` (never above ``size``)."""
    width = pdfmetrics.stringWidth(text, font, size)
    return size if width <= max_width else max(8.0, size * max_width / width)


def _frame(canvas: Canvas, width: float, height: float) -> None:
    canvas.setStrokeColor(FRAME)
    canvas.setLineWidth(3)
    canvas.rect(18, 18, width - 36, height - 36)
    canvas.setStrokeColor(GOLD)
    canvas.setLineWidth(1)
    canvas.rect(26, 26, width - 52, height - 52)


def _header(canvas: Canvas, template: CertificateTemplate, facts: Facts, width: float, top: float) -> None:
    left_x = width * 0.27 if template.show_national_motto else width / 2
    unit = facts.issuing_unit_name.upper()
    canvas.setFillColor(INK)
    canvas.setFont(BOLD, _fit(canvas, unit, BOLD, 11, width * 0.42))
    canvas.drawCentredString(left_x, top, unit)
    canvas.setLineWidth(0.6)
    canvas.line(left_x - 40, top - 6, left_x + 40, top - 6)
    if template.show_national_motto:
        right_x = width * 0.70
        canvas.setFont(BOLD, 11)
        canvas.drawCentredString(right_x, top, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
        canvas.setFont(BOLD, 12)
        motto = "Độc lập - Tự do - Hạnh phúc"
        canvas.drawCentredString(right_x, top - 16, motto)
        half = pdfmetrics.stringWidth(motto, BOLD, 12) / 2
        canvas.line(right_x - half, top - 20, right_x + half, top - 20)


def _signature_block(canvas: Canvas, template: CertificateTemplate, facts: Facts, x: float, y: float) -> None:
    """Date line, signer's title, signature (and seal), signer's name, centred on ``x`` from ``y`` down."""
    day = facts.issued_on
    date_line = _("%(place)s, day %(day)02d month %(month)02d year %(year)d") % {
        "place": template.place or "", "day": day.day, "month": day.month, "year": day.year}
    if not template.place:
        date_line = date_line.lstrip(", ").capitalize()
    canvas.setFillColor(INK)
    canvas.setFont(ITALIC, 11)
    canvas.drawCentredString(x, y, date_line)
    if template.signer_title:
        canvas.setFont(BOLD, 12)
        canvas.drawCentredString(x, y - 18, template.signer_title.upper())
    seal, signature = _private_reader(template.seal), _private_reader(template.signature)
    if seal is not None:
        canvas.drawImage(seal, x - 95, y - 112, width=90, height=90, mask="auto", preserveAspectRatio=True)
    if signature is not None:
        canvas.drawImage(signature, x - 60, y - 95, width=120, height=60, mask="auto", preserveAspectRatio=True)
    if template.signer_name:
        canvas.setFont(BOLD, 13)
        canvas.drawCentredString(x, y - 120, template.signer_name)


def render(facts: Facts, template: CertificateTemplate | None = None, *, watermark: str = "") -> bytes:
    """The certificate as PDF bytes; ``template`` None uses the built-in defaults."""
    register_fonts()
    template = template or CertificateTemplate(title="GIẤY CHỨNG NHẬN", body=DEFAULT_BODY)
    is_landscape = template.orientation != CertificateTemplate.Orientation.PORTRAIT
    width, height = landscape(A4) if is_landscape else portrait(A4)
    buffer = io.BytesIO()
    with translation.override(settings.LANGUAGE_CODE):
        # invariant: the same facts and template give the same bytes, so a PDF rendered again (lost file)
        # keeps the fingerprint the verification page shows; the document's date is the issue date.
        canvas = Canvas(buffer, pagesize=(width, height), pageCompression=1, invariant=1)
        issued = facts.issued_on
        canvas.setDateFormatter(lambda *_now: f"D:{issued:%Y%m%d}")
        canvas.setTitle(f"{template.title} {facts.number}")
        canvas.setAuthor(facts.issuing_unit_name)
        canvas.setSubject(f"{facts.learner_name} — {facts.course_title}")
        canvas.setCreator(settings.WAGTAIL_SITE_NAME)

        background = _reader(template.background_image)
        if background is not None:
            canvas.drawImage(background, 0, 0, width=width, height=height, preserveAspectRatio=False)
        else:
            _frame(canvas, width, height)
        if watermark:
            canvas.saveState()
            canvas.setFillColor(HexColor("#e6e6e6"))
            canvas.setFont(BOLD, 110)
            canvas.translate(width / 2, height / 2)
            canvas.rotate(28)
            canvas.drawCentredString(0, -40, watermark)
            canvas.restoreState()

        top = height - 62
        _header(canvas, template, facts, width, top)

        y = top - (75 if is_landscape else 110)
        canvas.setFillColor(RED)
        canvas.setFont(BOLD, _fit(canvas, template.title, BOLD, 32, width - 120))
        canvas.drawCentredString(width / 2, y, template.title)

        y -= 42
        canvas.setFillColor(INK)
        canvas.setFont(ITALIC, 13)
        canvas.drawCentredString(width / 2, y, _("This certifies that"))
        y -= 38
        canvas.setFillColor(FRAME)
        canvas.setFont(BOLD, _fit(canvas, facts.learner_name, BOLD, 28, width - 140))
        canvas.drawCentredString(width / 2, y, facts.learner_name)

        style = ParagraphStyle("body", fontName=REGULAR, fontSize=14, leading=20, alignment=TA_CENTER,
                               textColor=INK)
        body_width = width * (0.72 if is_landscape else 0.8)
        paragraph = Paragraph(escape(body_text(template.body, facts)).replace("\n", "<br/>"), style)
        _w, body_height = paragraph.wrap(body_width, height)
        y -= 22 + body_height
        paragraph.drawOn(canvas, (width - body_width) / 2, y)
        if facts.decision_number:
            y -= 20
            canvas.setFillColor(INK)
            canvas.setFont(ITALIC, 11)
            canvas.drawCentredString(width / 2, y, facts.decision_number)

        sign_x = width * (0.72 if is_landscape else 0.68)
        sign_y = min(y - 30, 190 if is_landscape else 260)
        _signature_block(canvas, template, facts, sign_x, sign_y)

        qr_size = 92
        _qr(canvas, facts.verify_url, 44, 44, qr_size)
        canvas.setFillColor(INK)
        canvas.setFont(BOLD, 10)
        canvas.drawString(44 + qr_size + 10, 44 + 62, _("No. %(number)s") % {"number": facts.number})
        canvas.setFont(REGULAR, 8)
        canvas.drawString(44 + qr_size + 10, 44 + 46, _("Scan the code or open this address to verify:"))
        canvas.drawString(44 + qr_size + 10, 44 + 34, facts.verify_url)
        canvas.showPage()
        canvas.save()
    return buffer.getvalue()


SAMPLE_NAME = "Nguyễn Thị Hường"


def sample_facts(template: CertificateTemplate) -> Facts:
    """Sample data for the admin preview (with the template's own course and unit when set)."""
    course = template.course if template.course_id else None
    today = timezone.localdate()
    unit = template.issuing_unit.name if template.issuing_unit_id else settings.CERTIFICATE_ISSUER_NAME
    return Facts(
        number=f"{template.number_prefix or 'STP'}-{today.year}-000123", learner_name=SAMPLE_NAME,
        course_title=course.title if course else "Chuyển đổi số trong công tác phổ biến, giáo dục pháp luật",
        hours=course.estimated_hours if course else Decimal("6"), completed_on=today, issued_on=today,
        issuing_unit_name=unit, decision_number=template.decision_number,
        class_title=template.training_class.title if template.training_class_id else "", score=Decimal("92.5"),
        verify_url=f"{settings.SITE_URL}/verify/MAU-XEM-TRUOC/")


def render_sample(template: CertificateTemplate) -> bytes:
    """The preview: sample data, marked "SAMPLE" across the page."""
    with translation.override(settings.LANGUAGE_CODE):
        watermark = _("SAMPLE")
    return render(sample_facts(template), template, watermark=watermark)
