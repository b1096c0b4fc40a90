"""Reads of the assessments app, for views, the API, and the layers above.

Everything a learner is shown of an attempt is built here: ``attempt_questions``
from an allow-list (never answers), ``attempt_review`` gated by ``review_policy``.
Staff listings go through ``people.selectors`` scoping.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Avg, Count, F, Q, QuerySet, Value
from django.db.models.functions import Abs
from django.utils import timezone

from people.models import Role
from people.selectors import scope_queryset

from . import grading
from .models import (
    Attempt, Contest, ContestEntry, ContestRound, Question, QuestionCategory, Quiz, ReviewWhen, Survey, SurveyAnswer,
    SurveyItem, SurveyResponse, TiebreakKind,
)
from .models.surveys import SATISFIED_FROM

AUTHOR_ROLES = (Role.DEPARTMENT_ADMIN, Role.UNIT_MANAGER, Role.TRAINER)


# --- authoring scope ---------------------------------------------------------------

def authored_categories(user) -> QuerySet[QuestionCategory]:
    """Question categories of the org units ``user`` authors in (trainers included)."""
    return scope_queryset(QuestionCategory.objects.select_related("org_unit"), user, roles=AUTHOR_ROLES)


def authored_questions(user) -> QuerySet[Question]:
    return scope_queryset(Question.objects.select_related("category"), user, unit_field="category__org_unit",
                          roles=AUTHOR_ROLES)


def authored_quizzes(user) -> QuerySet[Quiz]:
    return scope_queryset(Quiz.objects.select_related("org_unit"), user, roles=AUTHOR_ROLES)


# --- the learner's view of an attempt ---------------------------------------------------

def seconds_left(attempt: Attempt, now=None) -> int | None:
    """Seconds until the deadline (0 when passed); None without a time limit or close."""
    if attempt.deadline is None:
        return None
    return max(0, int((attempt.deadline - (now or timezone.now())).total_seconds()))


def attempt_questions(attempt: Attempt) -> list[dict]:
    """Each question as the learner may see it during the attempt, with their saved answer.

    Built by ``grading.present`` from an allow-list: no correctness, no feedback.
    """
    items = []
    for slot in attempt.questions.order_by("position"):
        shown = grading.present(slot.spec, slot.display)
        shown.update(position=slot.position, response=slot.response, sequence=slot.sequence,
                     closed=attempt.quiz.sequential and slot.position < attempt.current_position)
        items.append(shown)
    return items


@dataclass(frozen=True)
class ReviewPolicy:
    answers: bool = False
    correctness: bool = False
    correct_answers: bool = False
    feedback: bool = False

    @property
    def any(self) -> bool:
        return self.answers or self.correctness or self.correct_answers or self.feedback


def review_policy(attempt: Attempt, now=None) -> ReviewPolicy:
    """What the learner may see of a finished attempt now, by the quiz's review options."""
    if attempt.state != Attempt.State.FINISHED:
        return ReviewPolicy()
    now = now or timezone.now()
    quiz = attempt.quiz
    closed = quiz.closes_at is not None and now >= quiz.closes_at

    def allowed(when: str) -> bool:
        return when == ReviewWhen.IMMEDIATELY or (when == ReviewWhen.AFTER_CLOSE and closed)

    return ReviewPolicy(answers=allowed(quiz.review_answers), correctness=allowed(quiz.review_correctness),
                        correct_answers=allowed(quiz.review_correct_answers), feedback=allowed(quiz.review_feedback))


def attempt_review(attempt: Attempt, policy: ReviewPolicy) -> list[dict]:
    """The review of a finished attempt: each field only when ``policy`` allows it."""
    items = []
    for slot in attempt.questions.order_by("position"):
        spec = slot.spec
        item = {"position": slot.position, "type": spec["type"], "stem": spec["stem"], "mark": spec["mark"]}
        if policy.answers:
            item["your_answer"] = grading.response_text(spec, slot.response)
        if policy.correctness:
            item["awarded"] = str(slot.awarded) if slot.awarded is not None else None
            item["correct"] = slot.fraction is not None and slot.fraction == 1
            item["partly_correct"] = slot.fraction is not None and 0 < slot.fraction < 1
        if policy.correct_answers:
            item["correct_answer"] = grading.correct_answer_text(spec)
        if policy.feedback:
            item["feedback"] = grading.feedback_for(spec, slot.response)
            item["general_feedback"] = spec.get("general_feedback") or ""
        items.append(item)
    return items


# --- results for the layers above ---------------------------------------------------------

@dataclass(frozen=True)
class QuizResult:
    """A learner's grade on a quiz by its grading method."""

    percent: Decimal
    passed: bool
    attempts: int
    method: str
    finished_at: dt.datetime | None = None
    attempt_ids: list[int] = field(default_factory=list)


def finished_attempts(user, quiz: Quiz) -> QuerySet[Attempt]:
    return Attempt.objects.filter(user=user, quiz=quiz, state=Attempt.State.FINISHED).order_by("number")


def best_result(user, quiz: Quiz) -> QuizResult | None:
    """The learner's grade on ``quiz`` by its grading method (highest, last, first, average),
    or None before any finished attempt. Courses and enrolment read completion from this."""
    attempts = list(finished_attempts(user, quiz))
    if not attempts:
        return None
    percent = grading.combine(quiz.grading_method, [a.percent for a in attempts])
    return QuizResult(percent=percent, passed=percent >= quiz.pass_percent, attempts=len(attempts),
                      method=quiz.grading_method, finished_at=attempts[-1].finished_at,
                      attempt_ids=[a.pk for a in attempts])


def live_attempt(user, quiz: Quiz) -> Attempt | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Attempt.objects.filter(user=user, quiz=quiz, state__in=Attempt.LIVE_STATES).first()


def attempts_of(user, quiz: Quiz) -> QuerySet[Attempt]:
    if not getattr(user, "is_authenticated", False):
        return Attempt.objects.none()
    return Attempt.objects.filter(user=user, quiz=quiz).order_by("number")


def attempts_left(user, quiz: Quiz) -> int | None:
    """None when unlimited."""
    if not quiz.max_attempts:
        return None
    return max(0, quiz.max_attempts - attempts_of(user, quiz).count())


def quiz_results(user, quiz: Quiz) -> QuerySet[Attempt]:
    """Staff view of a quiz's attempts: only learners of the units ``user`` manages."""
    return scope_queryset(Attempt.objects.filter(quiz=quiz).select_related("user", "user__profile"), user,
                          unit_field="user__profile__org_unit")


# --- contests ---------------------------------------------------------------------------

def published_contests() -> QuerySet[Contest]:
    return Contest.objects.filter(is_published=True).order_by("-created_at")


def contest_rounds(contest: Contest) -> list[ContestRound]:
    return list(contest.rounds.order_by("number"))


def current_round(contest: Contest, now=None) -> ContestRound | None:
    """The round open now, else the next one to open, else the last one."""
    now = now or timezone.now()
    rounds = contest_rounds(contest)
    for contest_round in rounds:
        if contest_round.opens_at <= now < contest_round.closes_at:
            return contest_round
    upcoming = [r for r in rounds if r.opens_at > now]
    return upcoming[0] if upcoming else (rounds[-1] if rounds else None)


def tiebreak_actual(contest_round: ContestRound) -> int:
    """The figure the tie-break question asks to predict (so far, while the round is open)."""
    entries = ContestEntry.objects.filter(round=contest_round)
    if contest_round.tiebreak_kind == TiebreakKind.CORRECT_ENTRIES:
        entries = entries.filter(all_correct=True)
    return entries.count()


@dataclass(frozen=True)
class LeaderboardRow:
    rank: int
    entry_id: int
    entrant_id: int
    name: str
    unit: str
    score: Decimal
    max_score: Decimal
    prediction: int
    distance: int
    time_taken_ms: int
    submitted_at: dt.datetime

    @property
    def time_taken(self) -> str:
        seconds = self.time_taken_ms // 1000
        return f"{seconds // 60}:{seconds % 60:02d}"


def leaderboard(contest_round: ContestRound, *, org_unit=None, limit: int | None = 100) -> list[LeaderboardRow]:
    """Each entrant's best entry, ranked by score, tie-break distance, time taken, submission time.

    ``org_unit`` keeps entrants of that unit's subtree (a unit's own leaderboard).
    """
    actual = tiebreak_actual(contest_round)
    entries = (ContestEntry.objects.filter(round=contest_round)
               .select_related("entrant", "entrant__org_unit")
               .annotate(distance=Abs(F("prediction") - Value(actual)))
               .order_by("-score", "distance", "time_taken_ms", "submitted_at", "pk"))
    if org_unit is not None:
        entries = entries.filter(entrant__org_unit__path__startswith=org_unit.path)
    rows: list[LeaderboardRow] = []
    seen: set[int] = set()
    for entry in entries.iterator(chunk_size=2000):
        if entry.entrant_id in seen:
            continue
        seen.add(entry.entrant_id)
        entrant = entry.entrant
        rows.append(LeaderboardRow(
            rank=len(rows) + 1, entry_id=entry.pk, entrant_id=entrant.pk, name=entrant.full_name,
            unit=entrant.org_unit.name if entrant.org_unit else entrant.address, score=entry.score,
            max_score=entry.max_score, prediction=entry.prediction, distance=entry.distance,
            time_taken_ms=entry.time_taken_ms, submitted_at=entry.submitted_at))
        if limit and len(rows) >= limit:
            break
    return rows


def entry_rank(entry: ContestEntry) -> int | None:
    """Where this entry's entrant stands in its round now (by their best entry)."""
    for row in leaderboard(entry.round, limit=None):
        if row.entrant_id == entry.entrant_id:
            return row.rank
    return None


def unit_standings(contest_round: ContestRound) -> list[dict]:
    """Per org unit: how many people entered the round and their average score."""
    return list(ContestEntry.objects.filter(round=contest_round, entrant__org_unit__isnull=False)
                .values("entrant__org_unit__code", "entrant__org_unit__name")
                .annotate(entrants=Count("entrant", distinct=True), average=Avg("score"))
                .order_by("-entrants", "entrant__org_unit__name"))


def contest_entries_for_export(user, contest: Contest) -> QuerySet[ContestEntry]:
    """Entries a staff member may export: all of a contest their units organise, otherwise
    those of entrants in the units they manage."""
    entries = ContestEntry.objects.filter(round__contest=contest).select_related(
        "round", "entrant", "entrant__org_unit").order_by("round__number", "-score", "time_taken_ms", "submitted_at")
    if scope_queryset(Contest.objects.filter(pk=contest.pk), user).exists():
        return entries
    return scope_queryset(entries, user, unit_field="entrant__org_unit")


def manageable_contests(user) -> QuerySet[Contest]:
    return scope_queryset(Contest.objects.all(), user, roles=AUTHOR_ROLES)


# --- surveys ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class SatisfactionRate:
    """Respondents who answered the overall question, those who answered 4 or 5, and the share (%)."""

    respondents: int
    satisfied: int

    @property
    def rate(self) -> Decimal | None:
        if not self.respondents:
            return None
        return (Decimal(self.satisfied) * 100 / self.respondents).quantize(Decimal("0.01"))


def satisfaction_rate(*, survey: Survey | None = None, subject_keys: list[str] | None = None, org_unit=None,
                      since: dt.datetime | None = None, until: dt.datetime | None = None) -> SatisfactionRate:
    """The satisfaction rate for reporting: the share of respondents answering 4 or 5 (of 5) to
    the overall question. Filters: a survey, subjects (``"course:12"``), an org unit's subtree, a period."""
    answers = SurveyAnswer.objects.filter(item__is_overall=True, value__isnull=False)
    if survey is not None:
        answers = answers.filter(response__survey=survey)
    if subject_keys is not None:
        answers = answers.filter(response__subject_key__in=subject_keys)
    if org_unit is not None:
        answers = answers.filter(response__org_unit__path__startswith=org_unit.path)
    if since is not None:
        answers = answers.filter(response__submitted_at__gte=since)
    if until is not None:
        answers = answers.filter(response__submitted_at__lt=until)
    totals = answers.aggregate(respondents=Count("pk"), satisfied=Count("pk", filter=Q(value__gte=SATISFIED_FROM)))
    return SatisfactionRate(respondents=totals["respondents"], satisfied=totals["satisfied"])


def respondent_hash(*, survey: Survey, user, subject_key: str) -> str:
    """A keyed hash that recognises a second answer without recording who answered."""
    message = f"{survey.pk}:{subject_key}:{user.pk}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def has_answered(user, survey: Survey, subject_key: str = "") -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return SurveyResponse.objects.filter(survey=survey, subject_key=subject_key, respondent_hash=respondent_hash(
        survey=survey, user=user, subject_key=subject_key)).exists()


def survey_items(survey: Survey) -> list[SurveyItem]:
    return list(survey.items.order_by("sort_order"))
