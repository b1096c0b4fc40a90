"""What enrollment/ shows on course pages, through the hook points courses/ offers
(courses never imports enrollment)."""
from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse
from wagtail import hooks

from . import selectors


@hooks.register("courses_lesson_progress")
def lesson_progress(request, course, lesson_ids):
    return selectors.lesson_states(request.user, lesson_ids)


@hooks.register("courses_course_actions")
def course_actions(request, course) -> str:
    """The enrol button, or the learner's progress and a "continue" link."""
    enrollment = selectors.live_enrollment(request.user, course)
    row = None
    if enrollment is not None:
        row = next((r for r in selectors.my_learning(request.user) if r.enrollment.pk == enrollment.pk), None)
    return render_to_string("enrollment/course_actions.html", {
        "course": course, "enrollment": enrollment, "row": row, "request": request,
        "login_url": f"{reverse('login')}?next={course.url}",
    }, request=request)


@hooks.register("courses_lesson_scripts")
def lesson_scripts(request, lesson) -> str:
    """Heartbeats and visit recording for an authenticated learner on a lesson page."""
    if not request.user.is_authenticated:
        return ""
    return render_to_string("enrollment/lesson_scripts.html", {"lesson": lesson}, request=request)
