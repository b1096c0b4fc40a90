"""Demo content of the certificates app: a general certificate template of the Department of Justice
(with a drawn sample seal and signature) and a certificate for each completion of the demo learner.
Idempotent. Runs after the people, courses and enrollment seeders.
"""
from __future__ import annotations

import io
import math

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont

from enrollment.selectors import certificates as completions
from people.selectors import org_unit_by_code

from . import services
from .models import CertificateTemplate
from .pdf import FONT_DIR

TEMPLATE_NAME = "Mẫu chung — Sở Tư pháp"
DEMO_LEARNER = "hocvien"


def _png(image: PILImage.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def draw_seal(text: str = "SỞ TƯ PHÁP") -> bytes:
    """A round red seal marked "MẪU" (sample): never mistaken for a real one."""
    size, red = 400, (200, 20, 30, 215)
    image = PILImage.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, size - 8, size - 8), outline=red, width=14)
    draw.ellipse((48, 48, size - 48, size - 48), outline=red, width=5)
    centre, radius = size / 2, 52
    star = [(centre + radius * math.cos(math.radians(-90 + i * 36)) * (1 if i % 2 == 0 else 0.4),
             centre + radius * math.sin(math.radians(-90 + i * 36)) * (1 if i % 2 == 0 else 0.4)) for i in range(10)]
    draw.polygon(star, fill=red)
    font = ImageFont.truetype(str(FONT_DIR / "DejaVuSerif-Bold.ttf"), 34)
    for line, y in ((text, 92), ("MẪU", 270)):
        width = draw.textlength(line, font=font)
        draw.text((centre - width / 2, y), line, font=font, fill=red)
    return _png(image)


def draw_signature() -> bytes:
    image = PILImage.new("RGBA", (480, 200), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    points = [(30 + t * 4.2, 110 - 55 * math.sin(t / 7.0) * math.exp(-t / 160) + 12 * math.sin(t / 2.2))
              for t in range(100)]
    draw.line(points, fill=(20, 40, 140, 255), width=6, joint="curve")
    draw.line([(60, 150), (420, 120)], fill=(20, 40, 140, 255), width=4)
    return _png(image)


def seed_certificates() -> CertificateTemplate | None:
    """The demo template, and certificates for the demo learner's completions (issued once)."""
    unit = org_unit_by_code("SO-TP")
    if unit is None:
        return None
    template = CertificateTemplate.objects.filter(name=TEMPLATE_NAME).first()
    if template is None:
        template = CertificateTemplate.objects.create(
            name=TEMPLATE_NAME, issuing_unit=unit, place="Lâm Sơn", signer_title="Giám đốc",
            signer_name="Trần Văn Minh", decision_number="Quyết định số 125/QĐ-STP ngày 02/01/2026",
            seal=ContentFile(draw_seal(), name="con-dau-mau.png"),
            signature=ContentFile(draw_signature(), name="chu-ky-mau.png"))
    learner = get_user_model().objects.filter(username=DEMO_LEARNER).first()
    if learner is not None:
        for enrollment_id in completions.completed_enrollment_ids(learner):
            services.certificate_issue(enrollment_id=enrollment_id)
    return template
