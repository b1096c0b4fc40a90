"""Who may author which course.

Trainers hold Wagtail's "add" page permission on the catalog (courses.services.
catalog_authoring_setup). Wagtail alone would then let any trainer add modules
and lessons under *any* course in the catalog; this tester narrows "add" to the
courses a trainer owns, and lets the course's owner edit every page of it (also
lessons a colleague or an admin created). Users with "change" (department
admins) and superusers keep Wagtail's own rules.
"""
from __future__ import annotations

from wagtail.models import PagePermissionTester

# what a trainer loses on a course they do not own
_OWNER_ONLY = {"add", "publish", "lock", "unlock", "bulk_delete"}


def course_owner_id(page) -> int | None:
    """The owner of the course ``page`` belongs to (the course itself or an ancestor)."""
    from .models import CoursePage

    if isinstance(page, CoursePage):
        return page.owner_id
    return CoursePage.objects.ancestor_of(page).values_list("owner_id", flat=True).first()


class CoursePermissionTester(PagePermissionTester):
    def __init__(self, user, page):
        super().__init__(user, page)
        self.owns_course = False
        if not user.is_active or user.is_superuser or "change" in self.permissions:
            return
        if page.pk is None:  # a page being created: the parent's tester already decided
            self.owns_course = True
            return
        self.owns_course = course_owner_id(page) == user.pk
        if not self.owns_course:
            self.permissions = self.permissions - _OWNER_ONLY

    def can_edit(self):
        if self.owns_course and "add" in self.permissions and self.user.is_active and not self.page_is_root:
            return True
        return super().can_edit()
