"""Benchmark: issuing 1,000 certificates (the yearly intake of a mid-sized class season).

Measures, in one process:
  (a) the platform: ``certificates.services.certificate_issue`` per completed enrolment — number
      from the locked yearly sequence, frozen facts, score, the PDF (DejaVu subset, QR code,
      header, signature block) rendered and stored, SHA-256 — then a second pass (idempotent: no work);
  (b) a baseline: a bare reportlab canvas with the same text in the same font, kept in memory
      (no QR code, no layout, no database, no storage).
Prints PDFs per second and mean size of both, the ratio a/b, and ends with one JSON line.

    .venv/bin/python bench/certificates.py [--count 1000]

Uses a throwaway SQLite database and media folder under a temporary VAR_DIR unless DATABASE_URL is set.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1000)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-certificates-"))
    os.environ.setdefault("VAR_DIR", str(workdir))
    os.environ["DJANGO_SETTINGS_MODULE"] = "lms.settings.test"
    os.environ.setdefault("LMS_TEST_RUN", "bench-certificates")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone
    from reportlab.pdfgen.canvas import Canvas

    from certificates import pdf, services
    from certificates.models import Certificate
    from courses.models import CatalogPage, CoursePage
    from courses.services import catalog_ensure
    from enrollment.models import Enrollment
    from lms.pages import home_page_ensure
    from people.models import Category, Profile
    from people.services import org_unit_create

    settings.MEDIA_ROOT = workdir / "media"
    settings.CERTIFICATE_SIGNING_KEY_FILE = str(workdir / "issuer.pem")
    call_command("migrate", verbosity=0)
    unit = org_unit_create(name="Xã Đắk Ơ", code="XA-DAKO-BENCH")
    catalog = CatalogPage.objects.first() or catalog_ensure(parent=home_page_ensure(), title="Khóa học",
                                                            slug="khoa-hoc")
    course = catalog.add_child(instance=CoursePage(
        title="Chuyển đổi số trong công tác phổ biến, giáo dục pháp luật", slug=f"bench-{os.getpid()}",
        summary="Bench", topic="digital_transformation", estimated_hours=6))
    names = ["Nguyễn Thị Hường", "Đặng Văn Ước", "Trần Thị Ánh Tuyết", "Lò Văn Páo", "H'Hen Niê"]
    User = get_user_model()
    users = User.objects.bulk_create([User(username=f"bench{n}", email=f"bench{n}@example.org")
                                      for n in range(args.count)])
    Profile.objects.bulk_create([Profile(user=user, full_name=f"{names[n % len(names)]} {n}", org_unit=unit,
                                         id_code=f"BENCH{n:08d}", category=Category.CBCCVC)
                                 for n, user in enumerate(users)])
    now = timezone.now()
    enrollments = Enrollment.objects.bulk_create([
        Enrollment(user=user, course=course, status=Enrollment.Status.COMPLETED, completed_at=now,
                   completion_modality="online_self_paced") for user in users])
    ids = [e.pk for e in enrollments] if enrollments[0].pk else list(
        Enrollment.objects.filter(course=course).order_by("pk").values_list("pk", flat=True))

    # (b) baseline: the same words on a bare canvas, same embedded font, in memory
    pdf.register_fonts()
    baseline_sizes = []
    started = time.perf_counter()
    for n in range(args.count):
        buffer = io.BytesIO()
        canvas = Canvas(buffer, pagesize=(842, 595))
        canvas.setFont(pdf.BOLD, 28)
        canvas.drawString(60, 500, "GIẤY CHỨNG NHẬN")
        canvas.drawString(60, 450, f"{names[n % len(names)]} {n}")
        canvas.setFont(pdf.REGULAR, 14)
        canvas.drawString(60, 400, f"Đã hoàn thành khóa bồi dưỡng “{course.title}” (6 giờ)")
        canvas.drawString(60, 370, f"STP-2026-{n + 1:06d} http://127.0.0.1:8000/verify/0123456789abcdefghijkl/")
        canvas.showPage()
        canvas.save()
        baseline_sizes.append(len(buffer.getvalue()))
    baseline_seconds = time.perf_counter() - started

    # (a) the platform's issue, one enrolment at a time, as the Celery task does it
    started = time.perf_counter()
    for enrollment_id in ids:
        services.certificate_issue(enrollment_id=enrollment_id)
    platform_seconds = time.perf_counter() - started
    started = time.perf_counter()
    for enrollment_id in ids:
        services.certificate_issue(enrollment_id=enrollment_id)
    rerun_seconds = time.perf_counter() - started

    certificates = list(Certificate.objects.filter(enrollment__course=course))
    assert len(certificates) == args.count, "one certificate per enrolment"
    sizes = [c.pdf.size for c in certificates]
    numbers = sorted(c.number for c in certificates)
    assert numbers[-1].endswith(f"{args.count:06d}"), "numbers follow each other"

    pdfs_per_s = args.count / platform_seconds
    baseline_per_s = args.count / baseline_seconds
    mean_kb = statistics.mean(sizes) / 1024
    print(f"certificates issued: {args.count} (PDF stored, numbered, facts frozen)")
    print(f"platform: {pdfs_per_s:.1f} PDFs/s, mean {mean_kb:.1f} KB, {platform_seconds:.1f} s in all")
    print(f"baseline (bare canvas, same text and font): {baseline_per_s:.1f} PDFs/s, "
          f"mean {statistics.mean(baseline_sizes) / 1024:.1f} KB")
    print(f"ratio platform/baseline: {pdfs_per_s / baseline_per_s:.2f} (the time a certificate costs: "
          f"{platform_seconds / baseline_seconds:.1f}x a bare page)")
    print(f"second pass (idempotent, nothing issued): {args.count / rerun_seconds:.0f} enrolments/s")
    print(json.dumps({"pdfs_per_s": round(pdfs_per_s, 2), "mean_kb": round(mean_kb, 1),
                      "baseline_pdfs_per_s": round(baseline_per_s, 2),
                      "ratio": round(pdfs_per_s / baseline_per_s, 3), "count": args.count}))


if __name__ == "__main__":
    main()
