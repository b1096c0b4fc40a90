"""Vietnamese-capable TrueType fonts for PDFs (reportlab), shared by every app.

reportlab's bundled fonts miss ă, ơ, ư and most letters with tone marks. Be Vietnam
Pro (SIL Open Font License, designed for Vietnamese) comes from the
``fontpkg-be-vietnam-pro`` package in requirements.txt, so nothing is installed on
the machine by hand and no font file is committed. reportlab embeds only the glyphs
a document uses.
"""
from __future__ import annotations

import threading
from pathlib import Path

SANS, SANS_BOLD, SANS_ITALIC = "LmsSans", "LmsSans-Bold", "LmsSans-Italic"
_FILES = {SANS: "BeVietnamPro-Regular.ttf", SANS_BOLD: "BeVietnamPro-Bold.ttf",
          SANS_ITALIC: "BeVietnamPro-Italic.ttf"}
_lock = threading.Lock()
_ready = False


def font_dir() -> Path:
    import fontpkg_be_vietnam_pro

    return Path(fontpkg_be_vietnam_pro.ROOT) / "files"


def register_sans() -> str:
    """Register the sans faces with reportlab (once per process); returns the regular face's name,
    whose family maps <b> and <i> in Paragraphs to the bold and italic faces."""
    global _ready
    if not _ready:
        with _lock:
            if not _ready:
                from reportlab.pdfbase import pdfmetrics
                from reportlab.pdfbase.ttfonts import TTFont

                for name, filename in _FILES.items():
                    pdfmetrics.registerFont(TTFont(name, str(font_dir() / filename)))
                pdfmetrics.registerFontFamily(SANS, normal=SANS, bold=SANS_BOLD, italic=SANS_ITALIC,
                                              boldItalic=SANS_BOLD)
                _ready = True
    return SANS
