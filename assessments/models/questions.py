"""The question bank: categories (each owned by an org unit), questions and their options.

Options are an inline child list (modelcluster), so a trainer edits a question
and its options on one admin page. Which option data matters depends on the
type (see ``QuestionType``); ``assessments.services.bank.question_problems``
checks it.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from taggit.models import TaggedItemBase
from wagtail.fields import RichTextField
from wagtail.models import Orderable

from .. import grading

STEM_FEATURES = ["bold", "italic", "ol", "ul", "link", "image", "superscript", "subscript"]


class QuestionType(models.TextChoices):
    SINGLE = grading.SINGLE, _("Single choice")
    MULTIPLE = grading.MULTIPLE, _("Multiple choice")
    TRUE_FALSE = grading.TRUE_FALSE, _("True/false")
    SHORT_ANSWER = grading.SHORT_ANSWER, _("Short answer")
    NUMERIC = grading.NUMERIC, _("Numeric")
    MATCHING = grading.MATCHING, _("Matching")
    ORDERING = grading.ORDERING, _("Ordering")


class Scoring(models.TextChoices):
    ALL_OR_NOTHING = grading.ALL_OR_NOTHING, _("All or nothing")
    PARTIAL = grading.PARTIAL, _("Partial credit")


class Difficulty(models.TextChoices):
    EASY = "easy", _("Easy")
    MEDIUM = "medium", _("Medium")
    HARD = "hard", _("Hard")


class QuestionCategory(models.Model):
    """A bank of questions on one topic, owned by an org unit (its trainers edit it)."""

    name = models.CharField(_("name"), max_length=200)
    org_unit = models.ForeignKey("people.OrgUnit", verbose_name=_("org unit"), on_delete=models.PROTECT,
                                 related_name="question_categories")
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("question category")
        verbose_name_plural = _("question categories")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["org_unit", "name"], name="assessments_unique_category_name")]

    def __str__(self) -> str:
        return self.name


class QuestionTag(TaggedItemBase):
    content_object = ParentalKey("assessments.Question", related_name="tagged_items", on_delete=models.CASCADE)


class Question(ClusterableModel):
    category = models.ForeignKey(QuestionCategory, verbose_name=pgettext_lazy("question bank", "category"), on_delete=models.PROTECT,
                                 related_name="questions")
    code = models.CharField(_("code"), max_length=64, blank=True,
                            help_text=_("Optional unique code; an XLSX import updates the question with this code."))
    qtype = models.CharField(_("type"), max_length=16, choices=QuestionType.choices, default=QuestionType.SINGLE)
    difficulty = models.CharField(_("difficulty"), max_length=8, choices=Difficulty.choices,
                                  default=Difficulty.MEDIUM)
    stem = RichTextField(_("question"), features=STEM_FEATURES)
    default_mark = models.DecimalField(_("mark"), max_digits=6, decimal_places=2, default=1)
    scoring = models.CharField(
        _("scoring"), max_length=16, choices=Scoring.choices, default=Scoring.ALL_OR_NOTHING,
        help_text=_("Multiple choice, matching and ordering: all or nothing, or a share for each right part."))
    true_false_answer = models.BooleanField(_("the statement is true"), null=True, blank=True)
    numeric_answer = models.DecimalField(_("numeric answer"), max_digits=18, decimal_places=6, null=True,
                                         blank=True)
    numeric_tolerance = models.DecimalField(_("tolerance"), max_digits=18, decimal_places=6, default=0,
                                            help_text=_("Answers within ± this amount are right."))
    case_sensitive = models.BooleanField(_("case-sensitive"), default=False,
                                         help_text=_("Short answer: “Hiến pháp” and “hiến pháp” differ."))
    diacritics_sensitive = models.BooleanField(_("diacritics-sensitive"), default=False,
                                               help_text=_("Short answer: “Hiến pháp” and “Hien phap” differ."))
    general_feedback = RichTextField(_("general feedback"), blank=True, features=STEM_FEATURES)
    tags = ClusterTaggableManager(through=QuestionTag, blank=True, verbose_name=_("tags"))
    is_active = models.BooleanField(_("active"), default=True,
                                    help_text=_("Inactive questions are left out of new random draws."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["category", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=~Q(code=""), name="assessments_unique_question_code"),
            models.CheckConstraint(condition=Q(default_mark__gte=0), name="assessments_question_mark_not_negative"),
            models.CheckConstraint(condition=Q(numeric_tolerance__gte=0),
                                   name="assessments_question_tolerance_not_negative"),
        ]
        indexes = [models.Index(fields=["category", "is_active", "difficulty"])]

    def __str__(self) -> str:
        return Truncator(strip_tags(self.stem)).chars(80) or f"#{self.pk}"


class QuestionOption(Orderable):
    """One option. Choice types: text + is_correct. Short answer: an accepted answer.
    Matching: text (left) and match_text (right; an option with no text is a distractor).
    Ordering: the options in their right order."""

    question = ParentalKey(Question, on_delete=models.CASCADE, related_name="options")
    text = models.TextField(_("text"), blank=True)
    match_text = models.CharField(_("matches"), max_length=500, blank=True)
    is_correct = models.BooleanField(_("correct"), default=False)
    feedback = models.TextField(_("feedback"), blank=True)

    class Meta(Orderable.Meta):
        verbose_name = _("option")
        verbose_name_plural = _("options")

    def __str__(self) -> str:
        return self.text or self.match_text
