"""Numbers in the reader's language: 12.345 and 70,5 % in Vietnamese, 12,345 and 70.5 % in English."""
from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils import formats, numberformat

register = template.Library()


@register.filter
def num(value) -> str:
    if value is None or value == "":
        return "—"
    return _format(int(value))


@register.filter
def pct(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return _format(value, 1) + " %"


def _format(value, decimal_pos=None) -> str:
    # grouped by thousands in every language (Django's vi format sets no grouping)
    return numberformat.format(value, formats.get_format("DECIMAL_SEPARATOR"), decimal_pos, grouping=3,
                               thousand_sep=formats.get_format("THOUSAND_SEPARATOR"), force_grouping=True)
