"""Enrolments and progress.

One live enrolment per (learner, course) is a partial unique index; withdrawn
enrolments stay as history. Completion is recorded once, with its time and the
modality of the training, under a row lock (services.completion_evaluate).
"""
from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Modality(models.TextChoices):
    """How a piece of training was held (a session) or how a completion was earned."""

    ONLINE_SELF_PACED = "online_self_paced", _("Online, self-paced")
    ONLINE_LIVE = "online_live", _("Online, live")
    IN_PERSON = "in_person", _("In person")
    BLENDED = "blended", _("Blended (online and in person)")


ONLINE_MODALITIES = (Modality.ONLINE_SELF_PACED, Modality.ONLINE_LIVE)
SESSION_MODALITIES = [(m.value, m.label) for m in (Modality.ONLINE_SELF_PACED, Modality.ONLINE_LIVE,
                                                   Modality.IN_PERSON)]


class TrainingClass(models.Model):
    """A course run (lớp bồi dưỡng): a cohort of learners of one course, with dates and a trainer."""

    course = models.ForeignKey("courses.CoursePage", verbose_name=_("course"), on_delete=models.PROTECT,
                               related_name="+")
    title = models.CharField(_("title"), max_length=255)
    org_unit = models.ForeignKey("people.OrgUnit", verbose_name=_("organising unit"), on_delete=models.PROTECT,
                                 related_name="+")
    trainer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("trainer"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="classes_taught")
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    min_attendance_percent = models.PositiveSmallIntegerField(
        _("attendance needed to complete (%)"), default=80, validators=[MaxValueValidator(100)],
        help_text=_("Share of the live and in-person sessions a learner must attend."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        ordering = ["-starts_on", "title"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")),
                                              name="class_ends_after_start")]

    def __str__(self) -> str:
        return self.title


class TrainingSession(models.Model):
    """One training activity of a class: online self-paced, online live or in person."""

    training_class = models.ForeignKey(TrainingClass, verbose_name=_("class"), on_delete=models.CASCADE,
                                       related_name="sessions")
    title = models.CharField(_("title"), max_length=255)
    modality = models.CharField(_("modality"), max_length=20, choices=SESSION_MODALITIES)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=255, blank=True)
    meeting_url = models.URLField(_("meeting link"), blank=True)

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["starts_at"]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gte=models.F("starts_at")),
                                              name="session_ends_after_start")]
        indexes = [models.Index(fields=["starts_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def takes_attendance(self) -> bool:
        return self.modality != Modality.ONLINE_SELF_PACED

    @property
    def is_online(self) -> bool:
        return self.modality in ONLINE_MODALITIES


class Enrollment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        REFUSED = "refused", _("Refused")
        ACTIVE = "active", pgettext_lazy("enrolment", "In progress")
        COMPLETED = "completed", _("Completed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Source(models.TextChoices):
        SELF = "self", _("Self-enrolled")
        ASSIGNED = "assigned", _("Assigned by a manager")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("learner"), on_delete=models.CASCADE,
                             related_name="enrollments")
    # PROTECT: enrolments are the records reporting counts; a course page that has any cannot be
    # deleted (course_deletion.py says so in the admin instead of a server error).
    course = models.ForeignKey("courses.CoursePage", verbose_name=_("course"), on_delete=models.PROTECT,
                               related_name="+")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    source = models.CharField(_("how"), max_length=16, choices=Source.choices, default=Source.SELF)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assigned by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    due_date = models.DateField(_("due date"), null=True, blank=True)
    training_class = models.ForeignKey(TrainingClass, verbose_name=_("class"), null=True, blank=True,
                                       on_delete=models.SET_NULL, related_name="enrollments")
    reminded_at = models.DateTimeField(_("due-date reminder sent"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved or refused by"),
                                   null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    enrolled_at = models.DateTimeField(_("enrolled"), auto_now_add=True)
    completed_at = models.DateTimeField(pgettext_lazy("moment", "completed"), null=True, blank=True)
    completion_modality = models.CharField(_("modality of the training"), max_length=20, blank=True,
                                           choices=Modality.choices)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    counted_toward_target = models.BooleanField(
        _("counted toward the plan's target"), null=True, blank=True,
        help_text=_("Frozen at completion from the course's setting, so a course that later stops counting "
                    "does not rewrite past reports."))
    completion_revoked_at = models.DateTimeField(_("completion revoked"), null=True, blank=True)
    completion_revoked_reason = models.CharField(_("reason for revoking"), max_length=255, blank=True)
    last_lesson = models.ForeignKey("courses.LessonPage", verbose_name=_("last lesson"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["-enrolled_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], condition=~Q(status__in=["withdrawn", "refused"]),
                                    name="one_live_enrollment_per_course"),
        ]
        indexes = [models.Index(fields=["status", "completed_at"]), models.Index(fields=["due_date", "status"])]

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


class Attendance(models.Model):
    """Whether an enrolled learner attended a live or in-person session."""

    class Source(models.TextChoices):
        CHECKLIST = "checklist", _("Checklist")
        IMPORT = "import", _("Imported file")
        API = "api", _("API")

    session = models.ForeignKey(TrainingSession, verbose_name=_("session"), on_delete=models.CASCADE,
                                related_name="attendance")
    enrollment = models.ForeignKey(Enrollment, verbose_name=_("enrolment"), on_delete=models.CASCADE,
                                   related_name="attendance")
    present = models.BooleanField(_("present"), default=False)
    source = models.CharField(_("recorded through"), max_length=16, choices=Source.choices,
                              default=Source.CHECKLIST)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("recorded"), auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["session", "enrollment"], name="unique_attendance")]


class Assignment(models.Model):
    """A manager's decision that a person must take a course (by a due date).

    People without an account yet are enrolled when they claim their profile.
    """

    course = models.ForeignKey("courses.CoursePage", verbose_name=_("course"), on_delete=models.CASCADE,
                               related_name="+")
    profile = models.ForeignKey("people.Profile", verbose_name=_("person"), on_delete=models.CASCADE,
                                related_name="+")
    training_class = models.ForeignKey(TrainingClass, verbose_name=_("class"), null=True, blank=True,
                                       on_delete=models.SET_NULL, related_name="+")
    due_date = models.DateField(_("due date"), null=True, blank=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assigned by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    assigned_at = models.DateTimeField(_("assigned"), auto_now_add=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [models.UniqueConstraint(fields=["course", "profile"], name="unique_assignment")]


class NotificationPreference(models.Model):
    """What e-mail a learner accepts (each kind can be turned off, also from a link in the e-mail)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="learning_notifications")
    assignments = models.BooleanField(_("when a course is assigned to me"), default=True)
    reminders = models.BooleanField(_("reminders before a due date"), default=True)
    completions = models.BooleanField(_("congratulations when I complete a course"), default=True)

    class Meta:
        verbose_name = _("e-mail preferences")
