"""Learner pages: enrol, withdraw, My learning."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from wagtail import hooks
from django.views.decorators.http import require_POST

from courses.models import CoursePage

from . import selectors, services
from .forms import EmailPreferencesForm
from .models import Enrollment


@login_required
@require_POST
def enrol(request, course_id: int):
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    try:
        services.enroll(user=request.user, course=course)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(course.url)
    enrollment = selectors.current_enrollment(request.user, course)
    if enrollment is not None and enrollment.status == Enrollment.Status.PENDING:
        messages.success(request, _("Your request has been sent. You will be able to start once it is approved."))
        return redirect(course.url)
    messages.success(request, _("You are enrolled. Good learning!"))
    rows = [row for row in selectors.my_learning(request.user) if row.enrollment.course_id == course.pk]
    return redirect(rows[0].continue_url if rows else course.url)


@login_required
@require_POST
def withdraw(request, enrollment_id: int):
    enrollment = get_object_or_404(Enrollment, pk=enrollment_id, user=request.user)
    services.withdraw(enrollment=enrollment)
    messages.success(request, _("You have left the course. Your progress is kept."))
    return redirect("enrollment:my_learning")


@login_required
def my_learning(request):
    """Each row may carry extra links from higher apps (hook ``enrollment_learning_row``:
    fn(request, enrollment) -> safe HTML, e.g. a certificate download); the page may carry
    links of its own (hook ``enrollment_learning_links``: fn(request) -> [(label, url)])."""
    rows = selectors.my_learning(request.user)
    row_hooks = hooks.get_hooks("enrollment_learning_row")
    for row in rows:
        row.extras = [mark_safe(html) for fn in row_hooks if (html := fn(request, row.enrollment))]  # noqa: S308
    links = [link for fn in hooks.get_hooks("enrollment_learning_links") for link in (fn(request) or [])]
    return render(request, "enrollment/my_learning.html", {"rows": rows, "links": links})


@login_required
def email_preferences(request):
    preference = services.preferences_for(request.user)
    form = EmailPreferencesForm(request.POST or None, initial={kind: getattr(preference, kind)
                                                               for kind in services.notifications.KINDS})
    if request.method == "POST" and form.is_valid():
        services.preferences_update(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your e-mail choices are saved."))
        return redirect("enrollment:email_preferences")
    return render(request, "enrollment/email_preferences.html", {"form": form})


def email_stop(request, token: str):
    """The link at the foot of every e-mail: confirm, then stop that kind of e-mail (no sign-in needed;
    a GET never changes anything, so mail scanners that follow links unsubscribe nobody)."""
    found = services.unsubscribe_read(token)
    if found is None:
        return render(request, "enrollment/email_stop.html", {"invalid": True}, status=404)
    user_id, kind = found
    user = get_object_or_404(get_user_model(), pk=user_id)
    labels = {"assignments": _("e-mails about assigned courses"), "reminders": _("due-date reminders"),
              "completions": _("congratulation e-mails")}
    done = False
    if request.method == "POST":
        services.preferences_update(user=user, **{kind: False})
        done = True
    return render(request, "enrollment/email_stop.html", {"kind": labels[kind], "done": done})
