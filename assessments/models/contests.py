"""Online legal-knowledge contests (cuộc thi trực tuyến tìm hiểu pháp luật).

A contest runs in rounds (usually weekly). Anyone may enter a public contest
without an account; a restricted contest is open to the people of chosen org
units. An entrant is one person per contest, recognised by their phone number
or e-mail; each entry is graded when it is submitted. Ranking: score, then the
distance of the tie-break prediction, then time taken, then submission time.
"""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.fields import RichTextField
from wagtail.models import Orderable

from .quizzes import QuestionSlotBase


class TiebreakKind(models.TextChoices):
    ENTRANTS = "entrants", _("Number of entries in the round")
    CORRECT_ENTRIES = "correct_entries", _("Number of entries with every answer right")


class Contest(ClusterableModel):
    class Audience(models.TextChoices):
        PUBLIC = "public", _("Everyone (no account needed)")
        RESTRICTED = "restricted", _("People of chosen org units (log in)")

    title = models.CharField(_("title"), max_length=255)
    slug = models.SlugField(_("address"), max_length=100, unique=True,
                            help_text=_("Part of the page address, e.g. tim-hieu-hien-phap-2026."))
    intro = RichTextField(_("introduction"), blank=True)
    rules = RichTextField(_("rules and prizes"), blank=True)
    org_unit = models.ForeignKey("people.OrgUnit", verbose_name=_("organiser"), on_delete=models.PROTECT,
                                 related_name="contests")
    audience = models.CharField(_("who may enter"), max_length=16, choices=Audience.choices,
                                default=Audience.PUBLIC)
    allowed_units = ParentalManyToManyField("people.OrgUnit", verbose_name=_("org units that may enter"),
                                            blank=True, related_name="+",
                                            help_text=_("Restricted contests: people of these units "
                                                        "(and the units below them)."))
    entries_per_round = models.PositiveSmallIntegerField(_("entries per person per round"), default=1)
    is_published = models.BooleanField(_("published"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("contest")
        verbose_name_plural = _("contests")
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=Q(entries_per_round__gte=1),
                                              name="assessments_contest_entries_per_round")]

    def __str__(self) -> str:
        return self.title


class ContestRound(ClusterableModel):
    contest = models.ForeignKey(Contest, verbose_name=_("contest"), on_delete=models.CASCADE,
                                related_name="rounds")
    number = models.PositiveSmallIntegerField(_("round"))
    title = models.CharField(_("title"), max_length=255, blank=True)
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    time_limit_minutes = models.PositiveIntegerField(_("time limit (minutes)"), default=30)
    tiebreak_question = models.CharField(_("tie-break question"), max_length=500, blank=True)
    tiebreak_kind = models.CharField(_("the tie-break predicts"), max_length=16, choices=TiebreakKind.choices,
                                     default=TiebreakKind.ENTRANTS)
    shuffle_questions = models.BooleanField(_("shuffle questions"), default=True)
    shuffle_options = models.BooleanField(_("shuffle options"), default=True)

    class Meta:
        verbose_name = _("contest round")
        verbose_name_plural = _("contest rounds")
        ordering = ["contest", "number"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "number"], name="assessments_unique_round_number"),
            models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")), name="assessments_round_window"),
        ]

    def __str__(self) -> str:
        return f"{self.contest} — {self.label}"

    @property
    def label(self) -> str:
        return self.title or str(_("Round %(number)s") % {"number": self.number})

    @property
    def time_limit(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.time_limit_minutes or 30)


class RoundSlot(Orderable, QuestionSlotBase):
    round = ParentalKey(ContestRound, on_delete=models.CASCADE, related_name="slots")

    class Meta(Orderable.Meta):
        verbose_name = _("round question")
        verbose_name_plural = _("round questions")
        constraints = QuestionSlotBase.Meta.constraints


class ContestEntrant(models.Model):
    """A person taking part in one contest; ``identity_key`` is their normalised phone or e-mail."""

    contest = models.ForeignKey(Contest, verbose_name=_("contest"), on_delete=models.CASCADE,
                                related_name="entrants")
    identity_key = models.CharField(_("identity"), max_length=254)
    full_name = models.CharField(_("full name"), max_length=255)
    org_unit = models.ForeignKey("people.OrgUnit", verbose_name=_("org unit"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("account"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)

    class Meta:
        verbose_name = _("contest entrant")
        verbose_name_plural = _("contest entrants")
        constraints = [models.UniqueConstraint(fields=["contest", "identity_key"],
                                               name="assessments_unique_entrant")]

    def __str__(self) -> str:
        return self.full_name


class ContestEntry(models.Model):
    """One submitted entry, graded on arrival. ``answers`` holds each question's id, response and fraction."""

    round = models.ForeignKey(ContestRound, verbose_name=_("round"), on_delete=models.CASCADE,
                              related_name="entries")
    entrant = models.ForeignKey(ContestEntrant, verbose_name=_("entrant"), on_delete=models.CASCADE,
                                related_name="entries")
    number = models.PositiveSmallIntegerField(_("entry number"), default=1)
    answers = models.JSONField(_("answers"), default=list, blank=True)
    score = models.DecimalField(_("score"), max_digits=8, decimal_places=2)
    max_score = models.DecimalField(_("maximum score"), max_digits=8, decimal_places=2)
    all_correct = models.BooleanField(_("every answer right"), default=False)
    prediction = models.PositiveIntegerField(_("tie-break prediction"))
    started_at = models.DateTimeField(_("started"))
    submitted_at = models.DateTimeField(_("submitted"))
    time_taken_ms = models.PositiveBigIntegerField(_("time taken (ms)"))
    client_ip = models.GenericIPAddressField(_("client address"), null=True, blank=True)

    class Meta:
        verbose_name = _("contest entry")
        verbose_name_plural = _("contest entries")
        ordering = ["round", "-score", "time_taken_ms", "submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["round", "entrant", "number"], name="assessments_unique_entry_number"),
        ]
        indexes = [models.Index(fields=["round", "-score", "time_taken_ms"], name="assessments_entry_rank")]

    def __str__(self) -> str:
        return f"{self.entrant} — {self.round.label}"
