"""E-mail to learners: a course assigned, a due date coming, a course completed.

Each kind can be turned off in "My learning" or from the link at the foot of
every message (a signed token, so no sign-in is needed). Every sender records
what it sent, so a retried task mails nobody twice.
"""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from ..models import Enrollment, NotificationPreference

KINDS = ("assignments", "reminders", "completions")
_SALT = "enrollment.email-preferences"
REMINDER_DAYS = 7


def preferences_for(user) -> NotificationPreference:
    return NotificationPreference.objects.get_or_create(user=user)[0]


def preferences_update(*, user, **choices: bool) -> NotificationPreference:
    """Turn kinds of e-mail on or off."""
    preference = preferences_for(user)
    for kind, value in choices.items():
        if kind in KINDS:
            setattr(preference, kind, bool(value))
    preference.save()
    return preference


def unsubscribe_token(user_id: int, kind: str) -> str:
    return signing.dumps({"u": user_id, "k": kind}, salt=_SALT, compress=True)


def unsubscribe_read(token: str) -> tuple[int, str] | None:
    """(user id, kind) of a link from an e-mail; None when altered."""
    try:
        data = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        return None
    if data.get("k") not in KINDS:
        return None
    return int(data["u"]), data["k"]


def email_stop_url(user_id: int, kind: str) -> str:
    """The address, at the foot of an e-mail, that turns this kind of e-mail off (no sign-in needed)."""
    return settings.SITE_URL + reverse("enrollment:email_stop", args=[unsubscribe_token(user_id, kind)])


def _wants(user, kind: str) -> bool:
    preference = NotificationPreference.objects.filter(user=user).first()
    return preference is None or getattr(preference, kind)


def _send(enrollment: Enrollment, kind: str, template: str) -> bool:
    user = enrollment.user
    if not user.email or not user.is_active or not _wants(user, kind):
        return False
    stop = email_stop_url(user.pk, kind)
    profile = getattr(user, "profile", None)
    context = {
        "name": profile.full_name if profile else (user.get_full_name() or user.username),
        "course": enrollment.course.title, "due_date": enrollment.due_date,
        "course_url": settings.SITE_URL + enrollment.course.url,
        "learning_url": settings.SITE_URL + reverse("enrollment:my_learning"), "stop_url": stop,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"enrollment/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"enrollment/email/{template}.txt", context)
    message = EmailMessage(subject=subject, body=body, to=[user.email],
                           headers={"List-Unsubscribe": f"<{stop}>"})
    message.send()
    return True


def assignment_emails_send(*, enrollment_ids: list[int]) -> int:
    """Tell learners a course was assigned to them."""
    sent = 0
    for enrollment in Enrollment.objects.filter(pk__in=enrollment_ids, status=Enrollment.Status.ACTIVE) \
            .select_related("user", "course"):
        sent += _send(enrollment, "assignments", "assigned")
    return sent


def due_reminders_send(*, today: dt.date | None = None, days: int = REMINDER_DAYS) -> int:
    """Remind, once, every learner whose unfinished course is due within ``days`` days."""
    today = today or timezone.localdate()
    due = Enrollment.objects.filter(status=Enrollment.Status.ACTIVE, reminded_at__isnull=True,
                                    due_date__gte=today, due_date__lte=today + dt.timedelta(days=days))
    sent = 0
    for enrollment_id in due.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            enrollment = Enrollment.objects.select_for_update(skip_locked=True).select_related(
                "user", "course").filter(pk=enrollment_id, reminded_at__isnull=True).first()
            if enrollment is None:
                continue
            sent += _send(enrollment, "reminders", "reminder")
            Enrollment.objects.filter(pk=enrollment.pk).update(reminded_at=timezone.now())
    return sent


def completion_email_send(*, enrollment_id: int) -> bool:
    """Congratulate a learner on a completion (once: the task is enqueued once per completion)."""
    enrollment = Enrollment.objects.filter(pk=enrollment_id, status=Enrollment.Status.COMPLETED) \
        .select_related("user", "course").first()
    return bool(enrollment) and _send(enrollment, "completions", "completed")
