"""Training pages in the Wagtail admin: classes and sessions, attendance, assignment, requests.

Views parse the request and call services/selectors; every page is scoped to the
org units the user manages (or the classes they train).
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lms import audit
from lms.models import AuditAction
from people.models import Role
from people.selectors import has_role, managed_paths, scope_queryset

from . import services
from .forms import AssignForm, AssignSheetForm, ClassForm, ClassLearnersForm, SessionForm, SheetForm
from .models import Enrollment, TrainingSession
from .selectors import activities as reads

MAX_SHEET_BYTES = 5 * 1024 * 1024


def can_manage_training(user) -> bool:
    return bool(managed_paths(user) != []) or has_role(user, Role.TRAINER)


def can_assign(user) -> bool:
    return managed_paths(user) != []


def _guard(user, check=can_manage_training) -> None:
    if not check(user):
        raise PermissionDenied


def _errors_to_form(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _saved_upload(upload) -> str:
    suffix = Path(upload.name).suffix.lower()
    with tempfile.NamedTemporaryFile(delete=False, suffix=suffix) as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return handle.name


def _sheet_too_big(form, upload) -> bool:
    if upload.size > MAX_SHEET_BYTES:
        form.add_error("file", _("The file is larger than 5 MB. Split it and upload each part."))
        return True
    if not upload.name.lower().endswith((".xlsx", ".csv")):
        form.add_error("file", _("Upload an XLSX or CSV file."))
        return True
    return False


def classes_index(request):
    _guard(request.user)
    form = ClassForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            training_class = services.class_create(by=request.user, trainer=request.user, **form.cleaned_data)
        except ValidationError as error:
            _errors_to_form(form, error)
        except PermissionDenied:
            form.add_error("org_unit", _("You can only open classes in units you manage."))
        else:
            messages.success(request, _("The class “%(title)s” is open.") % {"title": training_class.title})
            return redirect("enrollment_class_detail", pk=training_class.pk)
    return render(request, "enrollment/admin/classes_index.html", {
        "classes": reads.classes_visible(request.user)[:200], "form": form, "can_create": can_assign(request.user)})


def _class(request, pk):
    _guard(request.user)
    return get_object_or_404(reads.classes_visible(request.user), pk=pk)


def class_detail(request, pk: int):
    training_class = _class(request, pk)
    session_form = SessionForm(request.POST if request.POST.get("form") == "session" else None)
    learners_form = ClassLearnersForm(request.POST if request.POST.get("form") == "learners" else None,
                                      user=request.user)
    if request.method == "POST" and request.POST.get("form") == "session" and session_form.is_valid():
        try:
            services.session_create(by=request.user, training_class=training_class, **session_form.cleaned_data)
        except ValidationError as error:
            _errors_to_form(session_form, error)
        else:
            messages.success(request, _("Session added."))
            return redirect("enrollment_class_detail", pk=pk)
    if request.method == "POST" and request.POST.get("form") == "learners" and learners_form.is_valid():
        data = learners_form.cleaned_data
        try:
            result = services.assign_by_unit(by=request.user, course=training_class.course, unit=data["org_unit"],
                                             categories=data["categories"], include_subtree=data["include_subtree"],
                                             due_date=training_class.ends_on, training_class=training_class)
        except PermissionDenied:
            learners_form.add_error("org_unit", _("You can only assign courses in units you manage."))
        except ValidationError as error:
            _errors_to_form(learners_form, error)
        else:
            messages.success(request, _assign_message(result))
            return redirect("enrollment_class_detail", pk=pk)
    learners = reads.class_learners(training_class, viewer=request.user)
    return render(request, "enrollment/admin/class_detail.html", {
        "training_class": training_class, "sessions": reads.class_sessions(training_class),
        "learners": learners, "session_form": session_form, "learners_form": learners_form,
        "can_assign": can_assign(request.user)})


def _assign_message(result) -> str:
    return _("%(enrolled)s enrolled now, %(waiting)s will be enrolled when they activate their account, "
             "%(done)s had already completed the course.") % {
        "enrolled": len(result.enrolled), "waiting": result.waiting_for_account, "done": result.already_done}


def _session(request, pk):
    _guard(request.user)
    session = get_object_or_404(TrainingSession.objects.select_related("training_class__org_unit",
                                                                       "training_class__course"), pk=pk)
    if not services.can_run_class(request.user, session.training_class):
        raise PermissionDenied
    return session


def session_attendance(request, pk: int):
    """The checklist of the class's learners; also takes an uploaded sheet."""
    session = _session(request, pk)
    sheet_form = SheetForm(request.POST or None, request.FILES or None) if request.POST.get("form") == "sheet" \
        else SheetForm()
    sheet_errors = []
    if request.method == "POST" and request.POST.get("form") == "checklist":
        rows = reads.session_attendance(session, viewer=request.user)
        present = {int(v) for v in request.POST.getlist("present") if v.isdigit()}
        marks = {row.enrollment_id: row.enrollment_id in present for row in rows}
        changed = services.attendance_record(by=request.user, session=session, marks=marks)
        messages.success(request, _("Attendance saved (%(count)s changes).") % {"count": changed})
        return redirect("enrollment_session_attendance", pk=pk)
    if request.method == "POST" and request.POST.get("form") == "sheet" and sheet_form.is_valid():
        upload = sheet_form.cleaned_data["file"]
        if not _sheet_too_big(sheet_form, upload):
            path = _saved_upload(upload)
            try:
                result = services.attendance_import(by=request.user, session=session, path=path, name=upload.name)
            finally:
                Path(path).unlink(missing_ok=True)
            if result.errors:
                sheet_errors = result.errors
                messages.error(request, _("Nothing was recorded: fix the rows below and upload the file again."))
            else:
                messages.success(request, _("Attendance of %(count)s learners recorded from the file.")
                                 % {"count": len(result.marks)})
                return redirect("enrollment_session_attendance", pk=pk)
    rows = reads.session_attendance(session, viewer=request.user)
    return render(request, "enrollment/admin/session_attendance.html", {
        "session": session, "rows": rows, "sheet_form": sheet_form, "sheet_errors": sheet_errors,
        "present_count": sum(1 for r in rows if r.present)})


def session_attendance_template(request, pk: int):
    session = _session(request, pk)
    response = HttpResponse(services.attendance_template(session, viewer=request.user),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    name = f"diem-danh-{session.pk}.xlsx"
    response["Content-Disposition"] = f"attachment; filename=\"{name}\""
    # the sheet lists the class's learners with their ID codes: an export of personal data
    audit.record(action=AuditAction.PERSON_EXPORT, request=request, subject=name, subject_id=str(session.pk),
                 details={"class": session.training_class.title})
    return response


def assign_index(request):
    _guard(request.user, can_assign)
    form = AssignForm(request.POST if request.POST.get("form") == "unit" else None, user=request.user)
    sheet_form = AssignSheetForm(request.POST if request.POST.get("form") == "sheet" else None,
                                 request.FILES if request.POST.get("form") == "sheet" else None)
    sheet_errors = []
    if request.method == "POST" and request.POST.get("form") == "unit" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.assign_by_unit(by=request.user, course=data["course"], unit=data["org_unit"],
                                             categories=data["categories"], include_subtree=data["include_subtree"],
                                             due_date=data["due_date"])
        except PermissionDenied:
            form.add_error("org_unit", _("You can only assign courses in units you manage."))
        else:
            messages.success(request, _assign_message(result))
            return redirect("enrollment_assign_index")
    if request.method == "POST" and request.POST.get("form") == "sheet" and sheet_form.is_valid():
        upload = sheet_form.cleaned_data["file"]
        if not _sheet_too_big(sheet_form, upload):
            path = _saved_upload(upload)
            try:
                sheet, results = services.assignment_import(
                    by=request.user, course=sheet_form.cleaned_data["course"], path=path, name=upload.name,
                    default_due=sheet_form.cleaned_data["due_date"])
            finally:
                Path(path).unlink(missing_ok=True)
            if sheet.errors:
                sheet_errors = sheet.errors
                messages.error(request, _("Nobody was assigned: fix the rows below and upload the file again."))
            else:
                total = services.AssignResult()
                for result in results:
                    total.enrolled += result.enrolled
                    total.waiting_for_account += result.waiting_for_account
                    total.already_done += result.already_done
                messages.success(request, _assign_message(total))
                return redirect("enrollment_assign_index")
    return render(request, "enrollment/admin/assign_index.html", {
        "form": form, "sheet_form": sheet_form, "sheet_errors": sheet_errors})


def requests_index(request):
    _guard(request.user, can_assign)
    return render(request, "enrollment/admin/requests_index.html",
                  {"requests": reads.pending_requests(request.user)[:500]})


@require_POST
def request_decide(request, pk: int):
    _guard(request.user, can_assign)
    enrollment = get_object_or_404(reads.pending_requests(request.user), pk=pk)
    approve = request.POST.get("decision") == "approve"
    try:
        services.enrollment_decide(enrollment_id=enrollment.pk, by=request.user, approve=approve)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Request approved.") if approve else _("Request refused."))
    return redirect("enrollment_requests_index")


@require_POST
def completion_revoke(request, pk: int):
    _guard(request.user, can_assign)
    enrollment = get_object_or_404(scope_queryset(Enrollment.objects.all(), request.user,
                                                  unit_field="user__profile__org_unit"), pk=pk)
    try:
        services.completion_revoke(enrollment_id=enrollment.pk, by=request.user,
                                   reason=request.POST.get("reason", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The completion was revoked."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = "enrollment_classes_index"  # never off the site (an open redirect otherwise)
    return redirect(target or "enrollment_classes_index")
