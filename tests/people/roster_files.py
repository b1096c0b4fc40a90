"""Roster files built in memory for the tests."""
from __future__ import annotations

import csv
import io
import unicodedata

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

HEADER = ["Mã định danh", "Họ và tên", "Ngày sinh", "Mã đơn vị", "Đối tượng", "Khu vực", "Vùng DTTS",
          "Thuộc diện chỉ tiêu", "Email"]


def xlsx_upload(rows, header=HEADER, name="danh-sach.xlsx") -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(),
                              content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def csv_upload(rows, header=HEADER, name="danh-sach.csv", encoding="utf-8-sig", delimiter=",") -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode(encoding), content_type="text/csv")


TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def windows_1258_form(text: str) -> str:
    """Text as Vietnamese Windows (cp1258) spells it: precomposed vowels + combining tone marks."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        try:
            char.encode("cp1258")
            out.append(char)
            continue
        except UnicodeEncodeError:
            pass
        marks = unicodedata.normalize("NFD", char)
        tone = "".join(m for m in marks if m in TONE_MARKS)
        out.append(unicodedata.normalize("NFC", "".join(m for m in marks if m not in TONE_MARKS)) + tone)
    return "".join(out)
