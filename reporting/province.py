"""A province-sized dataset for benchmarks and demos (``manage.py generate_province``).

By default 300 org units, 120 courses, 50,000 people and about 500,000 enrolments
with a year of completions, classes, sessions, attendance and survey answers,
ending now. Written with ``bulk_create`` in batches (a few minutes on
PostgreSQL); deterministic for a given seed. It writes the other apps' tables
directly, as a fixture maker must; the platform itself never does.

Edge cases are in on purpose: people who moved unit or left during the year
(past memberships), courses that stopped counting toward the target, revoked
completions, people without an account, units with nobody in them.
"""
from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import connection, models, transaction
from django.utils import timezone

from assessments.models import Survey, SurveyAnswer, SurveyItem, SurveyResponse
from courses.models import CoursePage, Modality as CourseModality, Topic
from courses.services import catalog_ensure
from enrollment.models import Attendance, Enrollment, Modality, TrainingClass, TrainingSession
from lms.pages import home_page_ensure
from people.models import Area, Category, OrgUnit, Profile, ProfileMembership

ROOT_CODE = "GEN-TINH"
BATCH = 5000
AGENCIES = ["Sở Tư pháp", "Sở Nội vụ", "Sở Tài chính", "Sở Xây dựng", "Sở Y tế", "Sở Giáo dục và Đào tạo",
            "Sở Công Thương", "Sở Nông nghiệp và Môi trường", "Sở Khoa học và Công nghệ",
            "Sở Văn hóa, Thể thao và Du lịch", "Sở Dân tộc và Tôn giáo", "Thanh tra tỉnh", "Công an tỉnh",
            "Bộ Chỉ huy Quân sự tỉnh", "Bộ Chỉ huy Bộ đội Biên phòng tỉnh", "Văn phòng UBND tỉnh",
            "Ban Quản lý các khu công nghiệp", "Đài Phát thanh và Truyền hình", "Báo tỉnh", "Hội Luật gia tỉnh"]
SYLLABLES = ["An", "Bình", "Phú", "Tân", "Hòa", "Thạnh", "Long", "Phước", "Mỹ", "Đông", "Tây", "Nam", "Bắc",
             "Hưng", "Thuận", "Lộc", "Quảng", "Đắk", "Ea", "Mường", "Sơn", "Lâm", "Xuân", "Vĩnh", "Khánh"]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ",
            "Ngô", "Dương", "Lý", "H'", "Y", "Ksor", "Rơ Châm"]
MIDDLE = ["Thị", "Văn", "Hữu", "Minh", "Ngọc", "Thanh", "Đức", "Quốc", "Thu", "Xuân", "Thùy", "Công"]
GIVEN = ["Hường", "Ước", "An", "Bình", "Cường", "Dũng", "Giang", "Hạnh", "Hiếu", "Khánh", "Lan", "Linh", "Mai",
         "Nghĩa", "Oanh", "Phúc", "Quyên", "Sơn", "Thảo", "Trang", "Tuấn", "Uyên", "Việt", "Yến", "Đạt", "Ơn"]
STAFF = [Category.CBCCVC] * 5 + [Category.LLVT, Category.LEGAL_REPORTER, Category.LEGAL_REPORTER,
                                 Category.LEGAL_PROPAGANDIST, Category.LEGAL_PROPAGANDIST,
                                 Category.GRASSROOTS_MEDIATOR, Category.TEACHER]


@dataclass
class Summary:
    units: int = 0
    courses: int = 0
    people: int = 0
    accounts: int = 0
    enrollments: int = 0
    completions: int = 0
    classes: int = 0
    sessions: int = 0
    attendance: int = 0
    responses: int = 0
    moved: int = 0


class AlreadyGenerated(Exception):
    pass


def _write(model, objects: list, *, with_ids: bool = False) -> None:
    """Insert ``objects``: PostgreSQL's COPY (several times faster than INSERT at this size), else
    ``bulk_create``. Values go through each field's own preparation, so defaults and new fields of
    the model are handled as ``bulk_create`` would. ``with_ids`` reserves primary keys first."""
    if not objects:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objects, batch_size=BATCH)
        return
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if with_ids:
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                           [table, len(objects)])
            for obj, (pk,) in zip(objects, cursor.fetchall()):
                obj.pk = pk
        fields = [f for f in model._meta.concrete_fields if with_ids or not f.primary_key]
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)

        # psycopg adapts plain values itself; only fields that need Django's preparation get it (and
        # fields with their own conversion: the encrypted identifiers of people.crypto)
        prepared = {f.attname for f in fields
                    if f.get_internal_type() in ("JSONField", "UUIDField") or hasattr(f, "from_db_value")}
        # fields that compute their value on save: timestamps, the ID code's blind index
        stamped = [f for f in fields if type(f).pre_save is not models.Field.pre_save]
        names = [f.attname for f in fields]
        by_name = {f.attname: f for f in fields}
        with cursor.cursor.copy(f"COPY {connection.ops.quote_name(table)} ({columns}) FROM STDIN") as copy:
            for obj in objects:
                for field in stamped:
                    if getattr(obj, field.attname) in (None, ""):  # the blind index defaults to ""
                        field.pre_save(obj, True)
                copy.write_row([by_name[name].get_db_prep_save(getattr(obj, name), connection)
                                if name in prepared else getattr(obj, name) for name in names])


def _unit_name(rng: random.Random, used: set[str], prefix: str) -> str:
    while True:
        name = f"{prefix} {rng.choice(SYLLABLES)} {rng.choice(SYLLABLES)}"
        if name not in used:
            used.add(name)
            return name


def _units(rng: random.Random, count: int) -> list[dict]:
    """The tree as rows with materialised paths (node_order_by is name: siblings in name order)."""
    last_root = OrgUnit.get_last_root_node()
    root_path = OrgUnit._get_path(None, 1, (OrgUnit._str2int(last_root.path) + 1) if last_root else 1)
    root = {"name": "UBND tỉnh Bình Sơn (dữ liệu mẫu)", "code": ROOT_CODE, "level_name": "Tỉnh", "path": root_path,
            "depth": 1, "area": Area.URBAN, "ethnic": False, "children": []}
    used: set[str] = set()
    agencies = [{"name": name, "level_name": "Sở, ban, ngành", "area": Area.URBAN, "ethnic": False, "children": []}
                for name in AGENCIES]
    communes = []
    remaining = count - 1 - len(agencies)
    commune_count = max(1, remaining * 5 // 9)
    for number in range(commune_count):
        urban = number % 6 == 0
        communes.append({"name": _unit_name(rng, used, "Phường" if urban else "Xã"), "level_name": "Xã, phường",
                         "area": Area.URBAN if urban else Area.RURAL, "ethnic": number % 4 == 1, "children": []})
    remaining -= commune_count
    parents = agencies + communes
    for number in range(remaining):
        parent = parents[number % len(parents)]
        is_agency = parent in agencies
        name = (f"Phòng {number // len(parents) + 1} — {parent['name']}" if is_agency
                else f"Thôn {number // len(parents) + 1} {parent['name'][4:]}")
        parent["children"].append({"name": name, "level_name": "Phòng" if is_agency else "Thôn, tổ dân phố",
                                   "area": parent["area"], "ethnic": parent["ethnic"], "children": []})
    root["children"] = agencies + communes
    rows, serial = [], 0

    def place(node, path, depth):
        nonlocal serial
        node.update(path=path, depth=depth)
        if depth > 1:
            serial += 1
            node["code"] = f"GEN-{serial:04d}"
        rows.append(node)
        for position, child in enumerate(sorted(node["children"], key=lambda n: n["name"]), start=1):
            place(child, OrgUnit._get_path(path, depth + 1, position), depth + 1)

    place(root, root_path, 1)
    return rows


def _courses(rng: random.Random, count: int, summary: Summary) -> list[dict]:
    catalog = catalog_ensure(parent=home_page_ensure(), title="Khóa học", slug="khoa-hoc")
    courses = []
    topics = [Topic.DIGITAL_TRANSFORMATION] * 6 + [Topic.LEGAL_REPORTER_SKILLS, Topic.GRASSROOTS_MEDIATION,
                                                   Topic.SME_LEGAL_SUPPORT, Topic.LAW_KNOWLEDGE]
    for number in range(1, count + 1):
        topic = topics[number % len(topics)]
        modality = rng.choices([CourseModality.ONLINE, CourseModality.BLENDED, CourseModality.IN_PERSON],
                               [6, 2, 2])[0]
        counts = topic == Topic.DIGITAL_TRANSFORMATION or number % 7 == 0
        title = f"Khóa {number:03d}: " + ("Kỹ năng số trong phổ biến pháp luật" if counts else "Pháp luật chuyên đề")
        page = catalog.add_child(instance=CoursePage(
            title=title, slug=f"khoa-mau-{number:03d}", summary=f"Khóa học mẫu số {number} (dữ liệu sinh tự động).",
            topic=topic, modality=modality, counts_toward_target=counts))
        # every 15th counting course stops counting two-thirds into the year
        stops = counts and number % 15 == 0
        courses.append({"id": page.pk, "modality": modality, "counts": counts, "stops": stops})
    summary.courses = count
    return courses


def generate(*, people: int = 50000, units: int = 300, courses: int = 120, enrolments_per_person: float = 11.5,
             seed: int = 2026, now: dt.datetime | None = None, log: Callable[[str], None] = lambda _m: None
             ) -> Summary:
    """Create the dataset; raises AlreadyGenerated when its province exists."""
    if OrgUnit.objects.filter(code=ROOT_CODE).exists():
        raise AlreadyGenerated(ROOT_CODE)
    rng = random.Random(seed)
    now = now or timezone.now()
    year_ago = now - dt.timedelta(days=365)
    stop_at = year_ago + dt.timedelta(days=243)
    summary = Summary()
    User = get_user_model()

    with transaction.atomic():
        tree = _units(rng, units)
        unit_objs = [OrgUnit(name=n["name"], code=n["code"], level_name=n["level_name"], path=n["path"],
                             depth=n["depth"], numchild=len(n["children"])) for n in tree]
        OrgUnit.objects.bulk_create(unit_objs, batch_size=BATCH)
        ids = dict(OrgUnit.objects.filter(code__startswith="GEN-").values_list("code", "id"))
        for node in tree:
            node["id"] = ids[node["code"]]
        summary.units = len(tree)
        log(f"units: {summary.units}")
        course_rows = _courses(rng, courses, summary)
        log(f"courses: {summary.courses}")

    # People: most in communes and agencies; a few units stay empty on purpose.
    homes = [n for n in tree if n["depth"] > 1][:-3]
    weights = [3 if n["level_name"] == "Xã, phường" else 2 if n["depth"] == 2 else 1 for n in homes]
    people_rows = []
    for number in range(people):
        home = rng.choices(homes, weights)[0]
        category = rng.choice(STAFF) if number % 12 else rng.choice([Category.CITIZEN, Category.BUSINESS])
        people_rows.append({
            "number": number, "unit": home, "category": category,
            "target": category not in (Category.CITIZEN, Category.BUSINESS) and number % 50 != 7,
            "account": number % 10 != 3,
            "joined": year_ago - dt.timedelta(days=30) if number % 20 else year_ago + dt.timedelta(
                days=rng.randint(0, 330)),
        })
    accounts = [row for row in people_rows if row["account"]]
    with transaction.atomic():
        users = [User(username=f"gen{row['number']:07d}", password="!", is_active=True) for row in accounts]
        _write(User, users, with_ids=True)
        for row, user in zip(accounts, users):
            row["user_id"] = user.pk
        summary.accounts = len(accounts)
        # 2 % moved unit in the middle of the year, 0.5 % left: their earlier stretch is history
        memberships = []
        for row in people_rows:
            row["active"] = True
            if row["number"] % 50 == 11 or row["number"] % 200 == 13:
                changed_at = year_ago + dt.timedelta(days=rng.randint(60, 300))
                if changed_at <= row["joined"]:
                    continue
                row["history"] = (row["unit"], changed_at)
                if row["number"] % 50 == 11:
                    row["unit"] = rng.choice(homes)
                    summary.moved += 1
                else:
                    row["active"] = False
        profiles = []
        for row in people_rows:
            unit = row["unit"]
            profiles.append(Profile(
                full_name=f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
                id_code=f"GEN{row['number']:09d}", org_unit_id=unit["id"], category=row["category"],
                area=unit["area"], ethnic_minority_area=unit["ethnic"], in_target_population=row["target"],
                user_id=row.get("user_id"), is_active=row["active"], created_at=row["joined"],
                updated_at=row["joined"]))
        _write(Profile, profiles, with_ids=True)
        if connection.vendor != "postgresql":  # bulk_create set created_at to now
            for row, profile in zip(people_rows, profiles):
                row["profile_id"] = profile.pk
            by_joined: dict[dt.datetime, list[int]] = {}
            for row in people_rows:
                by_joined.setdefault(row["joined"], []).append(row["profile_id"])
            for joined, pks in by_joined.items():
                Profile.objects.filter(pk__in=pks).update(created_at=joined)
        for row, profile in zip(people_rows, profiles):
            row["profile_id"] = profile.pk
            if "history" in row:
                old, changed_at = row["history"]
                memberships.append(ProfileMembership(
                    profile_id=profile.pk, org_unit_id=old["id"], category=row["category"], area=old["area"],
                    ethnic_minority_area=old["ethnic"], in_target_population=row["target"], is_active=True,
                    valid_from=row["joined"], valid_to=changed_at))
        _write(ProfileMembership, memberships)
        summary.people = len(people_rows)
        log(f"people: {summary.people} ({summary.accounts} with an account, {summary.moved} moved)")

    # Classes and sessions: about five runs of each course over the year, in random units.
    organisers = [n for n in tree if n["depth"] <= 2]
    classes_by_course: dict[int, list[dict]] = {}
    with transaction.atomic():
        class_objs, meta = [], []
        for course in course_rows:
            for run in range(5):
                starts = (year_ago + dt.timedelta(days=rng.randint(0, 330))).date()
                organiser = rng.choice(organisers)
                class_objs.append(TrainingClass(course_id=course["id"], title=f"Lớp {run + 1} — khóa {course['id']}",
                                                org_unit_id=organiser["id"], starts_on=starts,
                                                ends_on=starts + dt.timedelta(days=30)))
                meta.append(course)
        TrainingClass.objects.bulk_create(class_objs, batch_size=BATCH)
        session_objs = []
        tz = timezone.get_current_timezone()
        for training_class, course in zip(class_objs, meta):
            start = dt.datetime.combine(training_class.starts_on, dt.time(8), tz)
            kinds = {CourseModality.ONLINE: [Modality.ONLINE_SELF_PACED],
                     CourseModality.BLENDED: [Modality.ONLINE_SELF_PACED, Modality.ONLINE_LIVE, Modality.IN_PERSON],
                     CourseModality.IN_PERSON: [Modality.IN_PERSON, Modality.IN_PERSON, Modality.IN_PERSON]
                     }[course["modality"]]
            for offset, kind in enumerate(kinds):
                at = start + dt.timedelta(days=7 * offset)
                session_objs.append(TrainingSession(training_class=training_class, title=f"Buổi {offset + 1}",
                                                    modality=kind, starts_at=at, ends_at=at + dt.timedelta(hours=3),
                                                    place="Hội trường" if kind == Modality.IN_PERSON else ""))
            classes_by_course.setdefault(course["id"], []).append({"id": training_class.pk, "sessions": []})
        TrainingSession.objects.bulk_create(session_objs, batch_size=BATCH)
        entries = {entry["id"]: entry for runs in classes_by_course.values() for entry in runs}
        for session in session_objs:
            if session.modality != Modality.ONLINE_SELF_PACED:  # self-paced sessions take no attendance
                entries[session.training_class_id]["sessions"].append((session.pk, session.starts_at))
        summary.classes, summary.sessions = len(class_objs), len(session_objs)
        log(f"classes: {summary.classes}, sessions: {summary.sessions}")

    # Enrolments: each person with an account in about a dozen distinct courses.
    per_person = max(1, round(enrolments_per_person * people / max(len(accounts), 1)))
    course_by_id = {c["id"]: c for c in course_rows}
    course_ids = list(course_by_id)
    buffer: list[Enrollment] = []

    def flush() -> None:
        if not buffer:
            return
        _write(Enrollment, buffer, with_ids=True)
        rows = []
        for enrollment in buffer:
            sessions = getattr(enrollment, "_sessions", ())
            for session_id, starts_at in sessions:
                if starts_at < now:
                    rows.append(Attendance(session_id=session_id, enrollment_id=enrollment.pk,
                                           present=rng.random() < 0.85))
        _write(Attendance, rows)
        summary.attendance += len(rows)
        summary.enrollments += len(buffer)
        buffer.clear()

    with transaction.atomic():
        for row in accounts:
            for course_id in rng.sample(course_ids, min(per_person + rng.randint(-3, 3), len(course_ids))):
                course = course_by_id[course_id]
                in_class = course["modality"] != CourseModality.ONLINE or rng.random() < 0.3
                entry = rng.choice(classes_by_course[course_id]) if in_class else None
                enrollment = Enrollment(user_id=row["user_id"], course_id=course_id, status=Enrollment.Status.ACTIVE,
                                        training_class_id=entry["id"] if entry else None)
                roll = rng.random()
                if roll < 0.42:
                    completed = max(row["joined"], year_ago) + dt.timedelta(seconds=rng.randint(0, 360 * 86400))
                    if completed < now:
                        enrollment.status, enrollment.completed_at = Enrollment.Status.COMPLETED, completed
                        enrollment.completion_modality = {
                            CourseModality.ONLINE: Modality.ONLINE_SELF_PACED,
                            CourseModality.BLENDED: Modality.BLENDED,
                            CourseModality.IN_PERSON: Modality.IN_PERSON}[course["modality"]]
                        enrollment.counted_toward_target = course["counts"] and not (
                            course["stops"] and completed >= stop_at)
                        if rng.random() < 0.004:
                            enrollment.completion_revoked_at = completed + dt.timedelta(days=10)
                            enrollment.completion_revoked_reason = "Dữ liệu mẫu: thu hồi"
                        summary.completions += 1
                elif roll > 0.96:
                    enrollment.status = Enrollment.Status.WITHDRAWN
                if entry:
                    enrollment._sessions = entry["sessions"]
                buffer.append(enrollment)
            if len(buffer) >= 20000:
                flush()
                log(f"enrolments: {summary.enrollments}")
        flush()
        # the courses that stopped counting: set so now (completions before keep their frozen flag)
        CoursePage.objects.filter(pk__in=[c["id"] for c in course_rows if c["stops"]]).update(
            counts_toward_target=False)
    log(f"enrolments: {summary.enrollments}, completions: {summary.completions}, attendance: {summary.attendance}")

    with transaction.atomic():
        survey = Survey.objects.create(title="Khảo sát mức độ hài lòng (dữ liệu mẫu)", org_unit_id=tree[0]["id"])
        overall = SurveyItem.objects.create(survey=survey, sort_order=0, is_overall=True,
                                            text="Nhìn chung, anh/chị hài lòng với nền tảng?")
        responses = []
        for number in range(max(1, people // 4)):
            person = rng.choice(people_rows)
            responses.append(SurveyResponse(survey=survey, subject_key=f"course:{rng.choice(course_ids)}",
                                            respondent_hash=f"gen-{number}", org_unit_id=person["unit"]["id"],
                                            submitted_at=year_ago + dt.timedelta(seconds=rng.randint(0, 364 * 86400))))
        _write(SurveyResponse, responses, with_ids=True)
        _write(SurveyAnswer, [SurveyAnswer(response_id=r.pk, item=overall, value=rng.choice([2, 3, 4, 4, 5, 5]))
                              for r in responses])
        summary.responses = len(responses)
    log(f"survey responses: {summary.responses}")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # fresh statistics after a bulk load, or the planner guesses
            cursor.execute("ANALYZE")
    return summary
