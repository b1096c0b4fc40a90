"""Course pages with enrolments are not deleted (issue 13, finding 19).

``Enrollment.course`` is PROTECT: the enrolments are the training records reporting counts, and
deleting the course page used to delete them with it. Wagtail would then answer a deletion with a
server error (``ProtectedError``); these hooks refuse it first with a message that says what to do,
for one page (its subtree included) and for the bulk delete of the page explorer.
"""
from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.models import Page

from .selectors.course_records import enrolled_course_titles


def _refusal(titles: list[str]) -> str:
    return _("Not deleted: learners are enrolled in %(courses)s, and reports count their training. "
             "Unpublish the course instead of deleting it.") % {
        "courses": ", ".join(f"“{title}”" for title in titles)}


@hooks.register("before_delete_page")
def keep_courses_with_enrolments(request, page):
    titles = enrolled_course_titles([page])
    if titles:
        messages.error(request, _refusal(titles))
        return redirect("wagtailadmin_explore", page.get_parent().pk if not page.is_root() else page.pk)
    return None


@hooks.register("before_bulk_action")
def keep_courses_with_enrolments_in_bulk(request, action_type, objects, action_class_instance):
    if action_type != "delete" or not any(issubclass(model, Page)
                                          for model in getattr(action_class_instance, "models", [])):
        return None
    titles = enrolled_course_titles(objects)
    if titles:
        messages.error(request, _refusal(titles))
        back = action_class_instance.next_url
        return redirect(back if back and back != request.path else "wagtailadmin_explore_root")
    return None
