"""Wagtail's admin without inline scripts, so the Content-Security-Policy can refuse them everywhere.

Wagtail 8 still starts a few widgets with an inline ``<script>``: chooser widgets (pages, images,
documents, snippets: ``BaseChooser.render``), the date and time pickers and inline panels
(templates overridden in lms/templates/wagtailadmin/). Each now renders an inert element instead,

    <span hidden data-lms-init="PageChooser" data-lms-new data-lms-args='["id_unit", {...}]'></span>

and lms/static/lms/admin-init.js (every admin page, lms/wagtail_hooks.py) makes the same call when
the element enters the document, whether with the page or later (a modal, a new inline form). It
calls only the Wagtail initialisers it knows by name, never code from the page.

``BaseChooser.render`` is replaced at start-up (``install``): Wagtail offers no other place to change
it. tests/lms/test_security_headers.py pins it: it fails when a chooser renders an inline script again.
"""
from __future__ import annotations

import json

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe


def init_element(function: str, *args, new: bool = False) -> SafeString:
    """The inert stand-in for the inline ``<script>function(*args)</script>`` (``new function(...)``)."""
    return format_html('<span hidden data-lms-init="{}" data-lms-args="{}"{}></span>',
                       function, json.dumps(list(args)), mark_safe(" data-lms-new") if new else "")


def _render_chooser(self, name, value, attrs=None, renderer=None):
    """``BaseChooser.render`` (wagtail/admin/widgets/chooser.py) with the init call as an element."""
    from wagtail.admin.widgets import BaseChooser
    from wagtail.admin.widgets.workflows import AdminTaskChooser

    try:
        id_ = attrs["id"]
    except (KeyError, TypeError) as error:
        raise TypeError("BaseChooser cannot be rendered without an 'id' attribute") from error
    value_data = self.get_value_data(value)
    widget_html = self.render_html(name, value_data, attrs)
    if isinstance(self, AdminTaskChooser):
        init = init_element("createTaskChooser", id_)
    elif type(self).render_js_init is BaseChooser.render_js_init:
        init = init_element(self.js_constructor, id_, self.get_js_init_options(id_, name, value_data), new=True)
    else:  # an initialiser we do not know: Wagtail's inline script (the policy refuses it, the e2e guard tells)
        return _original_render(self, name, value, attrs, renderer)
    return mark_safe(f"{widget_html}{init}")  # noqa: S308 - Wagtail's rendered template and format_html


_original_render = None


def install() -> None:
    global _original_render
    from wagtail.admin.widgets import BaseChooser

    if _original_render is None:
        _original_render = BaseChooser.render
        BaseChooser.render = _render_chooser
