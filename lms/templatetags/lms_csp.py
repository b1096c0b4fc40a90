"""``{% admin_init %}``: the inert stand-in for an inline script of Wagtail's admin (lms.wagtail_csp)."""
import json

from django import template

from lms.wagtail_csp import init_element

register = template.Library()


@register.simple_tag
def admin_init(function: str, *args, config_json: str | None = None, new: bool = False):
    """``{% admin_init "initDateChooser" widget.attrs.id config_json=widget.config_json %}``: calls
    ``initDateChooser(id, config)`` when the element enters the page; ``config_json`` is a JSON text."""
    if config_json is not None:
        args = (*args, json.loads(config_json))
    return init_element(function, *args, new=new)
