"""Spreadsheets in and out: reading what people upload (XLSX, or CSV in UTF-8 or the Vietnamese
Windows code page), and writing every XLSX and CSV the platform hands out.

Shared by every import (roster, attendance, assignments): the caller validates the
whole file before writing anything, reporting rows as the user numbers them. Every
export writes through the writers at the end of this module, which never let a cell
become a formula.
"""
from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from lms.text import fold, nfc

TRUE_WORDS = {"1", "x", "co", "yes", "true", "c", "y", "v", "co mat", "present"}
FALSE_WORDS = {"0", "khong", "no", "false", "k", "n", "vang", "vang mat", "absent"}


def cell_text(value) -> str:
    """A cell as composed (NFC) text; whole floats lose their ".0" (Excel stores codes as numbers)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unneutralise(nfc(str(value)).strip())


def read_rows(path: str | Path, name: str) -> Iterator[tuple[int, list]]:
    """Yield (row number as the user sees it, raw cells), header first (row 1)."""
    if name.lower().endswith((".xlsx", ".xlsm")):
        from openpyxl import load_workbook

        workbook = load_workbook(path, read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, list(row)
        finally:
            workbook.close()
        return
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1258")  # Vietnamese Windows code page
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    for number, row in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
        yield number, row


def parse_bool(value) -> bool | None:
    """Yes/no as people write it ("x", "có", "1", "vắng"...); None when unreadable."""
    if isinstance(value, bool):
        return value
    key = fold(cell_text(value))
    if key in TRUE_WORDS:
        return True
    if key in FALSE_WORDS:
        return False
    return None


def parse_date(value) -> dt.date:
    """A date cell or dd/mm/yyyy-like text; ValueError when unreadable."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = cell_text(value)
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def header_map(header: list, lookup: dict[str, str]) -> dict[str, int]:
    """{field key: column index} from a header row; ``lookup`` maps folded spellings to keys."""
    mapping: dict[str, int] = {}
    for index, cell in enumerate(header):
        key = lookup.get(fold(cell_text(cell)))
        if key and key not in mapping:
            mapping[key] = index
    return mapping


# --- writing ----------------------------------------------------------------------------------------
# The one writer of every spreadsheet and CSV the platform hands out (tests/lms/test_sheets.py scans the
# code for any other). Names, addresses and titles are typed by the people they describe, so text that a
# spreadsheet program would evaluate (OWASP "CSV injection": =, +, -, @, tab, carriage return first) is
# written with an apostrophe in front: in CSV that is the only defence; in XLSX the cell is also a text
# cell, and the apostrophe stays in the text so that the file saved again as CSV stays harmless.
# Numbers, dates and durations stay real values.

DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM:SS"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
BOM = "\ufeff"  # Excel shows diacritics of a UTF-8 CSV only with it
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # not storable in XLSX; meaningless in a name


def neutralise(text: str) -> str:
    """``text`` as a spreadsheet shows it, never a formula: an apostrophe in front when it starts like one."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def unneutralise(text: str) -> str:
    """What :func:`neutralise` wrote, read back: our own exports (templates, banks) re-import unchanged."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def _local(moment: dt.datetime) -> dt.datetime:
    """Spreadsheets hold no time zone: an aware time as the local wall clock."""
    return timezone.localtime(moment).replace(tzinfo=None) if timezone.is_aware(moment) else moment


@functools.cache
def _bold():
    from openpyxl.styles import Font

    return Font(bold=True)  # one shared style, not one per cell


def xlsx_cell(sheet, value, *, bold: bool = False):
    """A cell of a write-only openpyxl sheet: text stays text (never a formula, whatever it starts with),
    dates, times and durations are real spreadsheet values in Vietnamese order (day/month/year)."""
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, dt.datetime):
        value = _local(value)
    elif isinstance(value, Decimal):
        value = float(value)
    elif value is not None and not isinstance(value, (str, int, float, dt.date, dt.time, dt.timedelta)):
        value = str(value)  # lazy translations, model instances, choices
    if isinstance(value, str):
        value = neutralise(_CONTROL.sub("", value))
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    elif isinstance(value, dt.datetime):
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, dt.date):
        cell.number_format = DATE_FORMAT
    elif isinstance(value, dt.timedelta):
        cell.number_format = "[h]:mm:ss"
    if bold:
        cell.font = _bold()
    return cell


class XlsxSheet:
    """One sheet of an :class:`XlsxBook`; every row is written through :func:`xlsx_cell`."""

    def __init__(self, raw):
        self.raw = raw

    def row(self, values=(), *, bold: bool = False) -> None:
        self.raw.append([xlsx_cell(self.raw, value, bold=bold) for value in values])

    def widths(self, widths: dict[str, float] | list[float]) -> None:
        """Column widths, by letter or in order from A."""
        from openpyxl.utils import get_column_letter

        items = widths.items() if isinstance(widths, dict) else \
            ((get_column_letter(n), width) for n, width in enumerate(widths, start=1))
        for letter, width in items:
            self.raw.column_dimensions[letter].width = width


class XlsxBook:
    """The one way the platform writes XLSX: openpyxl's write-only mode (rows go to disk or memory as
    they come, constant memory per row), every cell through :func:`xlsx_cell`."""

    def __init__(self):
        from openpyxl import Workbook

        self._book = Workbook(write_only=True)

    def sheet(self, title: str) -> XlsxSheet:
        from openpyxl.workbook.child import INVALID_TITLE_REGEX

        return XlsxSheet(self._book.create_sheet(INVALID_TITLE_REGEX.sub(" ", str(title))[:31] or None))

    def save(self, target) -> None:
        """Write the workbook to a path or a binary file."""
        self._book.save(target)

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self._book.save(buffer)
        return buffer.getvalue()


def xlsx_bytes(headers: list, rows: Iterable[list], *, title: str = "Sheet1", caption: str = "",
               widths: list[float] | None = None) -> bytes:
    """A one-sheet workbook: an optional bold caption row, a bold header, then the rows."""
    book = XlsxBook()
    sheet = book.sheet(title)
    if widths:
        sheet.widths(widths)
    if caption:
        sheet.row([caption], bold=True)
    sheet.row(headers, bold=True)
    for row in rows:
        sheet.row(row)
    return book.to_bytes()


def csv_value(value) -> str:
    """A value as CSV text: dates in Vietnamese order, durations as h:mm:ss, text never a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, Decimal)):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.15g}"
    if isinstance(value, dt.datetime):
        return _local(value).strftime("%d/%m/%Y %H:%M:%S")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, dt.timedelta):
        seconds = int(value.total_seconds())
        return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    return neutralise(str(value))


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(headers: list, rows: Iterable[list], *, batch: int = 500) -> Iterator[str]:
    """A CSV file as chunks of text, the byte order mark first, then the header and the rows."""
    writer = csv.writer(_Echo())
    yield BOM + writer.writerow([csv_value(value) for value in headers])
    buffer = []
    for row in rows:
        buffer.append(writer.writerow([csv_value(value) for value in row]))
        if len(buffer) >= batch:
            yield "".join(buffer)
            buffer = []
    if buffer:
        yield "".join(buffer)


def csv_stream(headers: list, rows: Iterable[list]) -> Iterator[bytes]:
    """:func:`csv_lines` as UTF-8 bytes, for a ``StreamingHttpResponse``."""
    for chunk in csv_lines(headers, rows):
        yield chunk.encode()


def csv_text(headers: list, rows: Iterable[list]) -> str:
    """The whole CSV file as one string (for a response built while a language is active)."""
    return "".join(csv_lines(headers, rows))
