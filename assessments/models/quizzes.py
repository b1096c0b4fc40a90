"""Quizzes, the questions they draw, and learners' attempts.

An attempt is a state machine with the clock on the server:
``in_progress -> overdue -> finished | abandoned`` (``in_progress -> finished``
when the learner submits in time). The transitions are the functions of
``assessments.services.attempts``; one live attempt per (user, quiz) is a
partial unique index, not a check in Python.
"""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.fields import RichTextField
from wagtail.models import Orderable

from .. import grading
from .questions import Difficulty


class GradingMethod(models.TextChoices):
    HIGHEST = grading.HIGHEST, _("Highest attempt")
    LAST = grading.LAST, _("Last attempt")
    FIRST = grading.FIRST, _("First attempt")
    AVERAGE = grading.AVERAGE, _("Average of attempts")


class ReviewWhen(models.TextChoices):
    IMMEDIATELY = "immediately", _("Immediately after the attempt")
    AFTER_CLOSE = "after_close", _("After the quiz closes")
    NEVER = "never", _("Never")


class OverdueHandling(models.TextChoices):
    AUTOSUBMIT = "autosubmit", _("Grade the saved answers")
    ABANDON = "abandon", _("The attempt does not count unless submitted in time")


class QuestionSlotBase(models.Model):
    """A fixed question, or ``count`` questions drawn at random from a category."""

    question = models.ForeignKey("assessments.Question", verbose_name=_("question"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey("assessments.QuestionCategory", verbose_name=_("random from category"),
                                 null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    count = models.PositiveSmallIntegerField(_("how many"), default=1,
                                             help_text=_("Random draws: how many questions to draw."))
    difficulty = models.CharField(_("difficulty"), max_length=8, choices=Difficulty.choices, blank=True)
    mark = models.DecimalField(_("mark"), max_digits=6, decimal_places=2, null=True, blank=True,
                               help_text=_("Leave empty to use each question's own mark."))

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=(Q(question__isnull=False, category__isnull=True)
                           | Q(question__isnull=True, category__isnull=False)),
                name="%(app_label)s_%(class)s_question_or_category"),
        ]


class Quiz(ClusterableModel):
    title = models.CharField(_("title"), max_length=255)
    description = RichTextField(_("description"), blank=True)
    org_unit = models.ForeignKey("people.OrgUnit", verbose_name=_("org unit"), on_delete=models.PROTECT,
                                 related_name="quizzes")
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    time_limit_minutes = models.PositiveIntegerField(_("time limit (minutes)"), null=True, blank=True)
    grace_seconds = models.PositiveIntegerField(
        _("grace period (seconds)"), default=20,
        help_text=_("Answers arriving this long after the time is up are still saved (slow connections)."))
    overdue_handling = models.CharField(_("when the time is up"), max_length=16, choices=OverdueHandling.choices,
                                        default=OverdueHandling.AUTOSUBMIT)
    max_attempts = models.PositiveSmallIntegerField(_("attempts allowed"), default=1,
                                                    help_text=_("0 means unlimited."))
    grading_method = models.CharField(_("grading method"), max_length=16, choices=GradingMethod.choices,
                                      default=GradingMethod.HIGHEST)
    pass_percent = models.DecimalField(_("pass mark (%)"), max_digits=5, decimal_places=2, default=50)
    shuffle_questions = models.BooleanField(_("shuffle questions"), default=False)
    shuffle_options = models.BooleanField(_("shuffle options"), default=True)
    sequential = models.BooleanField(_("sequential navigation"), default=False,
                                     help_text=_("One question per page, no going back."))
    review_answers = models.CharField(_("learner sees their answers"), max_length=16, choices=ReviewWhen.choices,
                                      default=ReviewWhen.IMMEDIATELY)
    review_correctness = models.CharField(_("learner sees right/wrong"), max_length=16,
                                          choices=ReviewWhen.choices, default=ReviewWhen.IMMEDIATELY)
    review_correct_answers = models.CharField(_("learner sees the right answers"), max_length=16,
                                              choices=ReviewWhen.choices, default=ReviewWhen.AFTER_CLOSE)
    review_feedback = models.CharField(_("learner sees feedback"), max_length=16, choices=ReviewWhen.choices,
                                       default=ReviewWhen.IMMEDIATELY)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(opens_at__isnull=True) | Q(closes_at__isnull=True)
                                   | Q(closes_at__gt=models.F("opens_at")), name="assessments_quiz_window"),
            models.CheckConstraint(condition=Q(pass_percent__gte=0, pass_percent__lte=100),
                                   name="assessments_quiz_pass_percent"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def time_limit(self) -> dt.timedelta | None:
        return dt.timedelta(minutes=self.time_limit_minutes) if self.time_limit_minutes else None

    @property
    def grace(self) -> dt.timedelta:
        return dt.timedelta(seconds=self.grace_seconds)


class QuizSlot(Orderable, QuestionSlotBase):
    quiz = ParentalKey(Quiz, on_delete=models.CASCADE, related_name="slots")

    class Meta(Orderable.Meta):
        verbose_name = _("quiz question")
        verbose_name_plural = _("quiz questions")
        constraints = QuestionSlotBase.Meta.constraints


class Attempt(models.Model):
    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", pgettext_lazy("quiz attempt", "In progress")
        OVERDUE = "overdue", _("Time is up")
        FINISHED = "finished", _("Finished")
        ABANDONED = "abandoned", _("Not submitted")

    LIVE_STATES = (State.IN_PROGRESS, State.OVERDUE)

    quiz = models.ForeignKey(Quiz, verbose_name=_("quiz"), on_delete=models.PROTECT, related_name="attempts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("learner"), on_delete=models.CASCADE,
                             related_name="quiz_attempts")
    number = models.PositiveSmallIntegerField(_("attempt number"))
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.IN_PROGRESS)
    started_at = models.DateTimeField(_("started"))
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True,
                                    help_text=_("When the time is up: the time limit or the quiz's close."))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    current_position = models.PositiveSmallIntegerField(
        _("current question"), default=0, help_text=_("Sequential navigation: earlier questions are closed."))
    score = models.DecimalField(_("score"), max_digits=8, decimal_places=2, null=True, blank=True)
    max_score = models.DecimalField(_("maximum score"), max_digits=8, decimal_places=2, default=0)
    percent = models.DecimalField(_("percent"), max_digits=5, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True, blank=True)

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        ordering = ["quiz", "user", "number"]
        constraints = [
            models.UniqueConstraint(fields=["user", "quiz"], condition=Q(state__in=["in_progress", "overdue"]),
                                    name="assessments_one_live_attempt"),
            models.UniqueConstraint(fields=["user", "quiz", "number"], name="assessments_unique_attempt_number"),
        ]
        indexes = [models.Index(fields=["state", "deadline"], name="assessments_attempt_sweep")]

    def __str__(self) -> str:
        return f"{self.quiz} — {self.user} #{self.number}"

    @property
    def is_live(self) -> bool:
        return self.state in self.LIVE_STATES

    def accepts_answers_until(self) -> dt.datetime | None:
        return self.deadline + self.quiz.grace if self.deadline else None


class AttemptQuestion(models.Model):
    """One question of an attempt: a frozen copy of it (``spec``), its display order and the saved answer.

    ``sequence`` is the client's counter of the last answer saved; an older
    one arriving late is refused, so it never overwrites a newer answer.
    """

    attempt = models.ForeignKey(Attempt, verbose_name=_("attempt"), on_delete=models.CASCADE,
                                related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"))
    question = models.ForeignKey("assessments.Question", verbose_name=_("question"), null=True,
                                 on_delete=models.SET_NULL, related_name="+")
    spec = models.JSONField(_("question as drawn"))
    display = models.JSONField(_("display order"), default=dict)
    mark = models.DecimalField(_("mark"), max_digits=6, decimal_places=2)
    response = models.JSONField(_("answer"), null=True, blank=True)
    sequence = models.PositiveBigIntegerField(_("answer sequence"), default=0)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    fraction = models.DecimalField(_("fraction"), max_digits=6, decimal_places=5, null=True, blank=True)
    awarded = models.DecimalField(_("marks awarded"), max_digits=8, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("attempt question")
        verbose_name_plural = _("attempt questions")
        ordering = ["attempt", "position"]
        constraints = [models.UniqueConstraint(fields=["attempt", "position"], name="assessments_unique_position")]
