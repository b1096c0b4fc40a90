"""Assignment of courses by managers: by org-unit subtree and category, or from a sheet.

A manager assigns only people of the subtrees they manage. People who have no
account yet keep their assignment and are enrolled when they claim their
profile (``assignments_materialise``). A sheet is validated whole: a file
with any bad row assigns nobody.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from courses.models import CoursePage
from lms import sheets
from lms.text import fold
from people.models import OrgUnit, Profile
from people.selectors import can_manage_unit, visible_profiles
from people.services import profile_account_hold

from ..models import Assignment, Enrollment, TrainingClass
from .progress import CURRENT


@dataclass
class AssignResult:
    assigned: int = 0  # people assigned (new or with a changed due date)
    enrolled: list[int] = field(default_factory=list)  # enrolment ids created now
    waiting_for_account: int = 0
    already_done: int = 0  # people who had already completed the course


def _enrol_assigned(profile: Profile, course: CoursePage, *, by, due_date, training_class) -> tuple[Enrollment, bool]:
    enrollment = Enrollment.objects.filter(user_id=profile.user_id, course=course, status__in=CURRENT).first()
    if enrollment is not None:
        fields = []
        if due_date and enrollment.due_date != due_date and enrollment.status != Enrollment.Status.COMPLETED:
            enrollment.due_date, enrollment.reminded_at = due_date, None
            fields += ["due_date", "reminded_at"]
        if enrollment.status == Enrollment.Status.PENDING:  # the manager's assignment answers the request
            enrollment.status, enrollment.decided_by = Enrollment.Status.ACTIVE, by
            fields += ["status", "decided_by"]
        if training_class and enrollment.training_class_id is None:
            enrollment.training_class = training_class
            fields.append("training_class")
        if fields:
            enrollment.save(update_fields=fields)
        return enrollment, False
    try:
        with transaction.atomic():
            return Enrollment.objects.create(
                user_id=profile.user_id, course=course, status=Enrollment.Status.ACTIVE,
                source=Enrollment.Source.ASSIGNED, assigned_by=by, due_date=due_date,
                training_class=training_class), True
    except IntegrityError:  # enrolled by themselves meanwhile
        return Enrollment.objects.get(user_id=profile.user_id, course=course, status__in=CURRENT), False


def assign(*, by, course: CoursePage, profiles, due_date: dt.date | None = None,
           training_class: TrainingClass | None = None) -> AssignResult:
    """Assign a course to people the manager may see; enrols those with an account."""
    profiles = list(profiles)
    allowed = set(visible_profiles(by).filter(pk__in=[p.pk for p in profiles]).values_list("pk", flat=True))
    if len(allowed) != len({p.pk for p in profiles}):
        raise PermissionDenied(_("You can only assign courses to people of the units you manage."))
    if due_date and due_date < timezone.localdate():
        raise ValidationError({"due_date": _("The due date has already passed.")}, code="past")
    result = AssignResult()
    with transaction.atomic():
        existing = {a.profile_id: a for a in Assignment.objects.filter(course=course,
                                                                       profile_id__in=list(allowed))}
        new = [Assignment(course=course, profile=p, due_date=due_date, assigned_by=by, training_class=training_class)
               for p in profiles if p.pk not in existing]
        Assignment.objects.bulk_create(new, ignore_conflicts=True)
        changed = [a.pk for a in existing.values() if a.due_date != due_date]
        Assignment.objects.filter(pk__in=changed).update(due_date=due_date)
        result.assigned = len(new) + len(changed)
        for profile in profiles:
            if profile.user_id is None and training_class is not None:
                # a class meets in person: its learners need an enrolment before they ever sign in
                profile_account_hold(profile=profile)
            if profile.user_id is None:
                result.waiting_for_account += 1
                continue
            enrollment, created = _enrol_assigned(profile, course, by=by, due_date=due_date,
                                                  training_class=training_class)
            if created:
                result.enrolled.append(enrollment.pk)
            elif enrollment.status == Enrollment.Status.COMPLETED:
                result.already_done += 1
        if result.enrolled:
            ids = list(result.enrolled)
            transaction.on_commit(lambda: _notify_assigned(ids))
    return result


def _notify_assigned(enrollment_ids: list[int]) -> None:
    from ..tasks import send_assignment_emails

    send_assignment_emails.delay(enrollment_ids)


def assign_by_unit(*, by, course: CoursePage, unit: OrgUnit, categories: list[str], include_subtree: bool = True,
                   due_date: dt.date | None = None, training_class: TrainingClass | None = None) -> AssignResult:
    """Assign a course to every active person of a unit (and its subtree) in the given categories."""
    if not can_manage_unit(by, unit):
        raise PermissionDenied(_("You can only assign courses in units you manage."))
    people = visible_profiles(by).filter(is_active=True)
    people = people.filter(org_unit__path__startswith=unit.path) if include_subtree else people.filter(org_unit=unit)
    if categories:
        people = people.filter(category__in=categories)
    return assign(by=by, course=course, profiles=people.select_related(None), due_date=due_date,
                  training_class=training_class)


# ---- assignment sheets -------------------------------------------------------------------------

ASSIGNMENT_COLUMNS = {
    "id_code": (gettext_lazy("ID code"), "Mã định danh", ["id_code", "ma dinh danh", "so dinh danh", "cccd"]),
    "full_name": (gettext_lazy("Full name"), "Họ và tên", ["full_name", "ho va ten", "ho ten"]),
    "due_date": (gettext_lazy("Due date"), "Hạn hoàn thành", ["due_date", "han hoan thanh", "han", "thoi han"]),
}
_LOOKUP = {fold(spelling): key for key, (_label, header, spellings) in ASSIGNMENT_COLUMNS.items()
           for spelling in spellings + [header]}


@dataclass
class AssignmentSheet:
    rows: list[tuple[Profile, dt.date | None]] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)

    def add(self, row: int, column: str, message: str) -> None:
        self.errors.append({"row": row, "column": str(ASSIGNMENT_COLUMNS[column][0]) if column else "",
                            "message": message})


def assignment_sheet_validate(*, by, path: str, name: str, default_due: dt.date | None = None) -> AssignmentSheet:
    """Read a whole list of people to assign; every bad row is reported."""
    result = AssignmentSheet()
    try:
        rows = iter(sheets.read_rows(path, name))
        _number, header = next(rows)
    except StopIteration:
        result.add(1, "", _("The file is empty."))
        return result
    except Exception:  # noqa: BLE001 - any unreadable upload is the user's to fix
        result.add(1, "", _("The file cannot be read. Upload an XLSX or CSV file."))
        return result
    columns = sheets.header_map(header, _LOOKUP)
    if "id_code" not in columns:
        result.add(1, "id_code", _("This column is missing from the header row."))
        return result
    parsed: list[tuple[int, str, dt.date | None]] = []
    for number, cells in rows:
        cells = list(cells) + [None] * (len(header) - len(cells))
        if not any(sheets.cell_text(c) for c in cells):
            continue
        id_code = sheets.cell_text(cells[columns["id_code"]])
        due = default_due
        if "due_date" in columns and sheets.cell_text(cells[columns["due_date"]]):
            try:
                due = sheets.parse_date(cells[columns["due_date"]])
            except ValueError:
                result.add(number, "due_date", _("Write the date as dd/mm/yyyy."))
                continue
            if due < timezone.localdate():
                result.add(number, "due_date", _("The due date has already passed."))
        if not id_code:
            result.add(number, "id_code", _("The ID code is empty."))
            continue
        parsed.append((number, id_code, due))
    codes = [code for _n, code, _d in parsed]
    known = {p.id_code: p for p in Profile.objects.filter(id_code__in=codes).only("pk", "id_code", "user_id")}
    allowed = set(visible_profiles(by).filter(id_code__in=codes).values_list("id_code", flat=True))
    seen: dict[str, int] = {}
    for number, id_code, due in parsed:
        if id_code in seen:
            result.add(number, "id_code", _("%(code)s already appears on row %(row)s.")
                       % {"code": id_code, "row": seen[id_code]})
            continue
        seen[id_code] = number
        if id_code not in known or id_code not in allowed:
            # one message for both: the sheet must not tell whether a code exists in another unit
            result.add(number, "id_code", _("No one in your units has the ID code %(code)s.") % {"code": id_code})
        else:
            result.rows.append((known[id_code], due))
    return result


def assignment_import(*, by, course: CoursePage, path: str, name: str, default_due: dt.date | None = None,
                      training_class: TrainingClass | None = None) -> tuple[AssignmentSheet, list[AssignResult]]:
    """Validate the whole sheet, then assign everyone on it (grouped by due date) in one transaction."""
    sheet = assignment_sheet_validate(by=by, path=path, name=name, default_due=default_due)
    results: list[AssignResult] = []
    if sheet.errors or not sheet.rows:
        if not sheet.rows and not sheet.errors:
            sheet.add(1, "", _("The file lists no one."))
        return sheet, results
    by_due: dict[dt.date | None, list[Profile]] = {}
    for profile, due in sheet.rows:
        by_due.setdefault(due, []).append(profile)
    with transaction.atomic():
        for due, profiles in by_due.items():
            results.append(assign(by=by, course=course, profiles=profiles, due_date=due,
                                  training_class=training_class))
    return sheet, results


def assignments_materialise(*, profile_id: int) -> list[int]:
    """Enrol a person who just got an account in the courses assigned to them before."""
    profile = Profile.objects.filter(pk=profile_id).only("pk", "user_id").first()
    if profile is None or profile.user_id is None:
        return []
    created = []
    for assignment in Assignment.objects.filter(profile_id=profile_id).select_related("course", "training_class"):
        enrollment, new = _enrol_assigned(profile, assignment.course, by=assignment.assigned_by,
                                          due_date=assignment.due_date, training_class=assignment.training_class)
        if new:
            created.append(enrollment.pk)
    return created
