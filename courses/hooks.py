"""Hook points through which higher layers show things on course pages.

Courses never imports enrollment (layer 4); enrollment registers Wagtail hooks:

* ``courses_lesson_progress``: ``fn(request, course, lesson_ids) -> dict[int, str]``
  mapping lesson ids to ``"complete"`` or ``"in_progress"`` for the current
  learner; the outline shows a tick or a half-tick;
* ``courses_course_actions``: ``fn(request, course) -> str``, HTML shown at the
  top of the course page (enrol button, the learner's progress);
* ``courses_lesson_scripts``: ``fn(request, lesson) -> str``, HTML (scripts)
  at the end of a lesson page (heartbeats, resume position);
* ``courses_lesson_access``: ``fn(request, course) -> bool``, whether the
  (signed-in) user may open the lessons of a restricted course: enrolled, or
  running a class of it. Any True opens them.

With no function registered, nothing is shown. The HTML comes from registered
code that renders templates (escaped), never from user input.
"""
from __future__ import annotations

from django.utils.safestring import SafeString, mark_safe
from wagtail import hooks

LESSON_PROGRESS_HOOK = "courses_lesson_progress"
COURSE_ACTIONS_HOOK = "courses_course_actions"
LESSON_SCRIPTS_HOOK = "courses_lesson_scripts"
LESSON_ACCESS_HOOK = "courses_lesson_access"
PROGRESS_STATES = ("complete", "in_progress")


def lesson_progress(request, course, lesson_ids: list[int]) -> dict[int, str]:
    """Progress states of ``lesson_ids`` for the requesting learner, from every registered hook."""
    states: dict[int, str] = {}
    for fn in hooks.get_hooks(LESSON_PROGRESS_HOOK):
        for lesson_id, state in (fn(request, course, lesson_ids) or {}).items():
            if state in PROGRESS_STATES and states.get(lesson_id) != "complete":
                states[lesson_id] = state
    return states


def lesson_access_granted(request, course) -> bool:
    """Whether a registered ``courses_lesson_access`` hook opens ``course``'s lessons to the user."""
    return any(fn(request, course) for fn in hooks.get_hooks(LESSON_ACCESS_HOOK))


def _html(hook_name: str, *args) -> SafeString:
    return mark_safe("".join(str(fn(*args) or "") for fn in hooks.get_hooks(hook_name)))  # noqa: S308


def course_actions(request, course) -> SafeString:
    """HTML of every ``courses_course_actions`` hook for ``course``."""
    return _html(COURSE_ACTIONS_HOOK, request, course)


def lesson_scripts(request, lesson) -> SafeString:
    """HTML of every ``courses_lesson_scripts`` hook for ``lesson``."""
    return _html(LESSON_SCRIPTS_HOOK, request, lesson)
