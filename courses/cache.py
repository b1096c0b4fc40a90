"""What course pages share between learners, kept in Django's cache.

* A course's outline (its live modules and lessons, and the course page itself) is the
  same for every learner: it is cached per course, keyed by the course's tree path, and
  dropped when a page of the course is published, unpublished, moved or deleted
  (courses.receivers). Progress ticks are per learner and are never cached.
* Rendered fragments (a lesson's body, a page of catalog results) carry *generations* in
  their keys: ``catalog`` changes when any course is published, unpublished, moved or
  deleted; ``media`` when a video, caption, rendition, quiz, image or document changes.
  A lesson's body is also keyed by its live revision, so a published edit is a new key.
  Fragments live at most FRAGMENT_TIMEOUT: less than the life of a signed playback link.

Every process of a deployment must share the cache (Redis, or the file cache of the
embedded shape) for the invalidation to reach them all.
"""
from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache

OUTLINE_TIMEOUT = 3600
FRAGMENT_TIMEOUT = min(10 * 60, max(60, getattr(settings, "MEDIA_SIGNED_URL_MAX_AGE", 6 * 3600) // 10))
GENERATIONS = ("catalog", "media")


def _generation_key(name: str) -> str:
    return f"courses:generation:{name}"


def generations() -> dict[str, int]:
    """The current generation of every kind of shared content (one cache round trip)."""
    keys = {name: _generation_key(name) for name in GENERATIONS}
    found = cache.get_many(list(keys.values()))
    values = {}
    for name, key in keys.items():
        value = found.get(key)
        if value is None:  # a cold or cleared cache: start a new generation
            cache.add(key, time.time_ns(), timeout=None)
            value = cache.get(key)
        values[name] = value
    return values


def generation_bump(name: str) -> None:
    """Content of kind ``name`` changed: fragments keyed by the old generation are never read again."""
    cache.set(_generation_key(name), time.time_ns(), timeout=None)


def outline_key(course_path: str) -> str:
    return f"courses:outline:{course_path}"


def outline_forget(*course_paths: str) -> None:
    """Drop the cached outlines of the courses at ``course_paths``."""
    cache.delete_many([outline_key(path) for path in course_paths])
