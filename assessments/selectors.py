"""Reads of the assessments app, for views, the API, and the layers above.

Everything a learner is shown of an attempt is built here: ``attempt_questions``
from an allow-list (never answers), ``attempt_review`` gated by ``review_policy``.
Staff listings go through ``people.selectors`` scoping.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db.models import Avg, Count, F, Q, QuerySet, Value
from django.db.models.functions import Abs
from django.utils import timezone

from lms.text import nfc
from people.models import Role
from people.selectors import scope_queryset

from . import grading
from .hooks import quiz_access_denied
from .hooks import survey_subjects as hooked_survey_subjects
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


def may_author_quiz(user, quiz: Quiz) -> bool:
    """The quiz's creator, or staff whose authoring scope holds the quiz's org unit (superusers too)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or (quiz.created_by_id is not None and quiz.created_by_id == user.pk):
        return True
    return scope_queryset(Quiz.objects.filter(pk=quiz.pk), user, roles=AUTHOR_ROLES).exists()


def may_take_quiz(user, quiz: Quiz) -> bool:
    """Whether ``user`` may open ``quiz`` and start an attempt.

    Staff who may author the quiz always may (they try their quizzes out); anyone
    else unless an ``assessments_quiz_access`` hook of a higher layer says no (a
    quiz embedded in a course is for that course's learners: see ``hooks``).
    """
    if not getattr(user, "is_authenticated", False):
        return False
    if may_author_quiz(user, quiz):
        return True
    return not quiz_access_denied(user, quiz)


# --- the learner's view of an attempt ---------------------------------------------------

def seconds_left(attempt: Attempt, now=None) -> int | None:
    """Seconds until the deadline (0 when passed); None without a time limit or close."""
    if attempt.deadline is None:
        return None
    return max(0, int((attempt.deadline - (now or timezone.now())).total_seconds()))


def attempt_tokens(attempt: Attempt) -> grading.OptionTokens:
    """The names this attempt gives its options and matching choices (``grading.OptionTokens``)."""
    return grading.OptionTokens(f"attempt:{attempt.pk}")


def attempt_questions(attempt: Attempt) -> list[dict]:
    """Each question as the learner may see it during the attempt, with their saved answer.

    Built by ``grading.present`` from an allow-list: no correctness, no feedback, and options
    named by the attempt's tokens (the saved answer too), never by their ids.
    """
    tokens = attempt_tokens(attempt)
    items = []
    for slot in attempt.questions.order_by("position"):
        shown = grading.present(slot.spec, slot.display, tokens)
        shown.update(position=slot.position, response=tokens.show(slot.spec, slot.response), sequence=slot.sequence,
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


# --- staff results -------------------------------------------------------------------------

RESULTS_FULL_ROLES = (Role.DEPARTMENT_ADMIN, Role.TRAINER)
LEARNER_UNIT = "user__profile__org_unit"


def _managed_attempts(user) -> QuerySet[Attempt]:
    """Attempts of the people in the subtrees ``user`` manages (department admin, unit manager)."""
    return scope_queryset(Attempt.objects.all(), user, unit_field=LEARNER_UNIT)


def results_quizzes(user) -> QuerySet[Quiz]:
    """Quizzes whose results ``user`` may open: those they author (created, or their unit in the
    user's authoring scope) and those taken by people of the units they manage."""
    if not getattr(user, "is_authenticated", False):
        return Quiz.objects.none()
    authored = authored_quizzes(user).values("pk")
    taken = _managed_attempts(user).values("quiz_id")
    return (Quiz.objects.filter(Q(pk__in=authored) | Q(pk__in=taken) | Q(created_by=user))
            .select_related("org_unit").order_by("-created_at", "-pk"))


def sees_every_attempt(user, quiz: Quiz) -> bool:
    """The quiz's creator, a department admin or trainer whose scope holds its unit, or a superuser
    sees every attempt; anyone else (a unit manager) only their own people's."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or (quiz.created_by_id is not None and quiz.created_by_id == user.pk):
        return True
    return scope_queryset(Quiz.objects.filter(pk=quiz.pk), user, roles=RESULTS_FULL_ROLES).exists()


def quiz_results(user, quiz: Quiz) -> QuerySet[Attempt]:
    """Staff view of a quiz's attempts, learner and unit joined (one query), newest first."""
    attempts = (Attempt.objects.filter(quiz=quiz)
                .select_related("user", "user__profile", "user__profile__org_unit")
                .order_by("-started_at", "-pk"))
    if sees_every_attempt(user, quiz):
        return attempts
    return scope_queryset(attempts, user, unit_field=LEARNER_UNIT)


def quiz_results_filter(attempts: QuerySet[Attempt], *, state: str = "", passed: bool | None = None,
                        org_unit=None, learner: str = "", started_from: dt.date | None = None,
                        started_until: dt.date | None = None) -> QuerySet[Attempt]:
    """Narrow a results queryset: state, passed or not, a unit's subtree, a learner (part of the
    name or username, or the exact ID code; case-insensitive, on SQLite for ASCII letters only),
    the days the attempt started in (inclusive, local time)."""
    if state:
        attempts = attempts.filter(state=state)
    if passed is not None:
        attempts = attempts.filter(passed=passed)
    if org_unit is not None:
        attempts = attempts.filter(**{f"{LEARNER_UNIT}__path__startswith": org_unit.path})
    if learner.strip():
        words = nfc(learner.strip())
        attempts = attempts.filter(Q(user__profile__full_name__icontains=words) | Q(user__username__icontains=words)
                                   | Q(user__first_name__icontains=words) | Q(user__last_name__icontains=words)
                                   | Q(user__profile__id_code=words))
    zone = timezone.get_current_timezone()
    if started_from is not None:
        attempts = attempts.filter(started_at__gte=dt.datetime.combine(started_from, dt.time.min, tzinfo=zone))
    if started_until is not None:
        attempts = attempts.filter(started_at__lt=dt.datetime.combine(started_until + dt.timedelta(days=1),
                                                                      dt.time.min, tzinfo=zone))
    return attempts


@dataclass(frozen=True)
class ResultRow:
    """One attempt as the staff results page and its exports show it."""

    attempt_id: int
    number: int
    learner: str
    username: str
    unit: str
    state: str
    score: Decimal | None
    max_score: Decimal
    percent: Decimal | None
    passed: bool | None
    started_at: dt.datetime
    finished_at: dt.datetime | None

    @property
    def duration_seconds(self) -> int | None:
        if self.finished_at is None:
            return None
        return max(0, int((self.finished_at - self.started_at).total_seconds()))

    @property
    def duration(self) -> str:
        seconds = self.duration_seconds
        if seconds is None:
            return ""
        return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def result_rows(attempts: Iterable[Attempt]) -> Iterator[ResultRow]:
    """Rows of a results queryset from ``quiz_results`` (its joins: no query per row)."""
    for attempt in attempts:
        user = attempt.user
        profile = getattr(user, "profile", None)
        yield ResultRow(
            attempt_id=attempt.pk, number=attempt.number,
            learner=profile.full_name if profile else (user.get_full_name() or user.username),
            username=user.username, unit=profile.org_unit.name if profile and profile.org_unit else "",
            state=attempt.get_state_display(), score=attempt.score, max_score=attempt.max_score,
            percent=attempt.percent, passed=attempt.passed, started_at=attempt.started_at,
            finished_at=attempt.finished_at)


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


RANKING = ("-score", "distance", "time_taken_ms", "submitted_at", "pk")
BOARD_FRESH_SECONDS = 10


def _ranked_entries(contest_round: ContestRound, actual: int) -> QuerySet[ContestEntry]:
    return (ContestEntry.objects.filter(round=contest_round)
            .annotate(distance=Abs(F("prediction") - Value(actual))).order_by(*RANKING))


def leaderboard(contest_round: ContestRound, *, org_unit=None, limit: int | None = 100,
                actual: int | None = None) -> list[LeaderboardRow]:
    """Each entrant's best entry, ranked by score, tie-break distance, time taken, submission time.

    ``org_unit`` keeps entrants of that unit's subtree (a unit's own leaderboard). Reads only
    the columns shown (never the answers); with a ``limit`` only the first ``limit`` x
    entries-per-person rows, which hold the best entry of the first ``limit`` entrants.
    """
    actual = tiebreak_actual(contest_round) if actual is None else actual
    entries = _ranked_entries(contest_round, actual)
    if org_unit is not None:
        entries = entries.filter(entrant__org_unit__path__startswith=org_unit.path)
    entries = entries.values_list("pk", "entrant_id", "entrant__full_name", "entrant__org_unit__name",
                                  "entrant__address", "score", "max_score", "prediction", "distance", "time_taken_ms",
                                  "submitted_at")
    if limit:
        entries = entries[:limit * max(1, contest_round.contest.entries_per_round)]
    rows: list[LeaderboardRow] = []
    seen: set[int] = set()
    for pk, entrant_id, name, unit, address, score, max_score, prediction, distance, taken, submitted in entries:
        if entrant_id in seen:
            continue
        seen.add(entrant_id)
        rows.append(LeaderboardRow(
            rank=len(rows) + 1, entry_id=pk, entrant_id=entrant_id, name=name, unit=unit or address, score=score,
            max_score=max_score, prediction=prediction, distance=distance, time_taken_ms=taken,
            submitted_at=submitted))
        if limit and len(rows) >= limit:
            break
    return rows


def entry_rank(entry: ContestEntry) -> int | None:
    """Where this entry's entrant stands in its round now, by their best entry: one more than the
    number of entrants with an entry ranked above it (counted in the database, not by reading the board)."""
    entries = _ranked_entries(entry.round, tiebreak_actual(entry.round))
    best = entries.filter(entrant_id=entry.entrant_id).values(
        "pk", "score", "distance", "time_taken_ms", "submitted_at").first()
    if best is None:
        return None
    # ahead of (score, distance, time, submission, id) in the ranking order, nested so that each column
    # is compared once or twice (built flat, the condition repeats them and takes longer to compile)
    ahead = Q(submitted_at__lt=best["submitted_at"]) | Q(submitted_at=best["submitted_at"], pk__lt=best["pk"])
    ahead = Q(time_taken_ms__lt=best["time_taken_ms"]) | (Q(time_taken_ms=best["time_taken_ms"]) & ahead)
    ahead = Q(distance__lt=best["distance"]) | (Q(distance=best["distance"]) & ahead)
    ahead = Q(score__gt=best["score"]) | (Q(score=best["score"]) & ahead)
    return entries.filter(ahead).exclude(entrant_id=entry.entrant_id).values("entrant_id").distinct().count() + 1


@dataclass(frozen=True)
class RoundBoard:
    """What the public leaderboard page shows, as of ``computed_at``."""

    rows: list[LeaderboardRow]
    actual: int
    standings: list[dict]
    computed_at: dt.datetime


def round_board(contest_round: ContestRound, *, org_unit=None) -> RoundBoard:
    """The leaderboard page's data, computed at most every BOARD_FRESH_SECONDS per round and unit.

    Thousands of entrants open the same board after sending their entry; they share one
    computation (in the cache every process reads). When it goes stale, one request
    recomputes it while the others keep being served the previous board.
    """
    key = f"assessments:board:{contest_round.pk}:{org_unit.pk if org_unit is not None else 0}"
    cached = cache.get(key)
    now = timezone.now()
    if cached is not None:
        board, fresh_until = cached
        if now < fresh_until or not cache.add(f"{key}:refreshing", 1, timeout=60):
            return board
    actual = tiebreak_actual(contest_round)
    board = RoundBoard(rows=leaderboard(contest_round, org_unit=org_unit, actual=actual), actual=actual,
                       standings=unit_standings(contest_round), computed_at=now)
    cache.set(key, (board, now + dt.timedelta(seconds=BOARD_FRESH_SECONDS)), timeout=BOARD_FRESH_SECONDS * 60)
    cache.delete(f"{key}:refreshing")
    return board


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


def satisfaction_by_unit_path(*, paths: list[str] | None = None, since: dt.datetime | None = None,
                              until: dt.datetime | None = None) -> dict[str, SatisfactionRate]:
    """``satisfaction_rate`` of every org unit's own responses at once (one grouped query), keyed
    by the unit's tree path: a caller adds up a subtree by path prefix. ``paths``: only these
    subtrees (None: everywhere); responses without an org unit are left out."""
    answers = SurveyAnswer.objects.filter(item__is_overall=True, value__isnull=False,
                                          response__org_unit__isnull=False)
    if paths is not None:
        within = Q(pk__in=[])
        for path in paths:
            within |= Q(response__org_unit__path__startswith=path)
        answers = answers.filter(within)
    if since is not None:
        answers = answers.filter(response__submitted_at__gte=since)
    if until is not None:
        answers = answers.filter(response__submitted_at__lt=until)
    rows = (answers.order_by().values_list("response__org_unit__path")
            .annotate(respondents=Count("pk"), satisfied=Count("pk", filter=Q(value__gte=SATISFIED_FROM))))
    return {path: SatisfactionRate(respondents=respondents, satisfied=satisfied)
            for path, respondents, satisfied in rows}


def respondent_hash(*, survey: Survey, user, subject_key: str) -> str:
    """A keyed hash that recognises a second answer without recording who answered."""
    message = f"{survey.pk}:{subject_key}:{user.pk}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def has_answered(user, survey: Survey, subject_key: str = "") -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return SurveyResponse.objects.filter(survey=survey, subject_key=subject_key, respondent_hash=respondent_hash(
        survey=survey, user=user, subject_key=subject_key)).exists()


def survey_subjects(user) -> dict[str, str]:
    """What ``user`` may rate in a survey, ``{subject key: label}``: the courses and classes they are
    enrolled in, as the layers above say (``assessments_survey_subjects`` hook). Empty for anonymous users."""
    if not getattr(user, "is_authenticated", False):
        return {}
    return hooked_survey_subjects(user)


def survey_items(survey: Survey) -> list[SurveyItem]:
    return list(survey.items.order_by("sort_order"))
