"""Question banks as XLSX: the file format, reading with row-level validation, writing.

One question per row. The header row names the columns (Vietnamese, with or
without diacritics, or the English keys). The whole file is validated before
anything is written; each error says row, column and what to do.

Columns: Mã câu hỏi, Loại câu hỏi, Mức độ, Điểm, Nội dung câu hỏi, Phương án 1..8,
Phản hồi phương án 1..8, Đáp án đúng, Sai số, Cách chấm, Phân biệt hoa thường,
Phân biệt dấu, Phản hồi chung, Thẻ.

* single / multiple choice: options in "Phương án n"; "Đáp án đúng" = option
  numbers or letters ("2", "1;3", "A, C");
* true/false: "Đáp án đúng" = Đúng or Sai;
* short answer: each accepted answer in an option column;
* numeric: "Đáp án đúng" = the number (12,5 or 12.5), "Sai số" = tolerance;
* matching: options written "left => right" ("- => right" is a distractor: a right
  side no left side matches);
* ordering: options in their right order.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.html import escape
from django.utils.translation import gettext as _

from lms import sheets
from lms.text import fold, nfc

from . import grading, richtext
from .models import Difficulty, Question, QuestionType, Scoring
from .services.bank import plain_decimal, question_problems

MAX_OPTIONS = 8
MAX_ROWS = 5000

# key -> Vietnamese header (also the written header)
BASE_COLUMNS = [
    ("code", "Mã câu hỏi"), ("qtype", "Loại câu hỏi"), ("difficulty", "Mức độ"), ("mark", "Điểm"),
    ("stem", "Nội dung câu hỏi"),
]
TAIL_COLUMNS = [
    ("answer", "Đáp án đúng"), ("tolerance", "Sai số"), ("scoring", "Cách chấm"),
    ("case_sensitive", "Phân biệt hoa thường"), ("diacritics_sensitive", "Phân biệt dấu"),
    ("general_feedback", "Phản hồi chung"), ("tags", "Thẻ"),
]
OPTION_COLUMNS = [(f"option{n}", f"Phương án {n}") for n in range(1, MAX_OPTIONS + 1)]
FEEDBACK_COLUMNS = [(f"feedback{n}", f"Phản hồi phương án {n}") for n in range(1, MAX_OPTIONS + 1)]
COLUMNS = BASE_COLUMNS + OPTION_COLUMNS + FEEDBACK_COLUMNS + TAIL_COLUMNS
HEADERS = dict(COLUMNS)
HEADER_LOOKUP = {fold(header): key for key, header in COLUMNS} | {key: key for key, _h in COLUMNS}

TYPE_WORDS = {
    QuestionType.SINGLE: "Một lựa chọn", QuestionType.MULTIPLE: "Nhiều lựa chọn",
    QuestionType.TRUE_FALSE: "Đúng/Sai", QuestionType.SHORT_ANSWER: "Trả lời ngắn",
    QuestionType.NUMERIC: "Số", QuestionType.MATCHING: "Ghép cặp", QuestionType.ORDERING: "Sắp xếp",
}
TYPE_ALIASES = {fold(word): key for key, word in TYPE_WORDS.items()} | {key: key for key in TYPE_WORDS} | {
    "dung sai": QuestionType.TRUE_FALSE, "dung/sai": QuestionType.TRUE_FALSE, "tu luan ngan": QuestionType.SHORT_ANSWER,
    "noi": QuestionType.MATCHING, "ghep noi": QuestionType.MATCHING, "so thu tu": QuestionType.ORDERING}
DIFFICULTY_WORDS = {Difficulty.EASY: "Dễ", Difficulty.MEDIUM: "Trung bình", Difficulty.HARD: "Khó"}
DIFFICULTY_ALIASES = {fold(word): key for key, word in DIFFICULTY_WORDS.items()} | {
    key: key for key in DIFFICULTY_WORDS}
SCORING_WORDS = {Scoring.ALL_OR_NOTHING: "Tất cả hoặc không", Scoring.PARTIAL: "Từng phần"}
SCORING_ALIASES = {fold(word): key for key, word in SCORING_WORDS.items()} | {key: key for key in SCORING_WORDS}
TRUE_WORDS = {"dung", "true", "d", "1", "co", "x", "yes"}
FALSE_WORDS = {"sai", "false", "s", "0", "khong", "no"}
DISTRACTOR_MARKS = {"", "-", "—", "–"}
MATCH_SEPARATOR = re.compile(r"\s*(?:=>|→|\|)\s*")


@dataclass
class ParsedQuestion:
    row: int
    code: str
    qtype: str
    difficulty: str
    mark: Decimal
    stem: str
    options: list[dict]
    true_false_answer: bool | None = None
    numeric_answer: Decimal | None = None
    numeric_tolerance: Decimal = Decimal(0)
    scoring: str = Scoring.ALL_OR_NOTHING
    case_sensitive: bool = False
    diacritics_sensitive: bool = False
    general_feedback: str = ""
    tags: list[str] = field(default_factory=list)


@dataclass
class BankFile:
    questions: list[ParsedQuestion] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)

    def add(self, row: int, column: str, message: str) -> None:
        self.errors.append({"row": row, "column": HEADERS.get(column, column), "message": message})


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return sheets.unneutralise(nfc(str(value)))


def _rich(text: str) -> str:
    """Rich text as stored: HTML reduced to what the question editor offers (``richtext.clean_imported``:
    no script, handler or ``javascript:`` link), plain text wrapped in paragraphs."""
    if not text:
        return ""
    if text.lstrip().startswith("<"):
        return richtext.clean_imported(text)
    return "".join(f"<p>{escape(line)}</p>" for line in text.split("\n") if line.strip())


def _flag(text: str) -> bool | None:
    word = fold(text)
    if not word:
        return False
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def _choice_numbers(text: str, count: int) -> list[int] | None:
    numbers = []
    for part in re.split(r"[;,\s]+", text.strip()):
        if not part:
            continue
        if part.isdigit():
            number = int(part)
        elif len(part) == 1 and part.isalpha():
            number = ord(part.upper()) - ord("A") + 1
        else:
            return None
        if not 1 <= number <= count:
            return None
        numbers.append(number)
    return numbers


def _parse_row(row_number: int, cells: dict[str, str], result: BankFile) -> ParsedQuestion | None:
    before = len(result.errors)
    qtype = TYPE_ALIASES.get(fold(cells.get("qtype", "")))
    if qtype is None:
        result.add(row_number, "qtype", _("Unknown question type “%(value)s”. Use one of: %(choices)s.") % {
            "value": cells.get("qtype", ""), "choices": ", ".join(TYPE_WORDS.values())})
    stem = cells.get("stem", "")
    if not stem:
        result.add(row_number, "stem", _("The question text is empty."))
    difficulty = DIFFICULTY_ALIASES.get(fold(cells.get("difficulty", "")) or "medium")
    if difficulty is None:
        result.add(row_number, "difficulty", _("Unknown difficulty “%(value)s”. Use Dễ, Trung bình or Khó.") % {
            "value": cells["difficulty"]})
    mark = Decimal(1)
    if cells.get("mark"):
        try:
            mark = grading.parse_number(cells["mark"])
            if mark < 0:
                raise grading.InvalidResponse
        except grading.InvalidResponse:
            result.add(row_number, "mark", _("“%(value)s” is not a mark (a number from 0).") % {
                "value": cells["mark"]})
    scoring = SCORING_ALIASES.get(fold(cells.get("scoring", "")) or Scoring.ALL_OR_NOTHING)
    if scoring is None:
        result.add(row_number, "scoring", _("Unknown scoring “%(value)s”. Use %(choices)s.") % {
            "value": cells["scoring"], "choices": ", ".join(SCORING_WORDS.values())})
    flags = {}
    for key in ("case_sensitive", "diacritics_sensitive"):
        flags[key] = _flag(cells.get(key, ""))
        if flags[key] is None:
            result.add(row_number, key, _("“%(value)s” is not yes/no. Use “có” or “không”.") % {"value": cells[key]})
    options = []
    for n in range(1, MAX_OPTIONS + 1):
        text = cells.get(f"option{n}", "")
        if not text:
            continue
        option = {"text": text, "match": "", "correct": False, "feedback": cells.get(f"feedback{n}", ""), "n": n}
        if qtype == QuestionType.MATCHING:
            parts = MATCH_SEPARATOR.split(text, maxsplit=1)
            if len(parts) != 2 or not parts[1]:
                result.add(row_number, f"option{n}", _("Write a matching pair as “left => right”."))
                continue
            option["text"], option["match"] = parts
            if option["text"] in DISTRACTOR_MARKS:
                option["text"] = ""
        options.append(option)
    parsed = ParsedQuestion(row=row_number, code=cells.get("code", "")[:64], qtype=qtype or "",
                            difficulty=difficulty or "", mark=mark, stem=_rich(stem), options=options,
                            scoring=scoring or "", general_feedback=_rich(cells.get("general_feedback", "")),
                            tags=[t.strip() for t in re.split(r"[;,]", cells.get("tags", "")) if t.strip()],
                            case_sensitive=bool(flags["case_sensitive"]),
                            diacritics_sensitive=bool(flags["diacritics_sensitive"]))
    answer = cells.get("answer", "")
    if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        numbers = _choice_numbers(answer, MAX_OPTIONS) if answer else []
        present = {option["n"] for option in options}
        if numbers is None or not numbers or not set(numbers) <= present:
            result.add(row_number, "answer", _("Give the right option numbers (e.g. 2 or 1;3), "
                                               "each naming a filled option column."))
        else:
            for option in options:
                option["correct"] = option["n"] in numbers
    elif qtype == QuestionType.TRUE_FALSE:
        word = fold(answer)
        parsed.true_false_answer = True if word in TRUE_WORDS else False if word in FALSE_WORDS else None
        if parsed.true_false_answer is None:
            result.add(row_number, "answer", _("Write “Đúng” or “Sai”."))
    elif qtype == QuestionType.NUMERIC:
        try:
            parsed.numeric_answer = grading.parse_number(answer)
            parsed.numeric_tolerance = abs(grading.parse_number(cells["tolerance"])) if cells.get("tolerance") \
                else Decimal(0)
        except grading.InvalidResponse:
            result.add(row_number, "answer", _("Give the answer and the tolerance as numbers, e.g. 12,5."))
    if qtype and len(result.errors) == before:
        for problem in question_problems(qtype=qtype, options=options, true_false_answer=parsed.true_false_answer,
                                         numeric_answer=parsed.numeric_answer):
            column = "option1" if qtype in (QuestionType.SHORT_ANSWER, QuestionType.MATCHING,
                                             QuestionType.ORDERING) else "answer"
            result.add(row_number, column, problem)
    return parsed if len(result.errors) == before else None


def read_bank(content: bytes) -> BankFile:
    """Read and validate a whole bank file; ``errors`` lists every bad row (nothing half-read)."""
    from openpyxl import load_workbook

    result = BankFile()
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - any unreadable file is reported, not raised
        result.add(1, "", _("The file cannot be read as XLSX: %(detail)s") % {"detail": str(error)[:200]})
        return result
    rows = workbook.worksheets[0].iter_rows(values_only=True)
    header = next(rows, None) or []
    columns = {}
    for index, cell in enumerate(header):
        key = HEADER_LOOKUP.get(fold(_text(cell)))
        if key and key not in columns:
            columns[key] = index
    for required in ("qtype", "stem"):
        if required not in columns:
            result.add(1, required, _("The file has no column “%(name)s”; add it to the header row.") % {
                "name": HEADERS[required]})
    if result.errors:
        return result
    codes: dict[str, int] = {}
    for row_number, row in enumerate(rows, start=2):
        cells = {key: _text(row[index]) if index < len(row) else "" for key, index in columns.items()}
        if not any(cells.values()):
            continue
        if row_number > MAX_ROWS + 1:
            result.add(row_number, "", _("A file may hold at most %(limit)s questions.") % {"limit": MAX_ROWS})
            break
        parsed = _parse_row(row_number, cells, result)
        if parsed and parsed.code:
            if parsed.code in codes:
                result.add(row_number, "code", _("Code “%(value)s” already appears on row %(other)s.") % {
                    "value": parsed.code, "other": codes[parsed.code]})
                continue
            codes[parsed.code] = row_number
        if parsed:
            result.questions.append(parsed)
    if not result.questions and not result.errors:
        result.add(2, "", _("The file holds no questions below the header."))
    return result


def _option_cells(question: Question) -> tuple[list[str], list[str], str]:
    options = list(question.options.all())[:MAX_OPTIONS]
    texts, feedback = [], []
    for option in options:
        texts.append(f"{option.text or '-'} => {option.match_text}" if question.qtype == QuestionType.MATCHING
                     else option.text)
        feedback.append(option.feedback)
    answer = ""
    if question.qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        answer = ";".join(str(n) for n, option in enumerate(options, start=1) if option.is_correct)
    elif question.qtype == QuestionType.TRUE_FALSE:
        answer = "Đúng" if question.true_false_answer else "Sai"
    elif question.qtype == QuestionType.NUMERIC:
        answer = plain_decimal(question.numeric_answer)
    return texts, feedback, answer


def write_bank(questions) -> bytes:
    """The questions as an XLSX file in the import format (so an export re-imports unchanged: text that
    ``lms.sheets`` prefixes with an apostrophe, such as a "- => right" distractor, loses it on reading)."""
    rows = []
    for question in questions:
        texts, feedback, answer = _option_cells(question)
        texts += [""] * (MAX_OPTIONS - len(texts))
        feedback += [""] * (MAX_OPTIONS - len(feedback))
        rows.append([
            question.code, TYPE_WORDS[question.qtype], DIFFICULTY_WORDS[question.difficulty],
            float(question.default_mark), question.stem, *texts, *feedback, answer,
            plain_decimal(question.numeric_tolerance) if question.qtype == QuestionType.NUMERIC else "",
            SCORING_WORDS[question.scoring], "có" if question.case_sensitive else "không",
            "có" if question.diacritics_sensitive else "không", question.general_feedback,
            "; ".join(tag.name for tag in question.tags.all()),
        ])
    return sheets.xlsx_bytes([header for _key, header in COLUMNS], rows, title="Ngân hàng câu hỏi")
