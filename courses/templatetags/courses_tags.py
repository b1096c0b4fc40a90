"""Small helpers for course templates: progress states, transcript links, and the hook points
through which enrollment/ adds its parts (courses.hooks)."""
from django import template

from .. import hooks

register = template.Library()


@register.filter
def state_of(progress: dict, lesson_id: int) -> str:
    """``progress|state_of:lesson.id``: "complete", "in_progress" or "" (no hook registered)."""
    return (progress or {}).get(lesson_id, "")


@register.simple_tag(takes_context=True)
def transcript_url(context, lesson, video, caption) -> str:
    """The plain-text transcript of ``video`` in ``caption``'s language, served by ``lesson``."""
    url = lesson.get_url(context.get("request"))
    return url + lesson.reverse_subpage("transcript", args=[video.pk, caption.language])


@register.simple_tag(takes_context=True)
def course_actions(context, course):
    """``{% course_actions page %}``: what higher layers show on a course page (enrol, progress)."""
    return hooks.course_actions(context.get("request"), course)


@register.simple_tag(takes_context=True)
def lesson_scripts(context, lesson):
    """``{% lesson_scripts page %}``: scripts higher layers add to a lesson page (heartbeats)."""
    return hooks.lesson_scripts(context.get("request"), lesson)
