"""Learner pages: enrol, withdraw, My learning."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses.models import CoursePage

from . import selectors, services
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
    return render(request, "enrollment/my_learning.html", {"rows": selectors.my_learning(request.user)})
