"""Enrolments and progress.

One live enrolment per (learner, course) is a partial unique index; withdrawn
enrolments stay as history. Completion is recorded once, with its time and the
modality of the training, under a row lock (services.completion_evaluate).
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Enrollment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        ACTIVE = "active", _("In progress")
        COMPLETED = "completed", _("Completed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Source(models.TextChoices):
        SELF = "self", _("Self-enrolled")
        ASSIGNED = "assigned", _("Assigned by a manager")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("learner"), on_delete=models.CASCADE,
                             related_name="enrollments")
    course = models.ForeignKey("courses.CoursePage", verbose_name=_("course"), on_delete=models.CASCADE,
                               related_name="+")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    source = models.CharField(_("how"), max_length=16, choices=Source.choices, default=Source.SELF)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assigned by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    due_date = models.DateField(_("due date"), null=True, blank=True)
    enrolled_at = models.DateTimeField(_("enrolled"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    completion_modality = models.CharField(_("modality of the training"), max_length=16, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    last_lesson = models.ForeignKey("courses.LessonPage", verbose_name=_("last lesson"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["-enrolled_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], condition=~Q(status="withdrawn"),
                                    name="one_live_enrollment_per_course"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.course}"


class LessonProgress(models.Model):
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="lessons")
    lesson = models.ForeignKey("courses.LessonPage", on_delete=models.CASCADE, related_name="+")
    first_visited_at = models.DateTimeField(auto_now_add=True)
    last_visited_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lesson progress")
        constraints = [models.UniqueConstraint(fields=["enrollment", "lesson"], name="unique_lesson_progress")]


class VideoProgress(models.Model):
    """Watched coverage of one video in one lesson: the union of heartbeat intervals."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="videos")
    lesson = models.ForeignKey("courses.LessonPage", on_delete=models.CASCADE, related_name="+")
    video = models.ForeignKey("media_pipeline.Video", on_delete=models.CASCADE, related_name="+")
    duration = models.FloatField(default=0)
    intervals = models.JSONField(default=list)
    watched_seconds = models.FloatField(default=0)
    coverage_percent = models.FloatField(default=0)
    position = models.FloatField(default=0)
    last_heartbeat_at = models.FloatField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("video progress")
        constraints = [models.UniqueConstraint(fields=["enrollment", "lesson", "video"],
                                               name="unique_video_progress")]
