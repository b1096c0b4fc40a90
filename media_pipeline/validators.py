"""Values written into HLS playlists as quoted strings (RFC 8216, section 4.2).

A quoted-string may hold neither CR, LF nor a double quote: a caption label with a line break
would add lines of its own to master.m3u8. Such values are refused where they are typed
(forms, model validation) and stripped again where the playlist is written (``hls._quoted``).
"""
from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# CR, LF and the double quote are forbidden by RFC 8216; other control characters have no place
# in a label either.
FORBIDDEN = re.compile(r'[\x00-\x1f\x7f"]')


def validate_hls_quoted_string(value: str) -> None:
    """Refuse line breaks, control characters and double quotes (RFC 8216 quoted-string)."""
    if FORBIDDEN.search(value or ""):
        raise ValidationError(
            _("Line breaks, control characters and double quotes (\") are not allowed here."),
            code="hls_quoted_string")
