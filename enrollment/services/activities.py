"""Training activities: classes (course runs), their sessions, and attendance.

Attendance is recorded by the class's trainer or a manager of the organising
unit, from a checklist, an uploaded sheet (validated whole: nothing is written
from a file with errors) or the API; each change re-evaluates the learners'
completion, so attendance plus the class's rule completes the training.
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
from people.models import OrgUnit
from people.selectors import can_manage_unit, is_department_admin

from ..models import Attendance, Enrollment, Modality, TrainingClass, TrainingSession
from ..selectors.activities import id_code_reader
from .progress import CURRENT, completion_evaluate


def can_run_class(user, training_class: TrainingClass) -> bool:
    """The class's trainer, or a manager of its organising unit."""
    if not getattr(user, "is_authenticated", False):
        return False
    return training_class.trainer_id == user.pk or can_manage_unit(user, training_class.org_unit)


def class_create(*, by, course: CoursePage, title: str, org_unit: OrgUnit, starts_on: dt.date, ends_on: dt.date,
                 trainer=None, min_attendance_percent: int = 80) -> TrainingClass:
    """Open a class of a course in a unit the creator manages."""
    if not (can_manage_unit(by, org_unit) or is_department_admin(by)):
        raise PermissionDenied(_("You can only open classes in units you manage."))
    training_class = TrainingClass(course=course, title=title, org_unit=org_unit, starts_on=starts_on,
                                   ends_on=ends_on, trainer=trainer, min_attendance_percent=min_attendance_percent,
                                   created_by=by)
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("A class cannot end before it starts.")}, code="dates")
    training_class.full_clean()
    with transaction.atomic():
        training_class.save()
        if course.modality == "online":  # an online course's class is itself one online activity
            self_paced_session_ensure(training_class)
    return training_class


def session_create(*, by, training_class: TrainingClass, title: str, modality: str, starts_at: dt.datetime,
                   ends_at: dt.datetime, place: str = "", meeting_url: str = "") -> TrainingSession:
    """Add a session; in-person sessions need a place, live ones a meeting link."""
    if not can_run_class(by, training_class):
        raise PermissionDenied(_("Only the class's trainer or a manager of its unit can change it."))
    if modality == Modality.IN_PERSON and not place.strip():
        raise ValidationError({"place": _("Say where the session takes place.")}, code="place")
    if modality == Modality.ONLINE_LIVE and not meeting_url.strip():
        raise ValidationError({"meeting_url": _("Give the meeting link of the live session.")}, code="link")
    if ends_at < starts_at:
        raise ValidationError({"ends_at": _("A session cannot end before it starts.")}, code="dates")
    session = TrainingSession(training_class=training_class, title=title, modality=modality, starts_at=starts_at,
                              ends_at=ends_at, place=place.strip(), meeting_url=meeting_url.strip())
    session.full_clean()
    session.save()
    return session


def class_join(*, training_class: TrainingClass, user, by=None, due_date: dt.date | None = None) -> Enrollment:
    """Put a learner in a class: their current enrolment in the course moves into it, or one is made."""
    with transaction.atomic():
        enrollment = Enrollment.objects.select_for_update().filter(
            user=user, course_id=training_class.course_id, status__in=CURRENT).first()
        if enrollment is None:
            try:
                with transaction.atomic():
                    enrollment = Enrollment.objects.create(
                        user=user, course_id=training_class.course_id, status=Enrollment.Status.ACTIVE,
                        source=Enrollment.Source.ASSIGNED if by else Enrollment.Source.SELF, assigned_by=by,
                        training_class=training_class, due_date=due_date or training_class.ends_on)
            except IntegrityError:
                enrollment = Enrollment.objects.get(user=user, course_id=training_class.course_id,
                                                    status__in=CURRENT)
        if enrollment.training_class_id != training_class.pk:
            enrollment.training_class = training_class
            if enrollment.status == Enrollment.Status.PENDING:
                enrollment.status = Enrollment.Status.ACTIVE
            enrollment.save(update_fields=["training_class", "status"])
    return enrollment


def attendance_record(*, by, session: TrainingSession, marks: dict[int, bool],
                      source: str = Attendance.Source.CHECKLIST) -> int:
    """Record present/absent for enrolments of the session's class; returns how many changed.

    Enrolments outside the class are refused (nothing is written); completion is
    re-evaluated for each learner whose attendance changed.
    """
    if not can_run_class(by, session.training_class):
        raise PermissionDenied(_("Only the class's trainer or a manager of its unit can record attendance."))
    if not session.takes_attendance:
        raise ValidationError(_("Self-paced sessions take no attendance."), code="self_paced")
    members = set(session.training_class.enrollments.filter(status__in=CURRENT).values_list("pk", flat=True))
    strangers = sorted(set(marks) - members)
    if strangers:
        raise ValidationError(_("Some learners are not in this class."), code="not_member")
    changed: list[int] = []
    with transaction.atomic():
        existing = {a.enrollment_id: a for a in Attendance.objects.select_for_update().filter(
            session=session, enrollment_id__in=marks)}
        for enrollment_id, present in marks.items():
            row = existing.get(enrollment_id)
            if row is None:
                Attendance.objects.create(session=session, enrollment_id=enrollment_id, present=present,
                                          source=source, recorded_by=by)
            elif row.present != present:
                Attendance.objects.filter(pk=row.pk).update(present=present, source=source, recorded_by=by,
                                                            recorded_at=timezone.now())
            else:
                continue
            changed.append(enrollment_id)
    for enrollment_id in changed:
        completion_evaluate(enrollment_id=enrollment_id)
    return len(changed)


# ---- attendance sheets -------------------------------------------------------------------------

ATTENDANCE_COLUMNS = {
    "id_code": (gettext_lazy("ID code"), "Mã định danh", ["id_code", "ma dinh danh", "so dinh danh", "cccd"]),
    "full_name": (gettext_lazy("Full name"), "Họ và tên", ["full_name", "ho va ten", "ho ten"]),
    "present": (gettext_lazy("Present"), "Có mặt", ["present", "co mat", "diem danh", "tham du"]),
}
_LOOKUP = {fold(spelling): key for key, (_label, _header, spellings) in ATTENDANCE_COLUMNS.items()
           for spelling in spellings + [_header]}


@dataclass
class SheetResult:
    marks: dict[int, bool] = field(default_factory=dict)
    errors: list[dict] = field(default_factory=list)

    def add(self, row: int, column: str, message: str) -> None:
        self.errors.append({"row": row, "column": str(ATTENDANCE_COLUMNS[column][0]) if column else "",
                            "message": message})


def attendance_template(session: TrainingSession, *, viewer) -> bytes:
    """A sheet listing the class's learners, ready to mark (diacritics intact); ID codes as
    ``viewer`` may see them (masked for a trainer), which is what the sheet is read back by."""
    shown_id_code = id_code_reader(viewer)
    enrollments = (session.training_class.enrollments.filter(status__in=CURRENT)
                   .select_related("user__profile__org_unit"))
    rows = []
    for enrollment in enrollments:
        profile = getattr(enrollment.user, "profile", None)
        rows.append([shown_id_code(profile) if profile else enrollment.user.username,
                     profile.full_name if profile else enrollment.user.get_full_name(), ""])
    return sheets.xlsx_bytes([header for _label, header, _spellings in ATTENDANCE_COLUMNS.values()], rows,
                             title="Diem danh")


def _sheet_members(session: TrainingSession, viewer) -> dict[str, int | None]:
    """The class's learners by the ID code the sheet may name them with: the code as ``viewer``
    sees it (masked for a trainer) or whole; None where a masked code fits several learners."""
    shown_id_code = id_code_reader(viewer)
    members: dict[str, int | None] = {}
    enrollments = (session.training_class.enrollments.filter(status__in=CURRENT)
                   .select_related("user__profile__org_unit"))
    for enrollment in enrollments:
        profile = getattr(enrollment.user, "profile", None)
        if profile is None:
            members[enrollment.user.username] = enrollment.pk
            continue
        members[profile.id_code] = enrollment.pk
        shown = shown_id_code(profile)
        if shown != profile.id_code:
            members[shown] = enrollment.pk if shown not in members else None
    return members


def attendance_sheet_validate(session: TrainingSession, path: str, name: str, *, viewer) -> SheetResult:
    """Read a whole attendance sheet; every bad row is reported, none is applied."""
    result = SheetResult()
    members = _sheet_members(session, viewer)
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
    for key in ("id_code", "present"):
        if key not in columns:
            result.add(1, key, _("This column is missing from the header row."))
    if result.errors:
        return result
    seen: dict[str, int] = {}
    for number, cells in rows:
        cells = list(cells) + [None] * (len(header) - len(cells))
        if not any(sheets.cell_text(c) for c in cells):
            continue
        id_code = sheets.cell_text(cells[columns["id_code"]])
        present = sheets.parse_bool(cells[columns["present"]])
        if not id_code:
            result.add(number, "id_code", _("The ID code is empty."))
        elif id_code not in members:
            result.add(number, "id_code", _("%(code)s is not a learner of this class.") % {"code": id_code})
        elif members[id_code] is None:
            result.add(number, "id_code", _("%(code)s fits several learners of this class: download the sheet "
                                            "of the class again and mark it.") % {"code": id_code})
        elif id_code in seen:
            result.add(number, "id_code", _("%(code)s already appears on row %(row)s.")
                       % {"code": id_code, "row": seen[id_code]})
        if present is None:
            result.add(number, "present", _("Write x or “có” for present, leave 0 or “vắng” for absent."))
        if id_code and members.get(id_code) is not None and id_code not in seen and present is not None:
            result.marks[members[id_code]] = present
        seen.setdefault(id_code, number)
    return result


def attendance_import(*, by, session: TrainingSession, path: str, name: str) -> SheetResult:
    """Validate the whole sheet, then record it in one go (or not at all)."""
    if not can_run_class(by, session.training_class):
        raise PermissionDenied(_("Only the class's trainer or a manager of its unit can record attendance."))
    result = attendance_sheet_validate(session, path, name, viewer=by)
    if not result.errors:
        attendance_record(by=by, session=session, marks=result.marks, source=Attendance.Source.IMPORT)
    return result


def self_paced_session_ensure(training_class: TrainingClass) -> TrainingSession:
    """A class of an online course held self-paced counts as one online activity over its dates."""
    session = training_class.sessions.filter(modality=Modality.ONLINE_SELF_PACED).first()
    if session is None:
        tz = timezone.get_current_timezone()
        session = TrainingSession.objects.create(
            training_class=training_class, title=training_class.title, modality=Modality.ONLINE_SELF_PACED,
            starts_at=dt.datetime.combine(training_class.starts_on, dt.time.min, tz),
            ends_at=dt.datetime.combine(training_class.ends_on, dt.time.max, tz))
    return session
