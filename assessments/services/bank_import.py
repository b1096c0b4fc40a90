"""Importing a question bank from XLSX: all or nothing.

The whole file is read and validated first (``bank_xlsx.read_bank``); a file
with any error imports nothing. Questions with a code update the question of
that code (options replaced); the others are added.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..bank_xlsx import read_bank
from ..models import Question, QuestionCategory, QuestionOption

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


@dataclass
class BankImportResult:
    created: int = 0
    updated: int = 0
    errors: list[dict] = field(default_factory=list)


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
    existing = {q.code: q for q in Question.objects.filter(code__in=codes)}
    for row in parsed.questions:
        other = existing.get(row.code)
        if other is not None and other.category_id != category.pk:
            result.errors.append({"row": row.row, "column": "Mã câu hỏi", "message": _(
                "Code “%(value)s” belongs to a question of another category.") % {"value": row.code}})
    if result.errors:
        return result
    with transaction.atomic():
        for row in parsed.questions:
            question = existing.get(row.code) or Question(category=category, created_by=user)
            if question.pk:
                result.updated += 1
            else:
                result.created += 1
            for name in ("code", "qtype", "difficulty", "stem", "scoring", "true_false_answer", "numeric_answer",
                         "numeric_tolerance", "case_sensitive", "diacritics_sensitive", "general_feedback"):
                setattr(question, name, getattr(row, name))
            question.default_mark = row.mark
            question.full_clean(exclude=["tags"])
            question.save()
            QuestionOption.objects.filter(question=question).delete()
            QuestionOption.objects.bulk_create(
                QuestionOption(question=question, sort_order=order, text=option["text"], match_text=option["match"],
                               is_correct=option["correct"], feedback=option["feedback"])
                for order, option in enumerate(row.options))
            question.tags.set(row.tags)
            question.save()
    return result
