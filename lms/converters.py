"""URL converters shared by the apps.

``<id:pk>``: a database id. Django's ``int`` takes any run of digits, and an id past 2^63 made
the database adapter raise (SQLite: OverflowError) inside the view: a 500 where a wrong address
is a 404. An id here has at most 18 digits, so a longer one matches no URL (404).
Importing this module registers the converter (once: Python imports a module once).
"""
from __future__ import annotations

from django.urls import register_converter

ID_REGEX = "[0-9]{1,18}"


class IdConverter:
    regex = ID_REGEX

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))


register_converter(IdConverter, "id")


# the largest id a database column holds (a signed 64-bit integer): an id field of an API
# (serializers.IntegerField(min_value=1, max_value=MAX_ID)) answers 400 past it, never a 500
MAX_ID = 2**63 - 1
