"""Which course pages hold enrolments: those pages, and the pages above them, cannot be deleted."""
from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

from ..models import Enrollment


def enrolled_course_titles(pages: Iterable) -> list[str]:
    """Titles of the courses among ``pages`` and their descendants that have any enrolment (in one
    query), in tree order. Deleting a page deletes its subtree; the enrolments would block it."""
    paths = [page.path for page in pages]
    if not paths:
        return []
    under = Q()
    for path in paths:
        under |= Q(course__path__startswith=path)
    return list(Enrollment.objects.filter(under).order_by("course__path")
                .values_list("course__title", flat=True).distinct())
