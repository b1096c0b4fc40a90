"""Report pages: the dashboard with drill-down, the people not yet trained, CSV tables, exports.

Every page works without JavaScript (links and forms; the export page refreshes
itself); charts are inline SVG drawn on the server. What a user sees is scoped by
``reporting.selectors`` through people.selectors: a unit manager sees their
subtree only, and a unit outside it answers 404.
"""
from __future__ import annotations

from urllib.parse import quote, urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lms import audit
from lms.models import AuditAction

from . import charts, exports, services
from .definitions import definitions
from .models import ExportJob
from .periods import Period, default_period, period_from_key, periods_available
from .selectors import dashboard as dashboard_figures
from .selectors import node_for, people, scope_for

PEOPLE_PER_PAGE = 50


def _period(request) -> Period:
    key = request.GET.get("period", "")
    period = period_from_key(key) if key else None
    if key and period is None:
        messages.warning(request, _("This period does not exist; showing the current one."))
    period = period or default_period()
    if period is None:
        raise Http404(_("No plan phase is set up yet. A department admin adds one under Plan targets."))
    return period


def _require_scope(user):
    if scope_for(user).is_empty:
        raise PermissionDenied(_("Reports are for department admins and unit managers."))


def _query(period: Period, unit: str | None, **extra) -> str:
    params = {"period": period.key}
    if unit:
        params["unit"] = unit
    params.update({k: v for k, v in extra.items() if v})
    return "?" + urlencode(params)


def _board(request, period: Period, unit: str | None, **options):
    try:
        return dashboard_figures(user=request.user, period=period, unit_code=unit, **options)
    except PermissionDenied:
        if scope_for(request.user).is_empty:
            raise
        raise Http404(_("There is no such unit among those you manage.")) from None


def _node_label(request, unit: str | None) -> str:
    try:
        return node_for(request.user, unit)[1]
    except PermissionDenied:
        if scope_for(request.user).is_empty:
            raise
        raise Http404(_("There is no such unit among those you manage.")) from None


def _period_labels() -> dict[str, str]:
    return {period.key: period.label for period in periods_available()}


@login_required
def dashboard(request):
    _require_scope(request.user)
    period = _period(request)
    unit = request.GET.get("unit") or None
    board = _board(request, period, unit)
    targets = period.targets
    periods = periods_available()
    labels = {option.key: option.label for option in periods}
    jobs = ExportJob.objects.filter(requested_by=request.user).select_related("org_unit")[:5]
    return render(request, "reporting/dashboard.html", {
        "board": board, "period": period, "periods": periods, "unit": unit or "",
        "query": _query(period, unit),
        "child_links": [(row, reverse("reporting:dashboard") + _query(period, row.code)) for row in board.children],
        "trend_svg": charts.to_svg(charts.trend_chart(board.trend, targets.trained, targets.online), "trend-chart"),
        "units_svg": charts.to_svg(charts.units_chart(board.children, targets.trained), "units-chart")
        if board.children else "",
        "definitions": definitions(),
        "jobs": [(job, labels.get(job.period, job.period)) for job in jobs],
        "export_kinds": ExportJob.Kind.choices,
        "csv_tables": [("units", _("Org units")), ("categories", _("Category")), ("areas", _("Area")),
                       ("ethnic", _("Ethnic-minority areas")), ("trend", _("Monthly trend"))],
    })


@login_required
def untrained(request):
    """The people of a unit not yet trained in the period, paged, for the manager to follow up."""
    _require_scope(request.user)
    period = _period(request)
    unit = request.GET.get("unit") or None
    label = _node_label(request, unit)
    rows = people(user=request.user, period=period, unit_code=unit, trained=False)
    page = Paginator(rows, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    # the list shows people's ID codes: seeing it is a view of personal data (Decree 13/2023)
    audit.record(action=AuditAction.PERSON_VIEW, request=request, subject=str(label),
                 details={"list": "untrained", "page": page.number, "people": len(page.object_list)})
    return render(request, "reporting/untrained.html", {
        "label": label, "period": period, "unit": unit or "", "page": page, "query": _query(period, unit),
        "people": [exports.people_values(row, trained=False) for row in page.object_list],
    })


CSV_TABLES = {"units", "categories", "areas", "ethnic", "trend", "untrained", "trained"}


@login_required
def table_csv(request, table: str):
    """Any table of the dashboard, or a list of people, as CSV (UTF-8 with BOM, streamed)."""
    if table not in CSV_TABLES:
        raise Http404(_("There is no such table."))
    _require_scope(request.user)
    period = _period(request)
    unit = request.GET.get("unit") or None
    if table in ("untrained", "trained"):
        _node_label(request, unit)  # 404 outside the user's units
        trained = table == "trained"
        rows = people(user=request.user, period=period, unit_code=unit, trained=trained)
        headers = exports.people_headers(trained)
        values = (exports.people_values(row, trained) for row in rows.iterator(chunk_size=exports.CHUNK))
    else:
        board = _board(request, period, unit, with_satisfaction=table == "units", with_trend=table == "trend")
        headers, values = exports.dashboard_tables(board)[table]
    name = f"{exports.file_stamp(period, unit or '')}-{table}.csv"
    response = StreamingHttpResponse(exports.csv_stream(headers, values), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(name)}"
    audit.record(action=AuditAction.REPORT_EXPORT, request=request, subject=name,
                 details={"format": "csv", "table": table, "period": period.key, "unit": unit or ""})
    return response


@login_required
@require_POST
def export_create(request):
    period_key, unit = request.POST.get("period", ""), request.POST.get("unit") or None
    try:
        job = services.export_job_create(user=request.user, kind=request.POST.get("kind", ""),
                                         period_key=period_key, unit_code=unit)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(reverse("reporting:dashboard") + "?" + urlencode({"period": period_key,
                                                                           **({"unit": unit} if unit else {})}))
    except PermissionDenied:
        raise Http404(_("There is no such unit among those you manage.")) from None
    return redirect("reporting:export", pk=job.pk)


def _job(request, pk: int) -> ExportJob:
    return get_object_or_404(ExportJob.objects.select_related("org_unit"), pk=pk, requested_by=request.user)


@login_required
def export_detail(request, pk: int):
    job = _job(request, pk)
    back = reverse("reporting:dashboard") + "?" + urlencode({"period": job.period,
                                                             **({"unit": job.org_unit.code} if job.org_unit else {})})
    return render(request, "reporting/export.html", {"job": job, "back": back,
                                                     "period_label": _period_labels().get(job.period, job.period)})


@login_required
def export_status(request, pk: int):
    job = _job(request, pk)
    return JsonResponse({"status": job.status, "status_label": job.get_status_display(), "percent": job.percent,
                         "processed": job.processed, "total": job.total, "finished": job.is_finished})


@login_required
def export_download(request, pk: int):
    job = _job(request, pk)
    if job.status != ExportJob.Status.DONE or not job.file:
        raise Http404(_("This export is not ready."))
    name = job.file.name.rsplit("/", 1)[-1]
    audit.record(action=AuditAction.REPORT_EXPORT, request=request, subject=name, subject_id=str(job.pk),
                 unit_path=job.org_unit.path if job.org_unit else "",
                 details={"kind": job.kind, "period": job.period, "unit": job.org_unit.code if job.org_unit else ""})
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=name)
