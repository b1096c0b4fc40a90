"""Rich text that reaches the browser from questions, feedback, quizzes, contests and surveys: sanitised.

Rich text typed in Wagtail's editor is cleaned by the editor, but a question bank's XLSX file brings
HTML of its own (a stem starting with "<"), and attempts keep a frozen copy of what they were drawn
with. Both pass through an allow-list (nh3): on import, to the subset the question editor offers
(``clean_imported``), and again on display, after Wagtail expands its links and images
(``render``), so a script or an event handler stored before this rule existed never runs.
Anonymous contest entrants see these stems: nothing here trusts its input.
"""
from __future__ import annotations

import nh3
from django.utils.safestring import SafeString, mark_safe
from wagtail.rich_text import expand_db_html

# what the question editor offers (models.questions.STEM_FEATURES, images aside: an imported <img>
# is not one of Wagtail's images)
IMPORT_TAGS = {"p", "br", "b", "strong", "i", "em", "ol", "ul", "li", "a", "sup", "sub"}
IMPORT_ATTRIBUTES = {"a": {"href"}}
# what Wagtail's rendering of rich text may hold: the editor's features, headings, its images
SHOWN_TAGS = IMPORT_TAGS | {"u", "h2", "h3", "h4", "h5", "h6", "blockquote", "hr", "code", "img"}
SHOWN_ATTRIBUTES = {"a": {"href"}, "img": {"src", "alt", "width", "height", "class"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


def clean_imported(html: str) -> str:
    """Imported HTML reduced to what the question editor offers (no script, handler, style or
    ``javascript:`` link survives)."""
    return nh3.clean(html, tags=IMPORT_TAGS, attributes=IMPORT_ATTRIBUTES, url_schemes=URL_SCHEMES)


def render(html: str | None) -> SafeString:
    """Stored rich text as HTML for a page or the API: Wagtail's links and images expanded, then
    cleaned by the allow-list."""
    if not html:
        return mark_safe("")  # noqa: S308 - empty
    return mark_safe(nh3.clean(expand_db_html(html), tags=SHOWN_TAGS,  # noqa: S308 - sanitised just now
                               attributes=SHOWN_ATTRIBUTES, url_schemes=URL_SCHEMES))
