"""Satisfaction surveys: Likert-scale questionnaires a course or training session attaches.

The higher layer names what is being rated with ``subject_key`` (e.g.
``"course:12"``), so this app never imports it. In an anonymous survey the
response keeps no user, only ``respondent_hash`` (a keyed hash of user,
survey and subject) that stops a second answer without saying whose it is.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.fields import RichTextField
from wagtail.models import Orderable

LIKERT_MAX = 5
SATISFIED_FROM = 4


class Survey(ClusterableModel):
    title = models.CharField(_("title"), max_length=255)
    intro = RichTextField(_("introduction"), blank=True)
    org_unit = models.ForeignKey("people.OrgUnit", verbose_name=_("org unit"), on_delete=models.PROTECT,
                                 related_name="surveys")
    is_anonymous = models.BooleanField(_("anonymous"), default=True,
                                       help_text=_("Responses do not record who answered."))
    is_active = models.BooleanField(_("open for answers"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class SurveyItem(Orderable):
    class Kind(models.TextChoices):
        LIKERT = "likert", _("Scale 1-5 (1 = very dissatisfied, 5 = very satisfied)")
        TEXT = "text", _("Free text")

    survey = ParentalKey(Survey, on_delete=models.CASCADE, related_name="items")
    text = models.CharField(_("question"), max_length=500)
    kind = models.CharField(pgettext_lazy("survey question", "kind"), max_length=8, choices=Kind.choices, default=Kind.LIKERT)
    is_overall = models.BooleanField(_("overall satisfaction question"), default=False,
                                     help_text=_("The satisfaction rate counts answers of 4 or 5 to this one."))
    required = models.BooleanField(_("required"), default=True)

    class Meta(Orderable.Meta):
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")
        constraints = [models.UniqueConstraint(fields=["survey"], condition=Q(is_overall=True),
                                               name="assessments_one_overall_item")]

    def __str__(self) -> str:
        return self.text


class SurveyResponse(models.Model):
    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.CASCADE,
                               related_name="responses")
    subject_key = models.CharField(pgettext_lazy("survey", "subject"), max_length=100, blank=True, db_index=True,
                                   help_text=_("What was rated, e.g. course:12 or session:7."))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("respondent"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    respondent_hash = models.CharField(_("respondent key"), max_length=64)
    org_unit = models.ForeignKey("people.OrgUnit", verbose_name=_("org unit"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(_("submitted"))

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        constraints = [
            models.UniqueConstraint(fields=["survey", "subject_key", "respondent_hash"],
                                    name="assessments_one_response_per_respondent"),
            # a named survey also keeps the person: one response each, even if the hash's key changes
            models.UniqueConstraint(fields=["survey", "subject_key", "user"], condition=Q(user__isnull=False),
                                    name="assessments_one_named_response"),
        ]


class SurveyAnswer(models.Model):
    response = models.ForeignKey(SurveyResponse, verbose_name=_("response"), on_delete=models.CASCADE,
                                 related_name="answers")
    item = models.ForeignKey(SurveyItem, verbose_name=_("question"), on_delete=models.CASCADE,
                             related_name="answers")
    value = models.PositiveSmallIntegerField(_("value"), null=True, blank=True)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        constraints = [
            models.UniqueConstraint(fields=["response", "item"], name="assessments_one_answer_per_item"),
            models.CheckConstraint(condition=Q(value__isnull=True) | Q(value__gte=1, value__lte=LIKERT_MAX),
                                   name="assessments_likert_range"),
        ]
