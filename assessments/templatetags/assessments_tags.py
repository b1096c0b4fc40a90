"""``{{ html|clean_richtext }}``: Wagtail's ``richtext`` filter followed by an allow-list (see ``assessments.richtext``)."""
from django import template

from .. import richtext

register = template.Library()


@register.filter
def clean_richtext(value):
    return richtext.render(value)
