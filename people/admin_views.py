"""Roster import pages in the Wagtail admin: upload, progress, errors, invitations."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lms import audit
from lms.models import AuditAction

from . import services, tasks
from .forms import RosterUploadForm
from .models import RosterImport
from .roster import COLUMNS, column_label, describe_error, template_workbook
from .selectors import WITHOUT_OWN_ACCOUNT, is_department_admin, managed_paths, visible_profiles



def can_import(user) -> bool:
    return managed_paths(user) != []


def _visible_jobs(user):
    jobs = RosterImport.objects.select_related("uploaded_by")
    return jobs if is_department_admin(user) else jobs.filter(uploaded_by=user)


def roster_index(request):
    if not can_import(request.user):
        raise PermissionDenied
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.roster_import_create(uploaded_file=form.cleaned_data["file"], user=request.user)
        except ValidationError as error:
            form.add_error("file", error)
        else:
            audit.record(action=AuditAction.ROSTER_IMPORT, request=request, subject=job.original_name,
                         subject_id=str(job.pk), details={"bytes": form.cleaned_data["file"].size})
            return redirect("people_roster_detail", pk=job.pk)
    return render(request, "people/admin/roster_index.html", {
        "form": form, "jobs": _visible_jobs(request.user)[:20],
        "columns": [(str(label), header) for label, header, _aliases in COLUMNS.values()],
        "uninvited": visible_profiles(request.user).filter(
            invited_at__isnull=True).filter(WITHOUT_OWN_ACCOUNT).exclude(email="").count(),
    })


def _job(request, pk):
    if not can_import(request.user):
        raise PermissionDenied
    return get_object_or_404(_visible_jobs(request.user), pk=pk)


def roster_detail(request, pk: int):
    job = _job(request, pk)
    errors = [{"row": e["row"], "column": column_label(e["column"]), "message": describe_error(e)}
              for e in job.errors]
    return render(request, "people/admin/roster_detail.html", {"job": job, "errors": errors})


def roster_status(request, pk: int):
    job = _job(request, pk)
    return JsonResponse({
        "status": job.status, "status_label": job.get_status_display(), "percent": job.percent,
        "processed": job.processed_rows, "total": job.total_rows, "finished": job.is_finished,
        "created": job.created_count, "updated": job.updated_count, "errors": len(job.errors),
    })


@require_POST
def send_invitations(request):
    if not can_import(request.user):
        raise PermissionDenied
    pending = visible_profiles(request.user).filter(
        invited_at__isnull=True).filter(WITHOUT_OWN_ACCOUNT).exclude(email="").count()
    tasks.send_invitations.delay(request.user.pk)  # thousands of e-mails: never inside the request
    messages.success(request, _("%(count)s invitation e-mails are being sent.") % {"count": pending})
    return redirect("people_roster_index")


def roster_template(request):
    """The roster template: header row and an example, ready to fill in Excel."""
    if not can_import(request.user):
        raise PermissionDenied
    response = HttpResponse(template_workbook(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = "attachment; filename=\"mau-danh-sach.xlsx\"; filename*=UTF-8''m%E1%BA%ABu-danh-s%C3%A1ch.xlsx"
    return response
