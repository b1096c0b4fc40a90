"""Small helpers for course templates: progress states, transcript links, and the hook points
through which enrollment/ adds its parts (courses.hooks)."""
from html import escape

from django import template
from django.db.models import prefetch_related_objects
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from .. import hooks

register = template.Library()


@register.filter
def state_of(progress: dict, lesson_id: int) -> str:
    """``progress|state_of:lesson.id``: "complete", "in_progress" or "" (no hook registered)."""
    return (progress or {}).get(lesson_id, "")


@register.simple_tag
def outline_lessons(module, progress, current_id):
    """``{% outline_lessons module progress page.id %}``: the ``<li>`` of each lesson of a module in
    the outline, with the learner's progress marks and the current lesson. Built here rather than
    in a template loop: a course may have hundreds of lessons, shown on every lesson page. Every
    value from the database goes through ``escape``; the rest are fixed strings."""
    if not module.lessons:
        return format_html("<li>{}</li>", gettext("No lessons yet."))
    marks = {
        "complete": ' <span class="progress-mark" aria-label="%s" role="img">✓</span>' % escape(gettext("completed")),
        "in_progress": ' <span class="progress-mark" aria-label="%s" role="img">…</span>' % escape(
            gettext("in progress")),
    }
    optional = ' <span class="optional">(%s)</span>' % escape(gettext("optional"))
    progress = progress or {}
    items = []
    for lesson in module.lessons:
        state = progress.get(lesson.id)
        mark = marks.get(state, "")
        css = f' class="progress-{state}"' if mark else ""
        current = ' aria-current="page"' if lesson.id == current_id else ""
        note = "" if lesson.is_required else optional
        items.append(f'<li{css}><a href="{escape(lesson.url or "")}"{current}>{escape(lesson.title)}</a>{mark}{note}</li>')
    return mark_safe("\n".join(items))  # noqa: S308 (escaped above)


@register.filter
def media_prefetched(body):
    """``page.body|media_prefetched``: the body, its videos' captions and renditions read in
    two queries for all the videos (the player and the transcript links use both)."""
    videos = [block.value for block in body if block.block_type == "video" and block.value is not None]
    prefetch_related_objects(videos, "captions", "renditions")
    return body


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
