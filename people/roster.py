"""Reading and validating roster files (XLSX or CSV).

A roster is the department's list of people who must be trained. The whole
file is validated before anything is written: ``validate_roster`` returns the
clean rows and every error (row number, column, a code with parameters that
is rendered in the reader's language by ``describe_error``).
"""
from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from lms import sheets
from lms.sheets import read_rows  # noqa: F401  (the roster import reads through it)
from lms.text import fold, nfc

from .crypto import blind_index
from .models import Area, Category

# field key -> (column label shown in errors, header written in templates, accepted spellings folded)
COLUMNS: dict[str, tuple] = {
    "id_code": (_("ID code"), "Mã định danh", ["id_code", "ma dinh danh", "so dinh danh", "cccd", "ma so"]),
    "full_name": (_("Full name"), "Họ và tên", ["full_name", "ho va ten", "ho ten", "name"]),
    "date_of_birth": (_("Date of birth"), "Ngày sinh", ["date_of_birth", "ngay sinh", "dob"]),
    "org_unit": (_("Org unit code"), "Mã đơn vị", ["org_unit", "ma don vi", "don vi", "org_unit_code"]),
    "category": (_("Category"), "Đối tượng", ["category", "doi tuong", "loai doi tuong"]),
    "area": (_("Area"), "Khu vực", ["area", "khu vuc", "dia ban"]),
    "ethnic_minority_area": (_("Ethnic-minority area"), "Vùng DTTS",
                             ["ethnic_minority_area", "vung dtts", "vung dan toc thieu so",
                              "vung dong bao dan toc thieu so"]),
    "in_target_population": (_("In target population"), "Thuộc diện chỉ tiêu",
                             ["in_target_population", "thuoc dien chi tieu", "chi tieu"]),
    "email": (_("E-mail"), "Email", ["email", "e-mail", "thu dien tu"]),
    "phone": (_("Phone"), "Điện thoại", ["phone", "dien thoai", "so dien thoai"]),
}
REQUIRED = ("id_code", "full_name", "org_unit", "category")
HEADER_LOOKUP = {alias: key for key, (_label, _header, aliases) in COLUMNS.items() for alias in aliases}
EXAMPLE_ROW = ["079190000001", "Nguyễn Thị Hường", "12/03/1988", "XA-TANAN", "Tuyên truyền viên pháp luật",
               "nông thôn", "không", "có", "huong@example.org", "0912345678"]

CATEGORY_ALIASES: dict[str, str] = {
    "cbccvc": Category.CBCCVC, "can bo, cong chuc, vien chuc": Category.CBCCVC,
    "can bo cong chuc vien chuc": Category.CBCCVC, "cong chuc": Category.CBCCVC,
    "llvt": Category.LLVT, "luc luong vu trang": Category.LLVT,
    "chien si luc luong vu trang": Category.LLVT,
    "legal_reporter": Category.LEGAL_REPORTER, "bao cao vien phap luat": Category.LEGAL_REPORTER,
    "bao cao vien": Category.LEGAL_REPORTER,
    "legal_propagandist": Category.LEGAL_PROPAGANDIST,
    "tuyen truyen vien phap luat": Category.LEGAL_PROPAGANDIST, "tuyen truyen vien": Category.LEGAL_PROPAGANDIST,
    "grassroots_mediator": Category.GRASSROOTS_MEDIATOR, "hoa giai vien o co so": Category.GRASSROOTS_MEDIATOR,
    "hoa giai vien": Category.GRASSROOTS_MEDIATOR,
    "teacher": Category.TEACHER, "giao vien": Category.TEACHER,
    "citizen": Category.CITIZEN, "nguoi dan": Category.CITIZEN,
    "business": Category.BUSINESS, "doanh nghiep": Category.BUSINESS,
}
AREA_ALIASES = {"urban": Area.URBAN, "thanh thi": Area.URBAN, "rural": Area.RURAL, "nong thon": Area.RURAL}
TRUE_WORDS = {"1", "x", "co", "yes", "true", "c", "y"}
FALSE_WORDS = {"0", "khong", "no", "false", "k", "n"}

ERROR_MESSAGES = {
    "missing_column": _("The file has no column “%(name)s”; add it to the header row."),
    "empty_file": _("The file holds no rows below the header."),
    "unreadable": _("The file cannot be read as XLSX or CSV: %(detail)s"),
    "required": _("This cell is empty; it is required."),
    "unknown_unit": _("Unknown org unit code “%(value)s”. Check the code in the org unit list."),
    "unit_out_of_scope": _("Org unit “%(value)s” is outside the units you manage."),
    "person_out_of_scope": _("ID code “%(value)s” cannot be imported by your unit. If this person now works in "
                             "your unit, ask the Department of Justice to move their record."),
    "duplicate_id": _("ID code “%(value)s” already appears on row %(other_row)s."),
    "bad_category": _("Unknown category “%(value)s”. Use one of: %(choices)s."),
    "bad_area": _("Unknown area “%(value)s”. Use “thành thị” (urban) or “nông thôn” (rural)."),
    "bad_bool": _("“%(value)s” is not yes/no. Use “có” or “không”."),
    "bad_date": _("“%(value)s” is not a date. Use dd/mm/yyyy."),
    "bad_email": _("“%(value)s” is not a valid e-mail address."),
    "too_long": _("The value is too long (at most %(limit)s characters)."),
}


def describe_error(error: dict) -> str:
    """Render a stored error in the active language (errors store codes, not text)."""
    template = ERROR_MESSAGES.get(error.get("code"), "%(code)s")
    params = {
        "code": error.get("code"), "name": column_label(error.get("column", "")),
        "choices": ", ".join(str(label) for label in Category.labels), **error.get("params", {}),
    }
    return str(template) % params


def template_workbook() -> bytes:
    """An XLSX with the header row and one example row, for users to fill in."""
    return sheets.xlsx_bytes([header for _label, header, _aliases in COLUMNS.values()], [EXAMPLE_ROW],
                             title="Danh sách", widths=[22] * 10)


def column_label(key: str) -> str:
    return str(COLUMNS[key][0]) if key in COLUMNS else key


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return nfc(str(value))


@dataclass
class RosterRow:
    row: int
    id_code: str
    full_name: str
    org_unit_code: str
    category: str
    date_of_birth: dt.date | None = None
    area: str = ""
    ethnic_minority_area: bool = False
    in_target_population: bool = True
    email: str = ""
    phone: str = ""
    id_code_index: str = ""  # the blind index of id_code (people.crypto): how the row finds its person


@dataclass
class ValidationResult:
    rows: list[RosterRow] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    total_rows: int = 0

    def add(self, row: int, column: str, code: str, **params) -> None:
        """Record an error; ``column`` is a field key of COLUMNS (or "" for the whole file)."""
        self.errors.append({"row": row, "column": column, "code": code, "params": params})


def _parse_bool(text: str) -> bool | None:
    key = fold(text)
    if key in TRUE_WORDS:
        return True
    if key in FALSE_WORDS:
        return False
    return None


def _parse_date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _cell_text(value)
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def _header_map(header: list) -> dict[str, int]:
    mapping: dict[str, int] = {}
    for index, cell in enumerate(header):
        key = HEADER_LOOKUP.get(fold(_cell_text(cell)))
        if key and key not in mapping:
            mapping[key] = index
    return mapping


def validate_roster(rows: Iterator[tuple[int, list]], *, unit_paths: dict[str, str],
                    allowed_paths: list[str] | None, existing_paths: dict[str, str],
                    on_progress=None) -> ValidationResult:
    """Check every row; never stops at the first error.

    ``unit_paths`` maps org unit code -> tree path; ``allowed_paths`` are the
    subtrees the uploader manages (None: all); ``existing_paths`` maps the blind
    index of each ID code already in the database to its person's current unit's path.
    """
    result = ValidationResult()
    try:
        _, header = next(rows)
    except StopIteration:
        result.add(1, "", "empty_file")
        return result
    columns = _header_map(header)
    missing = [key for key in REQUIRED if key not in columns]
    for key in missing:
        result.add(1, key, "missing_column")
    if missing:
        return result

    def allowed(path: str) -> bool:
        return allowed_paths is None or any(path.startswith(p) for p in allowed_paths)

    seen: dict[str, int] = {}
    for number, cells in rows:
        def cell(key):
            index = columns.get(key)
            return cells[index] if index is not None and index < len(cells) else None

        texts = {key: _cell_text(cell(key)) for key in columns}
        if not any(texts.values()):
            continue  # blank line in the sheet
        result.total_rows += 1
        before = len(result.errors)
        for key in REQUIRED:
            if not texts[key]:
                result.add(number, key, "required")
        id_code = texts["id_code"].upper().replace(" ", "")
        digest = blind_index(id_code) if id_code else ""
        if len(id_code) > 32:
            result.add(number, "id_code", "too_long", limit=32)
        elif id_code:
            if id_code in seen:
                result.add(number, "id_code", "duplicate_id", value=id_code, other_row=seen[id_code])
            else:
                seen[id_code] = number
            if digest in existing_paths and not allowed(existing_paths[digest]):
                result.add(number, "id_code", "person_out_of_scope", value=id_code)
        if len(texts["full_name"]) > 255:
            result.add(number, "full_name", "too_long", limit=255)
        unit_code = texts["org_unit"]
        if unit_code:
            path = unit_paths.get(unit_code) or unit_paths.get(unit_code.upper())
            if path is None:
                result.add(number, "org_unit", "unknown_unit", value=unit_code)
            elif not allowed(path):
                result.add(number, "org_unit", "unit_out_of_scope", value=unit_code)
            else:
                unit_code = unit_code if unit_code in unit_paths else unit_code.upper()
        category = CATEGORY_ALIASES.get(fold(texts["category"])) if texts["category"] else None
        if texts["category"] and category is None:
            result.add(number, "category", "bad_category", value=texts["category"])
        area = ""
        if texts.get("area"):
            area = AREA_ALIASES.get(fold(texts["area"]), "")
            if not area:
                result.add(number, "area", "bad_area", value=texts["area"])
        flags = {}
        for key, default in (("ethnic_minority_area", False), ("in_target_population", True)):
            flags[key] = default
            if texts.get(key):
                parsed = _parse_bool(texts[key])
                if parsed is None:
                    result.add(number, key, "bad_bool", value=texts[key])
                else:
                    flags[key] = parsed
        date_of_birth = None
        if texts.get("date_of_birth"):
            try:
                date_of_birth = _parse_date(cell("date_of_birth"))
            except ValueError:
                result.add(number, "date_of_birth", "bad_date", value=texts["date_of_birth"])
        email = texts.get("email", "")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                result.add(number, "email", "bad_email", value=email)
        if len(result.errors) == before:
            result.rows.append(RosterRow(
                row=number, id_code=id_code, full_name=texts["full_name"], org_unit_code=unit_code,
                category=category, date_of_birth=date_of_birth, area=area, email=email.lower(),
                phone=texts.get("phone", "")[:32], id_code_index=digest, **flags,
            ))
        if on_progress and result.total_rows % 5000 == 0:
            on_progress(result.total_rows)
    if result.total_rows == 0 and not result.errors:
        result.add(2, "", "empty_file")
    return result
