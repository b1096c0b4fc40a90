"""What course pages share between learners, kept in Django's cache.

* The route to the catalog: the request's Wagtail Site and the catalog page (routing.py).
  Wagtail looks the Site up and walks the tree from its root at every request, one or two
  queries a level; both are the same for everyone until a site, the catalog or a page
  above it changes, or a view restriction or an alias appears: the ``site`` generation.
* The courses, modules and lessons found by CatalogPage.route, keyed by their URL path and
  the ``pages`` generation, which changes when any of them is published, unpublished, moved
  or deleted (a lesson page is then read again: one query).
* A course's outline (its live modules and lessons, and the course page itself) is the
  same for every learner: it is cached per course, keyed by the course's tree path and the
  ``site`` generation (the URLs follow the pages above the course), and dropped when a page
  of the course is published, unpublished, moved or deleted (courses.receivers). Progress
  ticks are per learner and are never cached.
* Rendered fragments (a lesson's body, a page of catalog results) carry *generations* in
  their keys: ``catalog`` changes when any course is published, unpublished, moved or
  deleted; ``media`` when a video, caption, rendition, quiz, image or document changes.
  A lesson's body is also keyed by its live revision, so a published edit is a new key.
  Fragments live at most FRAGMENT_TIMEOUT: less than the life of a signed playback link.

A change bumps a generation (or drops an outline) at once and again when its transaction
commits: a request that read the old rows between the two would otherwise cache them under
the new key.

Every process of a deployment must share the cache (Redis, or the file cache of the
embedded shape) for the invalidation to reach them all.
"""
from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

OUTLINE_TIMEOUT = 3600
ROUTE_TIMEOUT = 3600
FRAGMENT_TIMEOUT = min(10 * 60, max(60, getattr(settings, "MEDIA_SIGNED_URL_MAX_AGE", 6 * 3600) // 10))
PAGE_TIMEOUT = 3600
GENERATIONS = ("catalog", "media", "site", "pages")
_REQUEST_ATTRIBUTE = "_courses_generations"


def _generation_key(name: str) -> str:
    return f"courses:generation:{name}"


def generations(request=None) -> dict[str, int]:
    """The current generation of every kind of shared content (one cache round trip; none
    more for the rest of ``request`` when it is given)."""
    values = getattr(request, _REQUEST_ATTRIBUTE, None)
    if values is not None:
        return values
    keys = {name: _generation_key(name) for name in GENERATIONS}
    found = cache.get_many(list(keys.values()))
    values = {}
    for name, key in keys.items():
        value = found.get(key)
        if value is None:  # a cold or cleared cache: start a new generation
            cache.add(key, time.time_ns(), timeout=None)
            value = cache.get(key)
        values[name] = value
    if request is not None:
        setattr(request, _REQUEST_ATTRIBUTE, values)
    return values


def _now_and_on_commit(fn) -> None:
    fn()
    transaction.on_commit(fn)


def generation_bump(name: str) -> None:
    """Content of kind ``name`` changed: fragments keyed by the old generation are never read again."""
    def bump():
        cache.set(_generation_key(name), time.time_ns(), timeout=None)

    _now_and_on_commit(bump)


def outline_key(course_path: str, site_generation: int) -> str:
    return f"courses:outline:{site_generation}:{course_path}"


def outline_forget(*course_paths: str) -> None:
    """Drop the cached outlines of the courses at ``course_paths``."""
    def forget():
        site = generations()["site"]
        cache.delete_many([outline_key(path, site) for path in course_paths])

    _now_and_on_commit(forget)


def route_key(site_generation: int) -> str:
    return f"courses:route:{site_generation}"


def page_key(url_path: str, generation: dict[str, int]) -> str:
    return f"courses:page:{generation['site']}:{generation['pages']}:{url_path}"
