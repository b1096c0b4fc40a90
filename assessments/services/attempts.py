"""Quiz attempts: one function per transition, each checking the state under a row lock.

    start ──> in_progress ──(deadline)──> overdue ──(deadline + grace)──> finished | abandoned
                   └──────────────── finish ──────────────┘

The clock is the server's: ``deadline`` is fixed when the attempt starts (time
limit, or the quiz's close if sooner); answers are accepted until the deadline
plus the quiz's grace period; after that the attempt is closed by whoever
comes first — the learner's next request or the Celery beat sweep — and graded
on the answers saved so far.
"""
from __future__ import annotations

import logging
import random
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from .. import grading
from ..exceptions import (
    AttemptNotLive, InvalidAnswer, NoAttemptsLeft, NoSuchQuestion, QuestionClosed, QuizAccessDenied, QuizEmpty,
    QuizNotOpen, StaleAnswer, TimeUp,
)
from ..models import Attempt, AttemptQuestion, OverdueHandling, Quiz
from ..selectors import attempt_tokens, may_take_quiz
from ..signals import attempt_finished
from .bank import draw_questions, question_spec, spec_display

logger = logging.getLogger(__name__)
State = Attempt.State
CENT = Decimal("0.01")
MAX_POSITION = 32767  # AttemptQuestion.position is a small integer
MAX_SEQUENCE = 2**63 - 1  # AttemptQuestion.sequence is a 64-bit integer


def _now(now):
    return now or timezone.now()


def quiz_is_open(quiz: Quiz, now) -> bool:
    return (quiz.opens_at is None or quiz.opens_at <= now) and (quiz.closes_at is None or now < quiz.closes_at)


def _deadline(quiz: Quiz, now):
    candidates = [moment for moment in (now + quiz.time_limit if quiz.time_limit else None, quiz.closes_at)
                  if moment is not None]
    return min(candidates) if candidates else None


def _live_attempt(user, quiz) -> Attempt | None:
    return Attempt.objects.filter(user=user, quiz=quiz, state__in=Attempt.LIVE_STATES).first()


def attempt_start(*, user, quiz: Quiz, now=None, seed: int | None = None) -> Attempt:
    """Start an attempt, or return the learner's live one (a second tab, a double click).

    Two concurrent starts end with one live attempt: the partial unique index
    refuses the second insert and the loser returns the winner's attempt.
    Raises QuizAccessDenied when the layers above keep ``user`` out of the quiz
    (``assessments_quiz_access`` hook: a course's quiz for its learners only).
    """
    if not may_take_quiz(user, quiz):
        raise QuizAccessDenied()
    now = _now(now)
    live = _live_attempt(user, quiz)
    if live is not None:
        live = attempt_close_if_expired(attempt_id=live.pk, now=now)
        if live.is_live:
            return live
    if not quiz_is_open(quiz, now):
        raise QuizNotOpen()
    used = Attempt.objects.filter(user=user, quiz=quiz).count()
    if quiz.max_attempts and used >= quiz.max_attempts:
        raise NoAttemptsLeft()
    rng = random.Random(seed)
    drawn = draw_questions(slots=quiz.slots.all(), shuffle=quiz.shuffle_questions, rng=rng)
    if not drawn:
        raise QuizEmpty()
    try:
        with transaction.atomic():
            attempt = Attempt(quiz=quiz, user=user, number=used + 1, state=State.IN_PROGRESS, started_at=now,
                              deadline=_deadline(quiz, now), max_score=sum((mark for _q, mark in drawn), Decimal(0)))
            # the uniqueness rules are the database's: two racing starts both pass a Python check
            attempt.full_clean(validate_constraints=False)
            attempt.save()
            rows = []
            for position, (question, mark) in enumerate(drawn):
                spec = question_spec(question, mark=mark)
                rows.append(AttemptQuestion(attempt=attempt, position=position, question=question, spec=spec,
                                            display=spec_display(spec, shuffle=quiz.shuffle_options, rng=rng),
                                            mark=mark))
            AttemptQuestion.objects.bulk_create(rows)
    except IntegrityError:
        live = _live_attempt(user, quiz)
        if live is None:
            raise
        return live
    return attempt


def _locked(attempt_id: int, user=None) -> Attempt:
    qs = Attempt.objects.select_for_update().select_related("quiz")
    if user is not None:
        qs = qs.filter(user=user)
    return qs.get(pk=attempt_id)


@transaction.atomic
def answer_save(*, attempt_id: int, position: int, response, sequence: int, user=None, now=None) -> AttemptQuestion:
    """Autosave one answer. ``sequence`` is the client's counter for this question: an answer
    with a sequence not above the saved one is stale and refused, so it never overwrites.

    ``response`` names options and matching choices by the attempt's tokens (as
    ``selectors.attempt_questions`` shows them), never by ids. Raises TimeUp after the deadline
    plus grace (the caller then closes the attempt), NoSuchQuestion for a position the attempt
    does not have, InvalidAnswer for an answer that does not fit.
    """
    now = _now(now)
    attempt = _locked(attempt_id, user)
    if not attempt.is_live:
        raise AttemptNotLive()
    limit = attempt.accepts_answers_until()
    if limit is not None and now > limit:
        raise TimeUp()
    slot = AttemptQuestion.objects.filter(attempt=attempt, position=position).first() \
        if 0 <= position <= MAX_POSITION else None
    if slot is None:
        raise NoSuchQuestion()
    if attempt.quiz.sequential and position < attempt.current_position:
        raise QuestionClosed()
    if sequence > MAX_SEQUENCE:
        raise InvalidAnswer()
    if sequence <= slot.sequence:
        raise StaleAnswer()
    try:
        slot.response = grading.clean_response(slot.spec, attempt_tokens(attempt).read(slot.spec, response))
    except grading.InvalidResponse as error:
        raise InvalidAnswer(str(error)) from None
    slot.sequence = sequence
    slot.answered_at = now
    slot.save(update_fields=["response", "sequence", "answered_at"])
    if attempt.state == State.IN_PROGRESS and attempt.deadline and now > attempt.deadline:
        attempt.state = State.OVERDUE
        attempt.save(update_fields=["state"])
    return slot


@transaction.atomic
def attempt_advance(*, attempt_id: int, position: int, user=None, now=None) -> Attempt:
    """Sequential navigation: move past ``position``; the questions before the new one close."""
    attempt = _locked(attempt_id, user)
    if not attempt.is_live:
        raise AttemptNotLive()
    last = attempt.questions.count() - 1
    if position == attempt.current_position and position < last:
        attempt.current_position = position + 1
        attempt.save(update_fields=["current_position"])
    return attempt


def _grade(attempt: Attempt, now) -> None:
    slots = list(attempt.questions.all())
    score = Decimal(0)
    for slot in slots:
        fraction = grading.grade(slot.spec, slot.response)
        slot.fraction = Decimal(fraction.numerator) / Decimal(fraction.denominator)
        slot.fraction = slot.fraction.quantize(Decimal("0.00001"))
        slot.awarded = (slot.mark * Decimal(fraction.numerator) / Decimal(fraction.denominator)).quantize(CENT)
        score += slot.awarded
    AttemptQuestion.objects.bulk_update(slots, ["fraction", "awarded"])
    attempt.score = score.quantize(CENT)
    attempt.max_score = sum((slot.mark for slot in slots), Decimal(0))
    attempt.percent = (score * 100 / attempt.max_score).quantize(CENT) if attempt.max_score else Decimal(0)
    attempt.passed = attempt.percent >= attempt.quiz.pass_percent
    attempt.state = State.FINISHED
    attempt.finished_at = now
    attempt.full_clean(validate_constraints=False)
    attempt.save(update_fields=["score", "max_score", "percent", "passed", "state", "finished_at"])
    finished_id = attempt.pk
    transaction.on_commit(lambda: attempt_finished.send(sender=Attempt, attempt=Attempt.objects.get(pk=finished_id)))


def _abandon(attempt: Attempt, now) -> None:
    attempt.state = State.ABANDONED
    attempt.finished_at = now
    attempt.save(update_fields=["state", "finished_at"])


@transaction.atomic
def attempt_finish(*, attempt_id: int, user=None, now=None) -> Attempt:
    """The learner submits. A second submit (double click, two tabs) gets AttemptNotLive (409)
    and the grade is computed once."""
    now = _now(now)
    attempt = _locked(attempt_id, user)
    if not attempt.is_live:
        raise AttemptNotLive()
    limit = attempt.accepts_answers_until()
    if limit is not None and now > limit and attempt.quiz.overdue_handling == OverdueHandling.ABANDON:
        _abandon(attempt, now)
    else:
        _grade(attempt, now)
    return attempt


@transaction.atomic
def attempt_close_if_expired(*, attempt_id: int, now=None) -> Attempt:
    """Apply the clock: past the deadline an attempt is overdue; past the grace period it is
    graded on its saved answers (or abandoned, when the quiz says so). Idempotent."""
    now = _now(now)
    attempt = _locked(attempt_id)
    if not attempt.is_live or attempt.deadline is None or now <= attempt.deadline:
        return attempt
    if now <= attempt.accepts_answers_until():
        if attempt.state == State.IN_PROGRESS:
            attempt.state = State.OVERDUE
            attempt.save(update_fields=["state"])
        return attempt
    if attempt.quiz.overdue_handling == OverdueHandling.ABANDON:
        _abandon(attempt, now)
    else:
        _grade(attempt, now)
    return attempt


def attempts_close_expired(*, now=None) -> int:
    """The sweep: close every live attempt whose time ran out. Returns how many were closed.

    Each attempt is closed in its own transaction; one that cannot be (bad data, a bug) is logged
    and left for the next sweep, and the others are closed all the same.
    """
    now = _now(now)
    closed = 0
    candidates = Attempt.objects.filter(state__in=Attempt.LIVE_STATES, deadline__lt=now).values_list("pk", flat=True)
    for attempt_id in list(candidates):
        try:
            if not attempt_close_if_expired(attempt_id=attempt_id, now=now).is_live:
                closed += 1
        except Exception:  # noqa: BLE001 - one attempt must not stop the sweep for everyone
            logger.exception("The sweep could not close attempt %s; the others go on.", attempt_id)
    return closed
