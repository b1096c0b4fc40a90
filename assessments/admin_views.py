"""Admin pages beside the snippets: question bank import/export (XLSX), quiz results (page, XLSX, CSV)
and contest results export."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from lms import audit, sheets
from lms.models import AuditAction
from people.models import OrgUnit
from people.selectors import has_role, managed_paths, visible_org_units

from . import selectors
from .admin_forms import QuizResultsFilterForm
from .bank_xlsx import COLUMNS, write_bank
from .forms import BankUploadForm
from .results_export import headers, results_csv, results_xlsx
from .services.bank_import import bank_import

XLSX = sheets.XLSX_CONTENT_TYPE


def can_author(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or has_role(user, *selectors.AUTHOR_ROLES)


def can_export_results(user) -> bool:
    return can_author(user) or managed_paths(user) != []


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def bank_index(request):
    """Import a bank file into a category (all or nothing), or export a category."""
    if not can_author(request.user):
        raise PermissionDenied
    categories = selectors.authored_categories(request.user).order_by("name")
    form = BankUploadForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        category = get_object_or_404(categories, pk=request.POST.get("category"))
        upload = form.cleaned_data["file"]
        try:
            result = bank_import(category=category, content=upload.read(), user=request.user)
        except ValidationError as error:
            form.add_error("file", error)
        else:
            errors = result.errors
            if not errors:
                messages.success(request, _("%(created)s questions added and %(updated)s updated in “%(category)s”.")
                                 % {"created": result.created, "updated": result.updated, "category": category})
                return redirect("assessments_bank")
    return render(request, "assessments/admin/bank.html", {
        "form": form, "categories": categories, "errors": errors, "columns": [header for _key, header in COLUMNS],
        "chosen": request.POST.get("category", ""),
    }, status=400 if errors else 200)


def bank_export(request, pk: int):
    if not can_author(request.user):
        raise PermissionDenied
    category = get_object_or_404(selectors.authored_categories(request.user), pk=pk)
    questions = category.questions.prefetch_related("options", "tags").order_by("pk")
    return _xlsx(write_bank(questions), f"ngan-hang-{slugify(category.name) or category.pk}.xlsx")


RESULTS_PAGE_SIZE = 50


def _results_quiz(request, pk: int):
    if not can_export_results(request.user):
        raise PermissionDenied
    return get_object_or_404(selectors.results_quizzes(request.user), pk=pk)


def quiz_results_index(request):
    """The quizzes whose results the user may open (searchable by title)."""
    if not can_export_results(request.user):
        raise PermissionDenied
    quizzes = selectors.results_quizzes(request.user)
    query = request.GET.get("q", "").strip()
    if query:
        quizzes = quizzes.filter(title__icontains=query)
    page = Paginator(quizzes, RESULTS_PAGE_SIZE).get_page(request.GET.get("p"))
    return render(request, "assessments/admin/quiz_results_index.html", {"page": page, "query": query})


def _filtered_results(request, quiz):
    """(filter form, the attempts the user may see, filtered by the form, whether they see all)."""
    full = selectors.sees_every_attempt(request.user, quiz)
    units = OrgUnit.objects.filter(is_active=True).order_by("path") if full else visible_org_units(request.user)
    form = QuizResultsFilterForm(request.GET or None, units=units)
    attempts = selectors.quiz_results(request.user, quiz)
    if form.is_bound and form.is_valid():
        attempts = selectors.quiz_results_filter(attempts, **form.cleaned_data)
    return form, attempts, full


def quiz_results(request, pk: int):
    """A quiz's attempts with filters: learner, unit, score, passed, started, finished, duration."""
    quiz = _results_quiz(request, pk)
    form, attempts, full = _filtered_results(request, quiz)
    invalid = form.is_bound and not form.is_valid()
    page = Paginator(attempts.none() if invalid else attempts, RESULTS_PAGE_SIZE).get_page(request.GET.get("p"))
    query = request.GET.copy()
    query.pop("p", None)
    return render(request, "assessments/admin/quiz_results.html", {
        "quiz": quiz, "form": form, "page": page, "rows": list(selectors.result_rows(page.object_list)),
        "headers": headers(), "sees_all": full, "query": query.urlencode(),
    }, status=400 if invalid else 200)


def _export_name(quiz, extension: str) -> str:
    return f"ket-qua-{slugify(quiz.title) or quiz.pk}-{timezone.localdate():%Y%m%d}.{extension}"


def quiz_results_export(request, pk: int, extension: str):
    """The filtered attempts as XLSX or CSV; with invalid filters, the page and its errors instead."""
    quiz = _results_quiz(request, pk)
    form, attempts, _full = _filtered_results(request, quiz)
    if form.is_bound and not form.is_valid():
        return quiz_results(request, pk)
    rows = selectors.result_rows(attempts.iterator(chunk_size=2000))
    if extension == "xlsx":
        response = HttpResponse(results_xlsx(rows, title=quiz.title), content_type=XLSX)
    else:
        response = HttpResponse(results_csv(rows), content_type=sheets.CSV_CONTENT_TYPE)
    name = _export_name(quiz, extension)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    audit.record(action=AuditAction.RESULTS_EXPORT, request=request, subject=name, subject_id=str(quiz.pk),
                 details={"quiz": quiz.title, "format": extension, "filters": request.GET.dict()})
    return response


def contest_results(request):
    if not can_export_results(request.user):
        raise PermissionDenied
    return render(request, "assessments/admin/contest_results.html",
                  {"contests": selectors.published_contests()})


def contest_export(request, pk: int):
    """Every entry the user may see, with each entrant's place in the round (best entry)."""
    if not can_export_results(request.user):
        raise PermissionDenied
    contest = get_object_or_404(selectors.published_contests(), pk=pk)
    entries = selectors.contest_entries_for_export(request.user, contest)
    places = {}
    for contest_round in selectors.contest_rounds(contest):
        for row in selectors.leaderboard(contest_round, limit=None):
            places[row.entry_id] = row.rank
    headers = ["Vòng", "Xếp hạng", "Họ và tên", "Đơn vị", "Địa chỉ", "Điện thoại", "Email", "Điểm",
               "Điểm tối đa", "Dự đoán", "Thời gian làm bài (giây)", "Thời điểm nộp", "Lần dự thi"]
    rows = ([entry.round.number, places.get(entry.pk, ""), entry.entrant.full_name,
             entry.entrant.org_unit.name if entry.entrant.org_unit else "", entry.entrant.address,
             entry.entrant.phone, entry.entrant.email, float(entry.score), float(entry.max_score), entry.prediction,
             round(entry.time_taken_ms / 1000, 1), entry.submitted_at, entry.number] for entry in entries)
    name = f"ket-qua-{contest.slug}.xlsx"
    audit.record(action=AuditAction.RESULTS_EXPORT, request=request, subject=name, subject_id=str(contest.pk),
                 details={"contest": contest.title, "format": "xlsx"})
    return _xlsx(sheets.xlsx_bytes(headers, rows, title="Kết quả"), name)
