"""Reads of the courses app: the catalog with its filters and search, a course's outline,
previous/next navigation, and what each page template shows.

The outline of a course is two queries (its live modules, its live lessons), so a
lesson page costs the same number of queries for a course of 3 lessons or 300.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from django import forms
from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import Case, F, IntegerField, QuerySet, When
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from lms.text import fold
from people.models import Category

from .hooks import lesson_progress
from .models import CatalogPage, CourseLanguage, CoursePage, LessonPage, Modality, ModulePage, Topic

CATALOG_PAGE_SIZE = 12


# --- outline --------------------------------------------------------------

@dataclass(frozen=True)
class OutlineLesson:
    id: int
    title: str
    url: str
    is_required: bool
    estimated_minutes: int
    module_id: int


@dataclass
class OutlineModule:
    id: int
    title: str
    url: str
    lessons: list[OutlineLesson] = field(default_factory=list)


def course_outline(course: CoursePage, request=None) -> list[OutlineModule]:
    """The course's live modules, each with its live lessons, in the authors' order (one query)."""
    rows = (Page.objects.live().descendant_of(course).filter(depth__lte=course.depth + 2).order_by("path")
            .only("id", "title", "path", "url_path", "depth")
            .annotate(lesson_required=F("lessonpage__is_required"), lesson_minutes=F("lessonpage__estimated_minutes")))
    modules: dict[str, OutlineModule] = {}
    steplen = CoursePage.steplen
    for row in rows:
        if row.depth == course.depth + 1:
            modules[row.path] = OutlineModule(id=row.pk, title=row.title, url=row.get_url(request))
            continue
        module = modules.get(row.path[:-steplen])
        if module is None or row.lesson_required is None:  # under a draft module, or not a lesson
            continue
        module.lessons.append(OutlineLesson(
            id=row.pk, title=row.title, url=row.get_url(request), is_required=row.lesson_required,
            estimated_minutes=row.lesson_minutes, module_id=module.id,
        ))
    return list(modules.values())


def course_of(page) -> CoursePage | None:
    """The course a module or lesson belongs to (one query); None for a page not yet in the tree."""
    if not page.path:  # the preview of a page being created
        return None
    return CoursePage.objects.ancestor_of(page).select_related("cover_image").first()


def _flat_lessons(outline: list[OutlineModule]) -> list[OutlineLesson]:
    return [lesson for module in outline for lesson in module.lessons]


def _progress(request, course, outline) -> dict[int, str]:
    return lesson_progress(request, course, [lesson.id for lesson in _flat_lessons(outline)])


def course_context(*, course: CoursePage, request) -> dict:
    """What the course page shows: facts, audiences, trainers and the outline."""
    outline = course_outline(course, request)
    lessons = _flat_lessons(outline)
    return {
        "outline": outline,
        "first_lesson": lessons[0] if lessons else None,
        "lesson_count": len(lessons),
        "audiences": [row.get_category_display() for row in course.audiences.all()],
        "trainer_names": [user.get_full_name() or user.username for user in course.trainers.all()],
        "progress": _progress(request, course, outline),
    }


def module_context(*, module: ModulePage, request) -> dict:
    course = course_of(module)
    outline = course_outline(course, request) if course else []
    current = next((m for m in outline if m.id == module.pk), None)
    return {"course": course, "outline": outline, "module_lessons": current.lessons if current else [],
            "progress": _progress(request, course, outline) if course else {}}


def lesson_context(*, lesson: LessonPage, request) -> dict:
    """The lesson's course, the outline, its position and its previous and next lessons."""
    course = course_of(lesson)
    outline = course_outline(course, request) if course else []
    lessons = _flat_lessons(outline)
    position = next((index for index, item in enumerate(lessons) if item.id == lesson.pk), None)
    previous_lesson = next_lesson = None
    if position is not None:
        previous_lesson = lessons[position - 1] if position > 0 else None
        next_lesson = lessons[position + 1] if position + 1 < len(lessons) else None
    return {
        "course": course,
        "outline": outline,
        "current_module_id": lessons[position].module_id if position is not None else None,
        "lesson_number": position + 1 if position is not None else None,
        "lesson_count": len(lessons),
        "previous_lesson": previous_lesson,
        "next_lesson": next_lesson,
        "progress": _progress(request, course, outline) if course else {},
    }


# --- catalog --------------------------------------------------------------

class CatalogFilterForm(forms.Form):
    """The catalog's filters: a plain GET form, so it works without JavaScript."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    topic = forms.ChoiceField(label=_("Topic"), required=False,
                              choices=[("", _("All topics")), *Topic.choices])
    audience = forms.ChoiceField(label=_("For"), required=False,
                                 choices=[("", _("Everyone")), *Category.choices])
    language = forms.ChoiceField(label=_("Language"), required=False,
                                 choices=[("", _("All languages")), *CourseLanguage.choices])
    modality = forms.ChoiceField(label=_("Modality"), required=False,
                                 choices=[("", _("All modalities")), *Modality.choices])


def published_courses(catalog: CatalogPage | None = None) -> QuerySet[CoursePage]:
    """Live courses that anyone may see (no view restriction), in the catalog's order."""
    qs = CoursePage.objects.live().public()
    if catalog is not None:
        qs = qs.descendant_of(catalog)
    return qs.order_by("path")


def search_course_ids(query: str) -> list[int]:
    """Ids of live courses matching ``query``, best first, with or without Vietnamese diacritics.

    Courses index a folded copy of their text (CoursePage.folded_text); the query is
    folded the same way, so "chuyen doi so" and "Chuyển đổi số" find the same courses.
    """
    folded = fold(query)
    if not re.search(r"\w", folded):
        return []
    return [page.pk for page in CoursePage.objects.live().search(folded, operator="and")]


def catalog_courses(*, catalog: CatalogPage | None = None, topic: str = "", audience: str = "",
                    language: str = "", modality: str = "", query: str = "") -> QuerySet[CoursePage]:
    """Published courses filtered by topic, audience category, language and modality, and searched."""
    qs = published_courses(catalog)
    if topic:
        qs = qs.filter(topic=topic)
    if language:
        qs = qs.filter(language=language)
    if modality:
        qs = qs.filter(modality=modality)
    if audience:
        qs = qs.filter(audiences__category=audience)
    if query.strip():
        ids = search_course_ids(query)
        ranking = Case(*[When(pk=pk, then=rank) for rank, pk in enumerate(ids)], output_field=IntegerField())
        qs = qs.filter(pk__in=ids).order_by(ranking) if ids else qs.none()
    return qs.select_related("cover_image").prefetch_related("audiences", "cover_image__renditions")


def catalog_context(*, catalog: CatalogPage, params) -> dict:
    """The catalog page's filter form (bound to the query string) and one page of courses."""
    form = CatalogFilterForm(params)
    filters = form.cleaned_data if form.is_valid() else {}
    courses = catalog_courses(
        catalog=catalog, topic=filters.get("topic", ""), audience=filters.get("audience", ""),
        language=filters.get("language", ""), modality=filters.get("modality", ""), query=filters.get("q", ""),
    )
    page: PaginatorPage = Paginator(courses, CATALOG_PAGE_SIZE).get_page(params.get("page"))
    query_without_page = params.copy()
    query_without_page.pop("page", None)
    return {
        "filter_form": form,
        "courses": page,
        "is_filtered": any(filters.values()),
        "query_without_page": query_without_page.urlencode(),
    }


def transcript_text(vtt: str) -> str:
    """The spoken text of a WebVTT file: cues without timings, ids, notes or markup."""
    lines: list[str] = []
    blocks = re.split(r"\r?\n\s*\r?\n", vtt.replace("\ufeff", ""))
    for block in blocks:
        rows = [row.strip() for row in block.strip().splitlines()]
        if not rows or rows[0].startswith(("WEBVTT", "NOTE", "STYLE", "REGION")):
            continue
        timing = next((i for i, row in enumerate(rows) if "-->" in row), None)
        if timing is None:
            continue
        text = " ".join(re.sub(r"<[^>]+>", "", row) for row in rows[timing + 1:] if row)
        if text and (not lines or lines[-1] != text):
            lines.append(text)
    return "\n".join(lines) + ("\n" if lines else "")
