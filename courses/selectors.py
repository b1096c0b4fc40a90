"""Reads of the courses app: the catalog with its filters and search, a course's outline,
previous/next navigation, and what each page template shows.

A course's outline is one query (its live modules and lessons), cached with the course
for every learner (courses.cache), so a lesson page costs the same number of queries
for a course of 3 lessons or 300.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from django import forms
from django.core.cache import cache
from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Case, IntegerField, QuerySet, When
from django.db.models.expressions import RawSQL
from django.http import QueryDict
from django.utils import translation
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from lms.text import fold
from people.models import Category

from . import cache as shared_cache
from .hooks import lesson_access_granted, lesson_progress
from .models import (CatalogPage, CourseLanguage, CoursePage, EnrolmentPolicy, LessonPage, Modality, ModulePage,
                     Topic)

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


_BUNDLES_ATTRIBUTE = "_courses_bundles"

# how far below its course a page sits (the page types allow nothing else)
_LEVELS_BELOW_COURSE = ((CoursePage, 0), (ModulePage, 1), (LessonPage, 2))


def _course_path(page) -> str | None:
    """The tree path of the course ``page`` belongs to, without a query; None outside a course."""
    if not page.path:  # the preview of a page being created
        return None
    levels = next((levels for model, levels in _LEVELS_BELOW_COURSE if isinstance(page, model)), None)
    if levels is None or page.depth <= levels:
        return None
    return page.path[:page.steplen * (page.depth - levels)]


def page_below_catalog(catalog: CatalogPage, model: type[Page], url_path: str, request=None) -> Page | None:
    """The course, module or lesson (of ``model``) at ``url_path`` under ``catalog``: the same
    page for every learner, so cached until a course page changes (courses.receivers bumps the
    ``pages`` generation); one query on a miss. Unknown paths are not cached."""
    key = shared_cache.page_key(url_path, shared_cache.generations(request))
    page = cache.get(key)
    if page is None or not isinstance(page, model) or not page.path.startswith(catalog.path):
        page = model.objects.filter(url_path=url_path, path__startswith=catalog.path).first()
        if page is not None:
            cache.set(key, page, shared_cache.PAGE_TIMEOUT)
    return page


def _outline_rows(course: CoursePage) -> list[tuple]:
    """(id, title, path, url_path, depth, is_required, minutes) of the course's live modules and lessons."""
    return list(Page.objects.live().descendant_of(course).filter(depth__lte=course.depth + 2).order_by("path")
                .values_list("id", "title", "path", "url_path", "depth", "lessonpage__is_required",
                             "lessonpage__estimated_minutes"))


def _course_bundle(course_path: str, request=None) -> dict | None:
    """The course at ``course_path`` and its outline rows: shared by every learner, so cached
    (two queries on a miss, none on a hit; courses.receivers drops it when the course changes).
    Read once per request: the lesson gate and the lesson's context share it."""
    read = getattr(request, _BUNDLES_ATTRIBUTE, None) if request is not None else None
    if read is not None and course_path in read:
        return read[course_path]
    key = shared_cache.outline_key(course_path, shared_cache.generations(request)["site"])
    bundle = cache.get(key)
    if bundle is None:
        course = CoursePage.objects.filter(path=course_path).select_related("cover_image").first()
        if course is None:
            return None
        bundle = {"course": course, "rows": _outline_rows(course)}
        cache.set(key, bundle, shared_cache.OUTLINE_TIMEOUT)
    if request is not None:
        setattr(request, _BUNDLES_ATTRIBUTE, {**(read or {}), course_path: bundle})
    return bundle


def _outline(course: CoursePage, rows: list[tuple], request) -> list[OutlineModule]:
    base = course.get_url(request)  # the lesson URLs follow from the course's

    def url(url_path: str) -> str | None:
        return None if base is None else base + url_path[len(course.url_path):]

    modules: dict[str, OutlineModule] = {}
    steplen = CoursePage.steplen
    for pk, title, path, url_path, depth, required, minutes in rows:
        if depth == course.depth + 1:
            modules[path] = OutlineModule(id=pk, title=title, url=url(url_path))
            continue
        module = modules.get(path[:-steplen])
        if module is None or required is None:  # under a draft module, or not a lesson
            continue
        module.lessons.append(OutlineLesson(id=pk, title=title, url=url(url_path), is_required=required,
                                            estimated_minutes=minutes, module_id=module.id))
    return list(modules.values())


def course_outline(course: CoursePage, request=None) -> list[OutlineModule]:
    """The course's live modules, each with its live lessons, in the authors' order (cached; one query on a miss)."""
    bundle = _course_bundle(course.path, request) if course.path else None
    if bundle is None:
        return _outline(course, _outline_rows(course), request) if course.path else []
    return _outline(bundle["course"], bundle["rows"], request)  # the live course's URLs (also in a preview)


def course_of(page) -> CoursePage | None:
    """The course a module or lesson belongs to (cached; one query on a miss); None for a page
    not yet in the tree."""
    path = _course_path(page)
    bundle = _course_bundle(path) if path else None
    return bundle["course"] if bundle else None


def _course_and_outline(page, request) -> tuple[CoursePage | None, list[OutlineModule]]:
    path = _course_path(page)
    bundle = _course_bundle(path, request) if path else None
    if bundle is None:
        return None, []
    return bundle["course"], _outline(bundle["course"], bundle["rows"], request)


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
    course, outline = _course_and_outline(module, request)
    current = next((m for m in outline if m.id == module.pk), None)
    return {"course": course, "outline": outline, "module_lessons": current.lessons if current else [],
            "progress": _progress(request, course, outline) if course else {}}


def lesson_open_to(*, lesson: LessonPage, request) -> bool:
    """Whether the viewer of ``request`` may open ``lesson``. Lessons of open courses are open
    to anyone; those of a restricted course (approval or assignment) to its enrolled learners
    (asked of enrollment/ through the ``courses_lesson_access`` hook: one query), its owner and
    trainers, and people who may edit it (editors, department admins). Previews are for editors.
    The course comes from the cached outline: an open course's lesson costs no query."""
    if getattr(request, "is_preview", False):
        return True
    path = _course_path(lesson)
    bundle = _course_bundle(path, request) if path else None
    if bundle is None:
        return True
    course = bundle["course"]
    if course.enrolment_policy == EnrolmentPolicy.OPEN:
        return True
    user = request.user
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser or course.owner_id == user.pk or lesson_access_granted(request, course):
        return True
    return (course.trainers.filter(pk=user.pk).exists()
            or lesson.permissions_for_user(user).can_edit())


def lesson_body_cache_key(lesson: LessonPage, request) -> str | None:
    """The key under which the lesson's rendered body is shared by its learners; None when it
    is rendered afresh: previews, and pages not published from a revision."""
    if getattr(request, "is_preview", False) or not lesson.live or not lesson.live_revision_id:
        return None
    media = shared_cache.generations(request)["media"]
    # "g": bodies hold playback grants, not links (media_pipeline.playback); older bodies held links
    return f"g:{media}:{lesson.pk}:{lesson.live_revision_id}:{translation.get_language()}"


def lesson_context(*, lesson: LessonPage, request) -> dict:
    """The lesson's course, the outline, its position and its previous and next lessons."""
    course, outline = _course_and_outline(lesson, request)
    lessons = _flat_lessons(outline)
    position = next((index for index, item in enumerate(lessons) if item.id == lesson.pk), None)
    previous_lesson = next_lesson = None
    if position is not None:
        previous_lesson = lessons[position - 1] if position > 0 else None
        next_lesson = lessons[position + 1] if position + 1 < len(lessons) else None
    progress = _progress(request, course, outline) if course else {}
    return {
        "course": course,
        "outline": outline,
        "current_module_id": lessons[position].module_id if position is not None else None,
        "lesson_number": position + 1 if position is not None else None,
        "lesson_count": len(lessons),
        "previous_lesson": previous_lesson,
        "next_lesson": next_lesson,
        "progress": progress,
        # a learner back in a lesson they started: the player prepares the stream at once
        # (where they stopped); otherwise it stays light until play is pressed
        "resume_video": progress.get(lesson.pk) == "in_progress",
        "body_cache_key": lesson_body_cache_key(lesson, request),
        "fragment_timeout": shared_cache.FRAGMENT_TIMEOUT,
    }


# --- quizzes embedded in lessons --------------------------------------------

_QUIZ_BLOCK_SQL = {
    # one row per quiz block of the lesson's body (a JSON array of {"type", "value", "id"})
    "postgresql": ("SELECT lesson.{pk} FROM {table} AS lesson CROSS JOIN LATERAL jsonb_array_elements("
                   "CASE WHEN jsonb_typeof(lesson.{body}) = 'array' THEN lesson.{body} ELSE '[]'::jsonb END) AS block "
                   "WHERE block->>'type' = 'quiz' AND block->'value'->>'quiz' = %s"),
    "sqlite": ("SELECT lesson.{pk} FROM {table} AS lesson, json_each(lesson.{body}) AS block "
               "WHERE json_extract(block.value, '$.type') = 'quiz' "
               "AND CAST(json_extract(block.value, '$.value.quiz') AS TEXT) = %s"),
}


def _lessons_embedding_quiz(quiz_id: int) -> QuerySet[LessonPage]:
    """Live lessons whose body has a quiz block for ``quiz_id``, searched inside the database's JSON."""
    lessons = LessonPage.objects.live()
    sql = _QUIZ_BLOCK_SQL.get(connection.vendor)
    if sql is None:  # another database: read the bodies (not one of the supported shapes)
        ids = [lesson.pk for lesson in lessons.only("pk", "body")
               if any(block.block_type == "quiz" and block.value.get("quiz") is not None
                      and block.value["quiz"].pk == quiz_id for block in lesson.body)]
        return lessons.filter(pk__in=ids)
    opts, quote = LessonPage._meta, connection.ops.quote_name
    sql = sql.format(pk=quote(opts.pk.column), table=quote(opts.db_table), body=quote(opts.get_field("body").column))
    return lessons.filter(pk__in=RawSQL(sql, [str(quiz_id)]))


def courses_embedding_quiz(quiz_id: int) -> list[int]:
    """Ids of the courses in which a live lesson embeds quiz ``quiz_id`` (two queries: the
    lessons, found in the body's JSON, then the courses above them). Enrolment uses it to keep
    a course's quiz for the course's learners."""
    paths = list(_lessons_embedding_quiz(quiz_id).values_list("path", flat=True))
    if not paths:
        return []
    steplen = LessonPage.steplen
    ancestors = {path[:end] for path in paths for end in range(steplen, len(path), steplen)}
    return list(CoursePage.objects.filter(path__in=ancestors).values_list("pk", flat=True))


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
    # words only: the backends pass terms into their own query syntax (SQLite FTS5 broke on a stray
    # quote); every word must match, so operators typed by a user ("AND", "NEAR", "*") mean nothing
    words = re.findall(r"\w+", fold(query))
    if not words:
        return []
    return [page.pk for page in CoursePage.objects.live().search(" ".join(words), operator="and")]


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


def catalog_context(*, catalog: CatalogPage, params, request=None) -> dict:
    """The catalog page's filter form (bound to the query string) and one page of courses.

    The results are the same for every visitor with the same query string: the template
    caches them under ``results_cache_key``, and the courses are only looked up (lazily)
    when the cached fragment is missing.
    """
    # the form, the courses and the links are only needed when the cached fragment is missing
    form = SimpleLazyObject(lambda: CatalogFilterForm(params))

    def filters() -> dict:
        return form.cleaned_data if form.is_valid() else {}

    def one_page() -> PaginatorPage:
        chosen = filters()
        courses = catalog_courses(
            catalog=catalog, topic=chosen.get("topic", ""), audience=chosen.get("audience", ""),
            language=chosen.get("language", ""), modality=chosen.get("modality", ""), query=chosen.get("q", ""),
        )
        return Paginator(courses, CATALOG_PAGE_SIZE).get_page(params.get("page"))

    def query_without_page() -> str:
        # the filters only (other parameters neither change the results nor go into the cached links)
        query = QueryDict(mutable=True)
        for name in CatalogFilterForm.base_fields:
            query.setlist(name, params.getlist(name))
        return query.urlencode()

    known = sorted((name, value) for name in [*CatalogFilterForm.base_fields, "page"]
                   for value in params.getlist(name))
    generation = shared_cache.generations(request)
    return {
        "filter_form": form,
        "courses": SimpleLazyObject(one_page),
        "is_filtered": SimpleLazyObject(lambda: any(filters().values())),
        "query_without_page": SimpleLazyObject(query_without_page),
        "results_cache_key": (f"{generation['catalog']}:{generation['media']}:{catalog.pk}:"
                              f"{translation.get_language()}:{known!r}"),
        "fragment_timeout": shared_cache.FRAGMENT_TIMEOUT,
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
