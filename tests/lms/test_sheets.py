"""The one spreadsheet/CSV writer (lms.sheets): no cell of any export is a formula (issue 13, finding 7).

Before this writer, a learner named "=1+1", "+1", "-1" or "@SUM(1)" came out as a formula in the
contest results, the reporting lists and the profile export; these tests failed then.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from lms import sheets
from people.models import Role
from tests.factories import login_verified, make_catalog, make_course, make_profile, make_staff, make_user
from tests.spreadsheets import FORMULA_NAMES, assert_names_visible, csv_cells, xlsx_cells

ROOT = Path(__file__).resolve().parents[2]


def test_text_that_starts_like_a_formula_is_text_in_both_formats_while_numbers_and_dates_stay_values():
    rows = [[name, -1, 2.5, Decimal("3.25"), dt.date(2026, 3, 2), dt.timedelta(minutes=2)] for name in FORMULA_NAMES]
    rows.append(["\tTab", "\rCR", "Nguyễn Thị Hường", None, "'=already", "a=b"])

    values = xlsx_cells(sheets.xlsx_bytes(["Họ và tên", "Số"], rows, title="Kết quả"))
    assert_names_visible(values)
    assert -1 in values and 2.5 in values and 3.25 in values
    assert dt.datetime(2026, 3, 2) in values and dt.timedelta(minutes=2) in values
    assert "'\tTab" in values and "Nguyễn Thị Hường" in values and "a=b" in values

    cells = csv_cells(sheets.csv_text(["Họ và tên", "Số"], rows))
    assert_names_visible(cells)
    assert {"-1", "2.5", "3.25", "02/03/2026", "0:02:00"} <= set(cells)
    assert "'\rCR" in cells and "a=b" in cells


def test_our_own_files_read_back_without_the_apostrophe():
    # given a template or bank exported with a "- => right" distractor
    assert sheets.cell_text(sheets.neutralise("- => 2013")) == "- => 2013"
    # an apostrophe a person typed in front of ordinary text stays
    assert sheets.cell_text("'Ama") == "'Ama"


FORBIDDEN = re.compile(r"csv\.(writer|DictWriter)\(|\bWorkbook\(|WriteOnlyCell\(")
WRITERS = {"lms/sheets.py"}


def test_no_code_writes_a_spreadsheet_or_csv_except_lms_sheets():
    """The next export cannot bypass the one writer: tests and benchmarks build uploads, nothing else may."""
    offenders = []
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT).as_posix()
        if relative.split("/")[0] in {".venv", "node_modules", "tests", "bench", "var"} or relative in WRITERS:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if FORBIDDEN.search(line):
                offenders.append(f"{relative}:{number}: {line.strip()}")
    assert offenders == []


@pytest.mark.django_db
@pytest.mark.parametrize("export", ["csv", "xlsx"])
def test_the_profile_list_export_writes_through_the_one_writer(client, province, export):
    for name in FORMULA_NAMES:
        make_profile(province["tanan"], full_name=name)
    login_verified(client, make_staff(Role.DEPARTMENT_ADMIN, province["province"]))
    response = client.get(reverse("wagtailsnippets_people_profile:list"), {"export": export})
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    values = csv_cells(content) if export == "csv" else xlsx_cells(content)
    assert_names_visible(values)


@pytest.mark.django_db
@pytest.mark.parametrize("export", ["csv", "xlsx"])
def test_wagtails_own_reports_write_through_the_one_writer(client, export):
    """Pins lms.admin_export.install(): a Wagtail upgrade that renames the writers fails here."""
    catalog = make_catalog()
    for name in FORMULA_NAMES:
        make_course(catalog, title=name)
    admin = make_user("sa", is_superuser=True, is_staff=True)
    login_verified(client, admin)
    response = client.get(reverse("wagtailadmin_reports:aging_pages"), {"export": export})
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    values = csv_cells(content) if export == "csv" else xlsx_cells(content)
    assert_names_visible(values)
