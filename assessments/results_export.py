"""A quiz's attempts as files for staff: XLSX (openpyxl write-only, constant memory per row)
and CSV (UTF-8 with a byte-order mark, so spreadsheet programs keep Vietnamese diacritics).

Both take the rows of ``selectors.result_rows``; headers are translated into the
reader's language. Both are written by ``lms.sheets``: text a spreadsheet could read
as a formula (learners name themselves when they register) is never one.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from lms import sheets

from .selectors import ResultRow


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
    return sheets.xlsx_bytes(headers(), (_values(row) for row in rows), title=_("Results"), caption=title)


def results_csv(rows: Iterable[ResultRow]) -> str:
    """The rows as CSV text, starting with a byte-order mark and the header.

    Built whole, not streamed: the admin's language and time zone apply only while
    the view runs."""
    return sheets.csv_text(headers(), (_values(row) for row in rows))
