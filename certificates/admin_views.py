"""Certificate pages in the Wagtail admin: the list (scoped to the editor's units), one certificate
with revoke and re-issue, bulk issue for a class, and a ZIP of the listed certificates."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enrollment.selectors.activities import classes_visible
from lms import audit
from lms.models import AuditAction
from people.selectors import roles_of

from . import register, selectors, services, tasks
from .forms import BulkIssueForm, ReissueForm, RevokeForm
from .models import Certificate
from .permissions import is_manager
from .views import content_disposition, pdf_response
from .zipstream import stream_zip


ZIP_LIMIT = 5000


def can_see(user) -> bool:
    """Managers, and trainers (who see the certificates of the classes they train)."""
    return is_manager(user) or bool(roles_of(user))


def _guard(request):
    if not can_see(request.user):
        raise PermissionDenied


def _filters(request) -> dict:
    try:
        class_id = int(request.GET.get("training_class") or 0) or None
    except ValueError:
        class_id = None
    status = request.GET.get("status", "")
    return {"status": status if status in Certificate.Status.values else "", "training_class_id": class_id,
            "query": request.GET.get("q", "").strip()[:100]}


def certificate_index(request):
    _guard(request)
    filters = _filters(request)
    qs = selectors.visible_certificates_filtered(request.user, **filters)
    page = Paginator(qs, 50).get_page(request.GET.get("p"))
    return render(request, "certificates/admin/index.html", {
        "page": page, "filters": filters, "statuses": Certificate.Status.choices,
        "classes": classes_visible(request.user).order_by("-starts_on")[:200],
        "query_string": request.GET.urlencode(), "can_manage": is_manager(request.user),
    })


def _certificate(request, pk: int) -> Certificate:
    _guard(request)
    return get_object_or_404(selectors.visible_certificates(request.user), pk=pk)


def certificate_detail(request, pk: int):
    certificate = _certificate(request, pk)
    history, older = [], certificate.replaces
    while older is not None:
        history.append(older)
        older = older.replaces
    return render(request, "certificates/admin/detail.html", {
        "certificate": certificate, "history": history, "verify_url": selectors.verify_url(certificate.code),
        # both forms have a "reason": distinct ids, so each label names its own box
        "revoke_form": RevokeForm(auto_id="id_revoke_%s"),
        "reissue_form": ReissueForm(auto_id="id_reissue_%s",
                                    initial={"learner_name": services.learner_name_of(certificate.learner)}),
        "can_manage": is_manager(request.user),
    })


def certificate_pdf(request, pk: int):
    return pdf_response(_certificate(request, pk), inline=True)


def _managed(request, pk: int) -> Certificate:
    certificate = _certificate(request, pk)
    if not is_manager(request.user):
        raise PermissionDenied
    return certificate


@require_POST
def certificate_revoke(request, pk: int):
    certificate = _managed(request, pk)
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            services.certificate_revoke(certificate_id=certificate.pk, by=request.user,
                                        reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Certificate %(number)s is revoked.") % {"number": certificate.number})
    else:
        messages.error(request, _("Give the reason for revoking."))
    return redirect("certificates_admin_detail", pk=certificate.pk)


@require_POST
def certificate_reissue(request, pk: int):
    certificate = _managed(request, pk)
    form = ReissueForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the name and the reason for re-issuing."))
        return redirect("certificates_admin_detail", pk=certificate.pk)
    try:
        new = services.certificate_reissue(certificate_id=certificate.pk, by=request.user,
                                           learner_name=form.cleaned_data["learner_name"],
                                           reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("certificates_admin_detail", pk=certificate.pk)
    messages.success(request, _("Certificate %(old)s is replaced by %(new)s.") % {
        "old": certificate.number, "new": new.number})
    return redirect("certificates_admin_detail", pk=new.pk)


def bulk_issue(request):
    _guard(request)
    form = BulkIssueForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        training_class = form.cleaned_data["training_class"]
        tasks.issue_class_certificates.delay(training_class.pk, request.user.pk)
        messages.success(request, _("Certificates of “%(title)s” are being issued. Refresh the list in a moment.")
                         % {"title": training_class.title})
        return redirect(f"{reverse('certificates_admin_index')}?training_class={training_class.pk}")
    return render(request, "certificates/admin/bulk_issue.html", {"form": form})


def download_zip(request):
    """The listed certificates' PDFs in one ZIP, streamed (valid ones unless a status is chosen)."""
    _guard(request)
    filters = _filters(request)
    filters["status"] = filters["status"] or Certificate.Status.VALID
    ids = list(selectors.visible_certificates_filtered(request.user, **filters).values_list("pk", flat=True)[
        :ZIP_LIMIT + 1])
    if len(ids) > ZIP_LIMIT:  # never a silently cut archive
        messages.error(request, _("More than %(limit)s certificates are listed: choose a class or a status to "
                                  "download fewer at a time.") % {
            "limit": number_format(ZIP_LIMIT, force_grouping=True)})
        return redirect(f"{reverse('certificates_admin_index')}?{request.GET.urlencode()}")

    def members():
        for start in range(0, len(ids), 100):
            for certificate in Certificate.objects.filter(pk__in=ids[start:start + 100]).order_by("number"):
                if not certificate.pdf or not certificate.pdf.storage.exists(certificate.pdf.name):
                    services.pdf_store(certificate)
                with certificate.pdf.open("rb") as handle:
                    yield selectors.pdf_filename(certificate), handle.read()

    response = StreamingHttpResponse(stream_zip(members()), content_type="application/zip")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    name = f"giấy-chứng-nhận-{stamp}.zip"
    response["Content-Disposition"] = content_disposition(name)
    audit.record(action=AuditAction.CERTIFICATE_EXPORT, request=request, subject=name,
                 details={"format": "zip", "certificates": len(ids), **filters})
    return response


def download_register(request):
    """The register of the listed certificates (every status unless one is chosen) as XLSX."""
    _guard(request)
    filters = _filters(request)
    certificates = selectors.visible_certificates_filtered(request.user, **filters).select_related(
        "learner__profile", "learner_unit").order_by("year", "number")
    now = timezone.localtime()
    title = _("Register of certificates issued, as of %(when)s") % {"when": now.strftime("%d/%m/%Y %H:%M")}
    response = HttpResponse(register.register_xlsx(certificates.iterator(chunk_size=500), title=title),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    name = f"Sổ cấp giấy chứng nhận {now:%Y%m%d-%H%M}.xlsx"
    response["Content-Disposition"] = content_disposition(name)
    response["Cache-Control"] = "private, no-store"
    audit.record(action=AuditAction.CERTIFICATE_EXPORT, request=request, subject=name,
                 details={"format": "xlsx", **filters})
    return response
