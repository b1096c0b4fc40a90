"""A quiz's attempts as files for staff: XLSX (openpyxl write-only, constant memory per row)
and CSV (UTF-8 with a byte-order mark, so spreadsheet programs keep Vietnamese diacritics).

Both take the rows of ``selectors.result_rows``; headers are translated into the
reader's language. Text a spreadsheet could read as a formula (learners name
themselves when they register) is written as plain text.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from lms.sheets import xlsx_cell

from .selectors import ResultRow

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def headers() -> list[str]:
    return [_("Attempt"), _("Learner"), _("Username"), _("Org unit"), _("State"), _("Score"), _("Maximum score"),
            _("Percent"), _("Passed"), _("Started at"), _("Finished at"), pgettext("quiz attempt", "Duration")]


def _yes_no(value: bool | None) -> str:
    return "" if value is None else (_("Yes") if value else _("No"))


def _local(moment: dt.datetime | None) -> dt.datetime | None:
    """Spreadsheets hold no time zone: the local wall-clock time."""
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def _values(row: ResultRow) -> list:
    return [row.number, row.learner, row.username, row.unit, row.state,
            float(row.score) if row.score is not None else None, float(row.max_score),
            float(row.percent) if row.percent is not None else None, _yes_no(row.passed),
            _local(row.started_at), _local(row.finished_at),
            dt.timedelta(seconds=row.duration_seconds) if row.duration_seconds is not None else None]


def results_xlsx(rows: Iterable[ResultRow], *, title: str) -> bytes:
    """The rows as an XLSX workbook: the quiz's title, a bold header, then one attempt per row
    with dates and durations as real spreadsheet values."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Results"))
    sheet.append([xlsx_cell(sheet, title, bold=True)])
    sheet.append([xlsx_cell(sheet, text, bold=True) for text in headers()])
    for row in rows:
        sheet.append([xlsx_cell(sheet, value) for value in _values(row)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M:%S")
    if isinstance(value, dt.timedelta):
        seconds = int(value.total_seconds())
        return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    if isinstance(value, float):
        return f"{value:g}"
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def results_csv(rows: Iterable[ResultRow]) -> str:
    """The rows as CSV text, starting with a byte-order mark and the header.

    Built whole, not streamed: the admin's language and time zone apply only while
    the view runs."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(headers())
    for row in rows:
        writer.writerow([_csv_text(value) for value in _values(row)])
    return buffer.getvalue()
