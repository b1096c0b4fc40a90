"""Importing a question bank from XLSX: all or nothing, in bulk.

The whole file is read and validated first (``bank_xlsx.read_bank``, then each
question and option checked against the model's fields); a file with any error
imports nothing. Questions with a code update the question of that code
(options and tags replaced); the others are added.

Writes are set-based — a few statements per 500 rows, not a save per question —
so a file of thousands of questions is imported within the request (measured:
see assessments/README.md). Bulk writes send no ``post_save``, so Wagtail's
reference index (what a bank's "usage" lists) is brought up to date afterwards
by the ``index_question_references`` task.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..bank_xlsx import HEADERS, ParsedQuestion, read_bank
from ..models import Question, QuestionCategory, QuestionOption
from ..models.questions import QuestionTag
from ..tasks import index_question_references

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
BATCH = 500
QUESTION_FIELDS = ("code", "qtype", "difficulty", "stem", "scoring", "true_false_answer", "numeric_answer",
                   "numeric_tolerance", "case_sensitive", "diacritics_sensitive", "general_feedback")
# model field -> the file's column key (bank_xlsx.COLUMNS), for row-level errors
FIELD_COLUMNS = {"code": "code", "qtype": "qtype", "difficulty": "difficulty", "stem": "stem", "scoring": "scoring",
                 "default_mark": "mark", "numeric_answer": "answer", "numeric_tolerance": "tolerance",
                 "general_feedback": "general_feedback", "true_false_answer": "answer"}


@dataclass
class BankImportResult:
    created: int = 0
    updated: int = 0
    errors: list[dict] = field(default_factory=list)

    def add(self, row: int, column: str, message: str) -> None:
        self.errors.append({"row": row, "column": HEADERS.get(column, column), "message": message})


def _question(row: ParsedQuestion, existing: dict[str, Question], category: QuestionCategory, user,
              now) -> Question:
    question = existing.get(row.code) or Question(category=category, created_by=user)
    for name in QUESTION_FIELDS:
        setattr(question, name, getattr(row, name))
    question.default_mark = row.mark
    question.updated_at = now  # bulk_update does not touch auto_now fields
    return question


def _options(row: ParsedQuestion) -> list[QuestionOption]:
    return [QuestionOption(sort_order=order, text=option["text"], match_text=option["match"],
                           is_correct=option["correct"], feedback=option["feedback"])
            for order, option in enumerate(row.options)]


def _check(row: ParsedQuestion, question: Question, options: list[QuestionOption], result: BankImportResult):
    """The model's own field rules (lengths, digits), per row, before anything is written."""
    try:
        question.clean_fields(exclude=["category", "created_by", "tags"])
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            result.add(row.row, FIELD_COLUMNS.get(name, name), " ".join(messages))
    for option, parsed in zip(options, row.options):
        try:
            option.clean_fields(exclude=["question"])
        except ValidationError as error:
            result.add(row.row, f"option{parsed['n']}", " ".join(
                message for messages in error.message_dict.values() for message in messages))


def _tags_by_name(names: set[str]) -> dict:
    """Tag objects for ``names``, created when missing (a bank file uses a handful of tags)."""
    tag_model = QuestionTag.tag_model()
    tags = {tag.name: tag for tag in tag_model.objects.filter(name__in=names)}
    for name in sorted(names - set(tags)):
        tags[name], _created = tag_model.objects.get_or_create(name=name)
    return tags


def _chunks(items: list, size: int = BATCH):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _update(questions: list[Question], names: list[str]) -> None:
    """UPDATE each question's ``names`` in one executemany: Django's bulk_update builds a CASE per
    field and row, which costs seconds in Python for a few thousand rows."""
    if not questions:
        return
    fields = [Question._meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE {} = %s".format(
        quote(Question._meta.db_table), ", ".join(f"{quote(f.column)} = %s" for f in fields),
        quote(Question._meta.pk.column))
    params = [[field.get_db_prep_save(getattr(question, field.attname), connection) for field in fields]
              + [question.pk] for question in questions]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def bank_import(*, category: QuestionCategory, content: bytes, user=None) -> BankImportResult:
    """Import ``content`` (an XLSX file) into ``category``; nothing is written when a row is wrong.

    A code already used by a question of another category is an error: codes are unique.
    """
    if len(content) > MAX_UPLOAD_BYTES:
        raise ValidationError(_("The file is larger than 10 MB."), code="too_large")
    parsed = read_bank(content)
    result = BankImportResult(errors=parsed.errors)
    if result.errors:
        return result
    codes = [q.code for q in parsed.questions if q.code]
    existing: dict[str, Question] = {}
    for chunk in _chunks(codes):
        existing.update((q.code, q) for q in Question.objects.filter(code__in=chunk))
    for row in parsed.questions:
        other = existing.get(row.code)
        if other is not None and other.category_id != category.pk:
            result.add(row.row, "code", _("Code “%(value)s” belongs to a question of another category.")
                       % {"value": row.code})
    if result.errors:
        return result
    now = timezone.now()
    rows = [(row, _question(row, existing, category, user, now), _options(row)) for row in parsed.questions]
    for row, question, options in rows:
        _check(row, question, options, result)
    if result.errors:
        return result
    try:
        with transaction.atomic():
            result.created, result.updated = _write(rows)
    except IntegrityError:  # another import gave one of these codes to a question meanwhile
        result.add(1, "code", _("Another import changed questions with these codes at the same time. "
                                "Nothing was imported; send the file again."))
        return result
    ids = [question.pk for _row, question, _options in rows]
    transaction.on_commit(lambda: index_question_references.delay(ids))
    return result


def _write(rows: list[tuple[ParsedQuestion, Question, list[QuestionOption]]]) -> tuple[int, int]:
    """Set-based writes: new questions inserted, existing ones updated, their options and tags replaced.
    Returns (added, updated)."""
    new = [question for _row, question, _options in rows if question.pk is None]
    old = [question for _row, question, _options in rows if question.pk is not None]
    Question.objects.bulk_create(new, batch_size=BATCH)
    _update(old, [*QUESTION_FIELDS, "default_mark", "updated_at"])
    for chunk in _chunks([question.pk for question in old]):
        QuestionOption.objects.filter(question_id__in=chunk).delete()
        QuestionTag.objects.filter(content_object_id__in=chunk).delete()
    options = []
    for _row, question, question_options in rows:
        for option in question_options:
            option.question = question
            options.append(option)
    QuestionOption.objects.bulk_create(options, batch_size=BATCH)
    tags = _tags_by_name({name for row, _question, _options in rows for name in row.tags})
    QuestionTag.objects.bulk_create(
        [QuestionTag(content_object=question, tag=tags[name])
         for row, question, _options in rows for name in dict.fromkeys(row.tags)], batch_size=BATCH)
    return len(new), len(old)
