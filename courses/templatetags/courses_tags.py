"""Small helpers for course templates: progress states, transcript links, and the hook points
through which enrollment/ adds its parts (courses.hooks)."""
from html import escape

from django import template
from django.db.models import prefetch_related_objects
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from .. import hooks

register = template.Library()


@register.filter
def state_of(progress: dict, lesson_id: int) -> str:
    """``progress|state_of:lesson.id``: "complete", "in_progress" or "" (no hook registered)."""
    return (progress or {}).get(lesson_id, "")


def _lesson_items(module, progress: dict, current_id, marks: dict, optional: str) -> str:
    if not module.lessons:
        return "<li>%s</li>" % escape(gettext("No lessons yet."))
    items = []
    for lesson in module.lessons:
        state = progress.get(lesson.id)
        mark = marks.get(state, "")
        css = f' class="progress-{state}"' if mark else ""
        current = ' aria-current="page"' if lesson.id == current_id else ""
        note = "" if lesson.is_required else optional
        link = f'<a href="{escape(lesson.url or "")}"{current}>{escape(lesson.title)}</a>'
        items.append(f"<li{css}>{link}{mark}{note}</li>")
    return "\n".join(items)


@register.simple_tag
def course_outline(outline, progress, current_id, current_module_id=None):
    """``{% course_outline outline progress page.id current_module_id %}``: the course outline,
    with the learner's progress marks, the current lesson and its module. Built here rather
    than in a template loop: a course may have hundreds of lessons, shown on every lesson
    page. Every value from the database goes through ``escape``; the rest are fixed strings."""
    if not outline:
        body = "  <p>%s</p>" % escape(gettext("The outline is being prepared."))
    else:
        marks = {
            "complete": ' <span class="progress-mark" aria-label="%s" role="img">✓</span>' % escape(
                gettext("completed")),
            "in_progress": ' <span class="progress-mark" aria-label="%s" role="img">…</span>' % escape(
                gettext("in progress")),
        }
        optional = ' <span class="optional">(%s)</span>' % escape(gettext("optional"))
        progress = progress or {}
        modules = []
        for module in outline:
            css = ' class="current-module"' if module.id == current_module_id else ""
            lessons = _lesson_items(module, progress, current_id, marks, optional)
            modules.append(
                f'    <li{css}>\n      <span class="outline-module-title">{escape(module.title)}</span>\n'
                f'      <ol class="outline-lessons">{lessons}</ol>\n    </li>')
        body = '  <ol class="outline-modules">\n%s\n  </ol>' % "\n".join(modules)
    return mark_safe(  # noqa: S308 (escaped above)
        '<nav class="outline" aria-labelledby="outline-heading">\n'
        f'  <h2 id="outline-heading">{escape(gettext("Course outline"))}</h2>\n{body}\n</nav>')


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
