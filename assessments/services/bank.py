"""Question bank: the frozen spec of a question, checks of a question's data, random draws."""
from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from wagtail.models import ReferenceIndex

from lms.text import fold

from .. import grading
from ..models import Question, QuestionOption, QuestionType


def plain_decimal(value: Decimal | None) -> str:
    """12.500000 -> "12.5", 100.000000 -> "100" (never "1E+2")."""
    if value is None:
        return ""
    text = format(Decimal(value).normalize(), "f")
    return text


def question_spec(question: Question, *, mark: Decimal | None = None) -> dict:
    """The JSON snapshot an attempt keeps of ``question`` (correct answers included: server side only)."""
    spec = {
        "id": question.pk, "type": question.qtype, "scoring": question.scoring,
        "mark": plain_decimal(mark if mark is not None else question.default_mark),
        "stem": question.stem, "general_feedback": question.general_feedback,
        "options": [{"id": option.pk, "text": option.text, "match": option.match_text,
                     "correct": option.is_correct, "feedback": option.feedback}
                    for option in question.options.all()],
        "answer": {},
    }
    if question.qtype == QuestionType.TRUE_FALSE:
        spec["answer"] = {"value": bool(question.true_false_answer)}
    elif question.qtype == QuestionType.NUMERIC:
        spec["answer"] = {"value": plain_decimal(question.numeric_answer),
                          "tolerance": plain_decimal(question.numeric_tolerance or Decimal(0))}
    elif question.qtype == QuestionType.SHORT_ANSWER:
        spec["answer"] = {"case_sensitive": question.case_sensitive,
                          "diacritics_sensitive": question.diacritics_sensitive}
    return spec


def question_problems(*, qtype: str, options: Sequence[dict], true_false_answer: bool | None = None,
                      numeric_answer: Decimal | None = None) -> list[str]:
    """What is wrong with a question's data (translated messages); empty when it can be asked.

    ``options`` are dicts with ``text``, ``match`` and ``correct``.
    """
    problems: list[str] = []
    with_text = [o for o in options if (o.get("text") or "").strip()]
    correct = [o for o in with_text if o.get("correct")]
    if qtype == QuestionType.SINGLE:
        if len(with_text) < 2:
            problems.append(_("A single-choice question needs at least two options."))
        if len(correct) != 1:
            problems.append(_("A single-choice question needs exactly one right option."))
    elif qtype == QuestionType.MULTIPLE:
        if len(with_text) < 2:
            problems.append(_("A multiple-choice question needs at least two options."))
        if not correct:
            problems.append(_("Mark at least one option as right."))
    elif qtype == QuestionType.TRUE_FALSE:
        if true_false_answer is None:
            problems.append(_("Say whether the statement is true or false."))
    elif qtype == QuestionType.SHORT_ANSWER:
        if not with_text:
            problems.append(_("Give at least one accepted answer as an option."))
    elif qtype == QuestionType.NUMERIC:
        if numeric_answer is None:
            problems.append(_("Give the numeric answer."))
    elif qtype == QuestionType.MATCHING:
        if len(with_text) < 2:
            problems.append(_("A matching question needs at least two items to match."))
        if any(not (o.get("match") or "").strip() for o in with_text):
            problems.append(_("Every item of a matching question needs the text it matches."))
        matches = [fold(o.get("match") or "") for o in with_text]
        if len(set(matches)) < 2:
            problems.append(_("A matching question needs at least two different texts to match."))
    elif qtype == QuestionType.ORDERING:
        if len(with_text) < 2:
            problems.append(_("An ordering question needs at least two items."))
    return problems


def _with_options(questions):
    return questions.prefetch_related(Prefetch("options", queryset=QuestionOption.objects.order_by("sort_order")))


def draw_question_ids(*, slots: Iterable, shuffle: bool, rng: random.Random) -> list[tuple[int, Decimal]]:
    """(question id, mark) of one attempt or entry: fixed slots in order, random draws from categories.

    A question never appears twice; inactive questions are left out of draws. Reads ids and
    marks only (a contest's entry form needs no more until the questions are shown).
    """
    slots = list(slots)
    fixed_ids = {slot.question_id for slot in slots if slot.question_id}
    picked: list[tuple[int, Decimal | None]] = []
    taken: set[int] = set(fixed_ids)
    for slot in slots:
        if slot.question_id:
            picked.append((slot.question_id, slot.mark))
            continue
        pool = Question.objects.filter(category_id=slot.category_id, is_active=True).exclude(pk__in=taken)
        if slot.difficulty:
            pool = pool.filter(difficulty=slot.difficulty)
        ids = sorted(pool.values_list("pk", flat=True))
        for pk in rng.sample(ids, min(slot.count, len(ids))):
            taken.add(pk)
            picked.append((pk, slot.mark))
    marks = dict(Question.objects.filter(pk__in=[pk for pk, _mark in picked]).values_list("pk", "default_mark"))
    result = [(pk, mark if mark is not None else marks[pk]) for pk, mark in picked if pk in marks]
    if shuffle:
        rng.shuffle(result)
    return result


def draw_questions(*, slots: Iterable, shuffle: bool, rng: random.Random) -> list[tuple[Question, Decimal]]:
    """The questions of one attempt (``draw_question_ids``), loaded with their options."""
    drawn = draw_question_ids(slots=slots, shuffle=shuffle, rng=rng)
    questions = _with_options(Question.objects.filter(pk__in=[pk for pk, _mark in drawn])).in_bulk()
    return [(questions[pk], mark) for pk, mark in drawn if pk in questions]


def spec_display(spec: dict, *, shuffle: bool, rng: random.Random) -> dict:
    return grading.display_order(spec, shuffle=shuffle, rng=rng)


def question_references_update(*, question_ids: Iterable[int]) -> int:
    """Bring Wagtail's reference index (a bank's or an image's "usage") up to date for these
    questions, e.g. after a bulk import that sent no ``post_save``. Idempotent; returns how many."""
    ids = list(question_ids)
    done = 0
    for start in range(0, len(ids), 500):
        for question in Question.objects.filter(pk__in=ids[start:start + 500]).prefetch_related(
                "options", "tagged_items"):
            ReferenceIndex.create_or_update_for_object(question)
            done += 1
    return done
