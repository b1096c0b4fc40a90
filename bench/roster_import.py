"""Benchmark: importing a province-sized roster (50,000 rows by default).

Measures, in one process and on the same file:
  (a) the platform's import: whole-file validation + upsert in batches with progress,
  (b) a baseline: openpyxl reading the same file + one bulk_create of the same rows,
  (c) re-importing the same file (nothing changes) and an updated file (10% changed).
Prints the ratio a/b and ends with one JSON line.

    .venv/bin/python bench/roster_import.py [--rows 50000]

Uses a throwaway SQLite database under a temporary VAR_DIR unless DATABASE_URL is set.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-roster-"))
    os.environ.setdefault("VAR_DIR", str(workdir))
    os.environ["DJANGO_SETTINGS_MODULE"] = "lms.settings.test"
    import django

    django.setup()
    from django.core.files import File
    from django.core.management import call_command
    from openpyxl import Workbook, load_workbook

    from people.models import Category, OrgUnit, Profile, RosterImport
    from people.services import org_unit_create, roster_import_create, roster_import_run

    call_command("migrate", verbosity=0)
    Profile.objects.all().delete()
    province = org_unit_create(name="Tỉnh Bench", code="BENCH")
    codes = [org_unit_create(name=f"Xã {n}", code=f"XA-{n:03d}", parent=province).code for n in range(300)]

    def write_roster(path: Path, rename_every: int = 0) -> None:
        book = Workbook(write_only=True)
        sheet = book.create_sheet()
        sheet.append(["Mã định danh", "Họ và tên", "Ngày sinh", "Mã đơn vị", "Đối tượng", "Khu vực",
                      "Vùng DTTS", "Thuộc diện chỉ tiêu", "Email"])
        for n in range(args.rows):
            name = "Nguyễn Thị Hường" if not rename_every or n % rename_every else "Đặng Văn Ước"
            sheet.append([f"{n:012d}", f"{name} {n}", "12/03/1988", codes[n % len(codes)],
                          "Tuyên truyền viên pháp luật", "nông thôn", "không", "có", f"p{n}@example.org"])
        book.save(path)

    roster = workdir / "roster.xlsx"
    updated = workdir / "roster-updated.xlsx"
    write_roster(roster)
    write_roster(updated, rename_every=10)

    def platform_import(path: Path) -> tuple[float, RosterImport]:
        started = time.perf_counter()
        with path.open("rb") as handle:
            job = roster_import_create(uploaded_file=File(handle, name=path.name), enqueue=False)
        job = roster_import_run(import_id=job.pk)
        return time.perf_counter() - started, job

    # (b) baseline: read + one bulk insert, no validation, no progress
    started = time.perf_counter()
    units = dict(OrgUnit.objects.values_list("code", "id"))
    book = load_workbook(roster, read_only=True)
    rows = list(book.worksheets[0].iter_rows(min_row=2, values_only=True))
    Profile.objects.bulk_create([
        Profile(id_code=r[0], full_name=r[1], org_unit_id=units[r[3]], category=Category.LEGAL_PROPAGANDIST,
                email=r[8]) for r in rows], batch_size=1000)
    baseline_s = time.perf_counter() - started
    Profile.objects.all().delete()

    import_s, job = platform_import(roster)
    assert job.status == "done" and job.created_count == args.rows, (job.status, job.errors[:3])
    reimport_s, again = platform_import(roster)
    assert (again.created_count, again.updated_count) == (0, 0)
    update_s, changed = platform_import(updated)
    assert changed.updated_count == args.rows // 10, changed.updated_count
    assert Profile.objects.count() == args.rows

    print(f"rows: {args.rows}")
    print(f"(a) platform import, new roster:      {import_s:8.2f} s")
    print(f"(b) baseline read + bulk_create:      {baseline_s:8.2f} s")
    print(f"    ratio a/b:                        {import_s / baseline_s:8.2f}")
    print(f"(c) re-import, nothing changed:       {reimport_s:8.2f} s")
    print(f"    re-import, 10% of rows changed:   {update_s:8.2f} s")
    print(json.dumps({"rows": args.rows, "import_s": round(import_s, 2), "baseline_s": round(baseline_s, 2),
                      "import_over_baseline": round(import_s / baseline_s, 2),
                      "reimport_s": round(reimport_s, 2), "update_10pct_s": round(update_s, 2)}))


if __name__ == "__main__":
    main()
