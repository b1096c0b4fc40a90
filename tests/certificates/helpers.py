"""Reading certificates back the way a person would: the PDF's text, and its QR code through a camera-like render."""
from __future__ import annotations

import io

import pypdfium2 as pdfium
import zxingcpp
from pypdf import PdfReader


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def pdf_qr_codes(content: bytes) -> list[str]:
    image = pdfium.PdfDocument(content)[0].render(scale=2).to_pil()
    return [result.text for result in zxingcpp.read_barcodes(image)]
