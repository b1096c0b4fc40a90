"""Learner pages (My certificates, downloads) and the public verification page.

The verification page needs no JavaScript and no login; it shows the facts
stored when the certificate was issued, never anything read from a PDF.
"""
from __future__ import annotations

import json
import unicodedata
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from . import openbadges, ratelimit, selectors, services
from .forms import VerifyCodeForm, VerifyFileForm
from .models import Certificate


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """RFC 6266 with an ASCII fallback and the exact UTF-8 name (RFC 5987 ``filename*``)."""
    ascii_name = "".join(ch for ch in unicodedata.normalize("NFD", filename.replace("đ", "d").replace("Đ", "D"))
                         if not unicodedata.combining(ch)).encode("ascii", "replace").decode().replace("?", "_")
    ascii_name = ascii_name.replace('"', "")
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def pdf_response(certificate: Certificate, *, inline: bool = False) -> HttpResponse:
    if not certificate.pdf or not certificate.pdf.storage.exists(certificate.pdf.name):
        services.pdf_store(certificate)  # lost or never finished: rendered again from the frozen facts
    with certificate.pdf.open("rb") as handle:
        response = HttpResponse(handle.read(), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(selectors.pdf_filename(certificate), inline=inline)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def mine(request):
    return render(request, "certificates/mine.html", {
        "certificates": [(c, selectors.verify_url(c.code)) for c in selectors.my_certificates(request.user)]})


def _own_valid(request, pk: int) -> Certificate:
    certificate = selectors.learner_certificate(request.user, pk)
    if certificate is None:  # someone else's certificate does not exist for this learner
        raise Http404
    return certificate


@login_required
def download(request, pk: int):
    certificate = _own_valid(request, pk)
    if not certificate.is_valid:
        return render(request, "certificates/unavailable.html", {"certificate": certificate}, status=410)
    return pdf_response(certificate)


@login_required
def openbadge(request, pk: int):
    """The learner's certificate as a signed Open Badges 3.0 credential (VC-JWT) to carry elsewhere."""
    certificate = _own_valid(request, pk)
    if not certificate.is_valid:
        return render(request, "certificates/unavailable.html", {"certificate": certificate}, status=410)
    token = openbadges.credential_jwt(certificate, selectors.verify_url(certificate.code))
    response = HttpResponse(token, content_type="application/vc+jwt")
    response["Content-Disposition"] = content_disposition(f"{certificate.number}.openbadge.jwt")
    return response


def _verification(request, certificate: Certificate | None, **context) -> HttpResponse:
    """The verification page of ``certificate`` (None: not found, and the lookup stays counted)."""
    if certificate is not None:
        ratelimit.give_back(request)
    response = render(request, "certificates/verify.html", {
        "certificate": certificate,
        "replacement_url": (selectors.verify_url(certificate.replaced_by.code)
                            if certificate is not None and hasattr(certificate, "replaced_by") else ""),
        **context,
    }, status=200 if certificate else 404)
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
@require_GET
def verify(request, code: str):
    if not ratelimit.lookup_allowed(request):
        return _rate_limited(request)
    return _verification(request, selectors.by_code(code))


@never_cache
@require_http_methods(["GET", "POST"])
def verify_index(request):
    """Verify without a QR scanner: type the code of a paper copy, or check a PDF file byte for byte.

    Plain forms (no JavaScript). A file that matches no issued PDF counts as a miss, like an unknown code.
    """
    looks_up = "code" in request.GET or request.method == "POST"
    if looks_up and not ratelimit.lookup_allowed(request):
        return _rate_limited(request)
    code_form = VerifyCodeForm(request.GET if "code" in request.GET else None)
    length = str(request.META.get("CONTENT_LENGTH") or "")
    announced = int(length) if length.isdigit() else 0
    if request.method == "POST" and announced > settings.CERTIFICATE_CHECK_MAX_BYTES + 65536:
        # refused before the body is read (nginx lets large lecture uploads through)
        file_form = VerifyFileForm(data={}, files={})
        file_form.is_valid()
        file_form.errors["file"] = file_form.error_class([VerifyFileForm.too_large_message()])
    else:
        file_form = VerifyFileForm(request.POST, request.FILES) if request.method == "POST" else VerifyFileForm()
    if looks_up and not (request.method == "POST" and file_form.is_valid()):
        ratelimit.give_back(request)  # nothing looked up here (a typed code is counted by its page)
    if code_form.is_valid():
        return redirect("certificates:verify", code=code_form.cleaned_data["code"])
    if request.method == "POST" and file_form.is_valid():
        upload = file_form.cleaned_data["file"]
        return _verification(request, selectors.by_pdf_sha256(upload.sha256), checked_file=upload.name)
    return render(request, "certificates/verify_index.html", {"code_form": code_form, "file_form": file_form},
                  status=400 if code_form.errors or file_form.errors else 200)


def _rate_limited(request) -> HttpResponse:
    return render(request, "certificates/rate_limited.html", status=429)


def _json(data: dict, content_type: str = "application/json") -> HttpResponse:
    return HttpResponse(json.dumps(data, ensure_ascii=False, indent=2), content_type=content_type)


@require_GET
def issuer(request):
    """The issuer's Open Badges profile (the ``issuer.id`` of every credential)."""
    return _json(openbadges.issuer_profile())


@require_GET
def jwks(request):
    """The issuer's public key (JWK Set), for anyone who verifies an exported credential."""
    return _json({"keys": [openbadges.public_jwk()]}, "application/jwk-set+json")


@never_cache
@require_GET
def status_list(request):
    """The signed revocation list (Bitstring Status List) that exported credentials point at."""
    return HttpResponse(openbadges.status_list_jwt(selectors.revoked_indices()), content_type="application/vc+jwt")
