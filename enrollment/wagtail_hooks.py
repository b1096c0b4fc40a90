"""What enrollment/ shows on course pages, through the hook points courses/ offers
(courses never imports enrollment), and its training pages in the admin."""
from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from lms import converters  # noqa: F401  (registers the <id:...> URL converter)

from . import course_deletion  # noqa: F401  (registers the hooks)
from . import quiz_access  # noqa: F401  (registers the hook)
from . import admin_views, selectors


@hooks.register("courses_lesson_progress")
def lesson_progress(request, course, lesson_ids):
    return selectors.lesson_states(request.user, lesson_ids)


@hooks.register("courses_lesson_access")
def lesson_access(request, course) -> bool:
    return selectors.may_open_lessons(request.user, course)


@hooks.register("courses_course_actions")
def course_actions(request, course) -> str:
    """The enrol button, or the learner's progress and a "continue" link."""
    enrollment = selectors.current_enrollment(request.user, course)
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


# ---- training pages in the admin (managers and trainers) ---------------------------------------

@hooks.register("register_admin_urls")
def training_urls():
    return [
        path("training/classes/", admin_views.classes_index, name="enrollment_classes_index"),
        path("training/classes/<id:pk>/", admin_views.class_detail, name="enrollment_class_detail"),
        path("training/sessions/<id:pk>/attendance/", admin_views.session_attendance,
             name="enrollment_session_attendance"),
        path("training/sessions/<id:pk>/attendance.xlsx", admin_views.session_attendance_template,
             name="enrollment_session_attendance_template"),
        path("training/assign/", admin_views.assign_index, name="enrollment_assign_index"),
        path("training/requests/", admin_views.requests_index, name="enrollment_requests_index"),
        path("training/requests/<id:pk>/", admin_views.request_decide, name="enrollment_request_decide"),
        path("training/enrolments/<id:pk>/revoke/", admin_views.completion_revoke,
             name="enrollment_completion_revoke"),
    ]


class _TrainingItem(MenuItem):
    def __init__(self, *args, check, **kwargs):
        super().__init__(*args, **kwargs)
        self.check = check

    def is_shown(self, request):
        return self.check(request.user)


@hooks.register("register_admin_menu_item")
def training_menu():
    items = [
        _TrainingItem(_("Classes and attendance"), reverse("enrollment_classes_index"), icon_name="group",
                      order=10, check=admin_views.can_manage_training),
        _TrainingItem(_("Assign courses"), reverse("enrollment_assign_index"), icon_name="user",
                      order=20, check=admin_views.can_assign),
        _TrainingItem(_("Enrolment requests"), reverse("enrollment_requests_index"), icon_name="mail",
                      order=30, check=admin_views.can_assign),
    ]
    return SubmenuMenuItem(_("Training"), Menu(items=items), icon_name="group", order=230)
