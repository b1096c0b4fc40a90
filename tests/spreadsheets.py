"""Reading exports back in tests: no cell may be a formula, and an injected name must stay visible text."""
from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

# Names a learner can give themselves that spreadsheet programs would evaluate (issue 13, finding 7).
FORMULA_NAMES = ["=1+1", "+1", "-1", "@SUM(1)"]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", "."))
    except ValueError:
        return False
    return True


def xlsx_cells(content: bytes) -> list:
    """Every cell value of every sheet, after checking that none is a formula or starts like one."""
    book = load_workbook(io.BytesIO(content))  # not data_only: a formula would show as one
    values = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(FORMULA_STARTS), (sheet.title, cell.coordinate, cell.value)
                values.append(cell.value)
    return values


def csv_cells(content: bytes | str) -> list[str]:
    """Every cell of a CSV export, after checking that none would be read as a formula (numbers aside)."""
    text = content.decode("utf-8-sig") if isinstance(content, bytes) else content.lstrip("\ufeff")
    values = []
    for row in csv.reader(io.StringIO(text)):
        for value in row:
            assert not (value.startswith(FORMULA_STARTS) and not _is_number(value)), value
            values.append(value)
    return values


def assert_names_visible(values, names=FORMULA_NAMES) -> None:
    """Each name is there as the reader sees it: with the apostrophe that keeps it text."""
    texts = [value for value in values if isinstance(value, str)]
    for name in names:
        assert any(text.endswith("'" + name) or text == "'" + name for text in texts), (name, texts)
