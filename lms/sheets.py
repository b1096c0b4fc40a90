"""Reading spreadsheets people upload (XLSX, or CSV in UTF-8 or the Vietnamese Windows code page).

Shared by every import (roster, attendance, assignments): the caller validates the
whole file before writing anything, reporting rows as the user numbers them.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

from lms.text import fold, nfc

TRUE_WORDS = {"1", "x", "co", "yes", "true", "c", "y", "v", "co mat", "present"}
FALSE_WORDS = {"0", "khong", "no", "false", "k", "n", "vang", "vang mat", "absent"}


def cell_text(value) -> str:
    """A cell as composed (NFC) text; whole floats lose their ".0" (Excel stores codes as numbers)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return nfc(str(value)).strip()


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

DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM:SS"


def xlsx_cell(sheet, value, *, bold: bool = False):
    """A cell of a write-only openpyxl sheet: text stays text (never a formula, whatever it starts with),
    dates, times and durations are real spreadsheet values in Vietnamese order (day/month/year)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

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
        cell.font = Font(bold=True)
    return cell
