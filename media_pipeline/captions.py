"""Caption files: WebVTT as uploaded, or SubRip (.srt) converted to WebVTT."""
from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from lms.text import nfc

_SRT_TIME = re.compile(r"(\d{1,2}:\d{2}:\d{2}),(\d{3})")
_CUE_TIME = re.compile(r"\d{1,2}:\d{2}(:\d{2})?\.\d{3}\s+-->\s+\d{1,2}:\d{2}(:\d{2})?\.\d{3}")


def validate_vtt(content: bytes) -> str:
    """Return WebVTT text (NFC, UTF-8) or raise a translated ValidationError."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(_("The caption file must be UTF-8 text (WebVTT or SRT)."), code="encoding") from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.lstrip().startswith("WEBVTT"):
        if "-->" not in text:
            raise ValidationError(_("This is not a caption file: use WebVTT (.vtt) or SubRip (.srt)."),
                                  code="format")
        text = "WEBVTT\n\n" + _SRT_TIME.sub(r"\1.\2", text.strip())
    if not _CUE_TIME.search(text):
        raise ValidationError(_("The caption file has no cues with valid times."), code="no_cues")
    return "\n".join(nfc(line) if line.strip() else "" for line in text.split("\n")) + "\n"
