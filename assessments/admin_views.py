"""Admin pages beside the snippets: question bank import/export (XLSX) and contest results export."""
from __future__ import annotations

import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from people.selectors import has_role, managed_paths

from . import selectors
from .bank_xlsx import COLUMNS, write_bank
from .forms import BankUploadForm
from .services.bank_import import bank_import

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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


def contest_results(request):
    if not can_export_results(request.user):
        raise PermissionDenied
    return render(request, "assessments/admin/contest_results.html",
                  {"contests": selectors.published_contests()})


def contest_export(request, pk: int):
    """Every entry the user may see, with each entrant's place in the round (best entry)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    if not can_export_results(request.user):
        raise PermissionDenied
    contest = get_object_or_404(selectors.published_contests(), pk=pk)
    entries = selectors.contest_entries_for_export(request.user, contest)
    places = {}
    for contest_round in selectors.contest_rounds(contest):
        for row in selectors.leaderboard(contest_round, limit=None):
            places[row.entry_id] = row.rank
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Kết quả"
    sheet.append(["Vòng", "Xếp hạng", "Họ và tên", "Đơn vị", "Địa chỉ", "Điện thoại", "Email", "Điểm",
                  "Điểm tối đa", "Dự đoán", "Thời gian làm bài (giây)", "Thời điểm nộp", "Lần dự thi"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for entry in entries:
        entrant = entry.entrant
        sheet.append([entry.round.number, places.get(entry.pk, ""), entrant.full_name,
                      entrant.org_unit.name if entrant.org_unit else "", entrant.address, entrant.phone,
                      entrant.email, float(entry.score), float(entry.max_score), entry.prediction,
                      round(entry.time_taken_ms / 1000, 1),
                      timezone.localtime(entry.submitted_at).strftime("%d/%m/%Y %H:%M:%S"), entry.number])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _xlsx(buffer.getvalue(), f"ket-qua-{contest.slug}.xlsx")
