"""Every URL of the project, as every role, with the ids of rows the role may not see: no leak.

The URL patterns come from the URLconf (Wagtail's admin included), never from a hand list.
Each pattern's parameters get the id of an out-of-scope row of the model the address is
about (a person, a role, a unit... of a commune the visitor has nothing to do with), lists
are asked with ``?export=csv``/``?export=xlsx`` too, and bulk actions with ``id=all``. No
response, page, JSON, CSV or XLSX, may contain a canary value: that person's name, ID code,
date of birth (in any usual spelling), e-mail, phone or user name.

A pattern whose parameters the crawler does not know how to fill fails the test: a new
address must be classified here (``RULES``) before it can land, so it gets crawled too.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from lms.audit import record as audit_record
from people.models import Role
from people.services import role_assign
from tests.factories import (
    make_catalog, make_category, make_certificate_template, make_completed_enrollment, make_contest, make_course,
    make_profile, make_question, make_quiz, make_staff, make_survey, make_training_class, make_training_session,
    make_user,
)

pytestmark = pytest.mark.django_db

CANARY_NAME = "Canaryzq"          # the family-name part is ASCII so JSON's \u-escaping cannot hide it
CANARY_ID_CODE = "079193009971"
CANARY_BIRTH = dt.date(1933, 3, 21)
CANARY_EMAIL = "canaryzq@example.org"
CANARY_PHONE = "0909123457"
CANARY_USERNAME = "canaryzq.user"
CANARIES = [CANARY_NAME, CANARY_ID_CODE, CANARY_EMAIL, CANARY_PHONE, CANARY_USERNAME,
            "21/03/1933", "1933-03-21", "21-03-1933", "21.03.1933", "March 21, 1933", "21 tháng 3 năm 1933"]

# Addresses never crawled, each with its reason.
SKIPPED = {
    "admin/logout/": "ends the visitor's session",
    "accounts/logout/": "ends the visitor's session",
    "admin/failwhale/": "Wagtail's deliberate server-error page",
}

# Addresses that show a person's name to whoever holds a secret printed for that purpose: crawled (no
# server error allowed) but their canary names are expected.
DISCLOSED_BY_DESIGN = {
    "verify/<str:code>/": "a certificate's 128-bit verification code, printed on it, shows its holder's name",
    "api/v1/certificates/verify/<str:code>/": "the same verification, as JSON",
}

# How to fill parameters: (route regex, {parameter: canary key}); the first matching rule wins, then
# DEFAULTS by parameter name. Canary keys name rows of the ``world`` fixture.
RULES: list[tuple[str, dict[str, str]]] = [
    (r"^admin/snippets/choose/(?P<app>\w+)/(?P<model>\w+)/chosen/", {"pk": "snippet"}),
    (r"^admin/snippets/(?P<app>\w+)/(?P<model>\w+)/", {"pk": "snippet"}),
    (r"^admin/users/", {"pk": "user"}),
    (r"^admin/groups/", {"pk": "group"}),
    (r"^admin/sites/", {"pk": "site"}),
    (r"^admin/collections/", {"pk": "collection", "collection_id": "collection"}),
    (r"^admin/workflows/", {"pk": "workflow", "page_pk": "course", "workflow_pk": "workflow",
                            "task_id": "task", "app_label": "task_app", "model_name": "task_model"}),
    (r"^admin/redirects/", {"redirect_id": "none"}),
    (r"^admin/settings/", {"app_name": "none_word", "model_name": "none_word", "pk": "none"}),
    (r"^admin/forms/", {"page_id": "course"}),
    (r"^admin/editing-sessions/ping/", {"app_label": "profile_app", "model_name": "profile_model",
                                        "object_id": "profile", "session_id": "none"}),
    (r"^admin/editing-sessions/release/", {"session_id": "none"}),
    (r"^admin/bulk/", {"app_label": "bulk", "model_name": "bulk", "action": "bulk"}),
    (r"^admin/pages/(add|usage|create)/", {"content_type_app_name": "course_app",
                                           "content_type_model_name": "course_model",
                                           "app_label": "course_app", "model_name": "course_model"}),
    (r"^admin/tag-autocomplete/", {"app_name": "course_app", "model_name": "course_model"}),
    (r"^admin/roster/", {"pk": "roster"}),
    (r"^admin/audit-trail/", {"pk": "audit_event"}),
    (r"^admin/videos/", {"pk": "video"}),
    (r"^admin/assessments/bank/", {"pk": "category"}),
    (r"^admin/assessments/quiz-results/", {"pk": "quiz"}),
    (r"^admin/assessments/contest-results/", {"pk": "contest"}),
    (r"^admin/training/classes/", {"pk": "class"}),
    (r"^admin/training/sessions/", {"pk": "session"}),
    (r"^admin/training/requests/", {"pk": "enrollment"}),
    (r"^admin/training/enrolments/", {"pk": "enrollment"}),
    (r"^admin/certificates/", {"pk": "certificate"}),
    (r"^admin/api/main/", {"pk": "course", "action_name": "none_word"}),
    (r"^admin/images/", {"image_id": "image", "filter_spec": "filter_spec", "uploaded_file_id": "none"}),
    (r"^admin/documents/", {"document_id": "document", "doc_id": "document", "uploaded_file_id": "none"}),
    (r"^documents/", {"restriction_id": "none"}),
    (r"^assessments/(quizzes)/", {"pk": "quiz"}),
    (r"^assessments/attempts/", {"pk": "attempt"}),
    (r"^assessments/surveys/", {"pk": "survey"}),
    (r"^assessments/contests/", {"slug": "contest_slug", "number": "one", "token": "none_word"}),
    (r"^api/v1/enrollment/sessions/", {"pk": "session"}),
    (r"^api/v1/\^people/org-units", {"pk": "unit"}),
    (r"^api/v1/\^people/profiles", {"pk": "profile"}),
    (r"^api/v1/\^assessments/quizzes", {"pk": "quiz"}),
    (r"^api/v1/\^assessments/attempts", {"pk": "attempt"}),
    (r"^api/v1/\^courses/", {"pk": "course"}),
    (r"^learning/enrol/", {"course_id": "course"}),
    (r"^learning/withdraw/", {"enrollment_id": "enrollment"}),
    (r"^reports/csv/", {"table": "report_table"}),
    (r"^reports/exports/", {"pk": "report_export"}),
    (r"^certificates/", {"pk": "certificate"}),
    (r"^verify/", {"code": "certificate_code"}),
    (r"^api/v1/certificates/verify/", {"code": "certificate_code"}),
    (r"^video/<str:token>/", {"token": "none_word", "name": "none_word"}),
    (r"^video/", {"pk": "video"}),
    (r"^media-upload/tus/", {"upload_id": "uuid"}),
    (r"^_util/authenticate_with_password/", {"page_view_restriction_id": "none", "page_id": "course"}),
]
DEFAULTS = {
    "page_id": "course", "parent_page_id": "course", "page_to_move_id": "course", "destination_id": "course",
    "revision_id": "none", "revision_id_a": "earliest", "revision_id_b": "latest", "task_state_id": "none",
    "workflow_state_id": "none", "task_id": "task", "action_name": "none_word", "token": "none_word", "uidb64": "none_word",
    "format": "json", "pk": "none",
}
# Regex patterns with no named groups: a sample address each.
SAMPLES = {
    "admin/^.*/$": ["admin/no-such-page/"],
    "^((?:[\\w\\-]+/)*)$": ["", "khoa-hoc/"],
}


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


PARAM = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>|\(\?P<(?P<rname>\w+)>[^)]*\)")


@pytest.fixture
def world(province, django_capture_on_commit_callbacks, settings, tmp_path):
    """Visitors of Xã Tân An, and one person of Xã Đắk Ơ (out of their scope) carrying the canaries."""
    from django.contrib.auth.models import Group
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file
    from wagtail.documents.models import Document
    from wagtail.models import Collection, Site, Workflow, Task
    from django.core.files.base import ContentFile

    from certificates.models import Certificate

    here, there = province["tanan"], province["dako"]
    canary = make_user(CANARY_USERNAME, email=CANARY_EMAIL, first_name="Thị", last_name=f"Hoàng {CANARY_NAME}")
    profile = make_profile(there, f"Hoàng Thị {CANARY_NAME}", user=canary, id_code=CANARY_ID_CODE,
                           date_of_birth=CANARY_BIRTH, email=CANARY_EMAIL, phone=CANARY_PHONE)
    role = role_assign(user=canary, role=Role.TRAINER, org_unit=there)
    course = make_course(make_catalog(), title="Kỹ năng chuyển đổi số")
    settings.CERTIFICATE_SIGNING_KEY_FILE = str(tmp_path / "issuer.pem")
    with django_capture_on_commit_callbacks(execute=True):  # the certificate is issued on commit
        enrollment = make_completed_enrollment(canary, course)
    training_class = make_training_class(course, there, dt.date(2026, 3, 1))
    session = make_training_session(training_class, "in_person",
                                    dt.datetime(2026, 3, 1, 8, tzinfo=dt.timezone.utc))
    type(enrollment).objects.filter(pk=enrollment.pk).update(training_class=training_class)
    category = make_category(there)
    question = make_question(category)
    quiz = make_quiz(there, [question])
    contest = make_contest(there, [question])
    survey = make_survey(there)
    template = make_certificate_template(there)
    image = Image.objects.create(title="Con dấu", file=get_test_image_file())
    document = Document.objects.create(title="Tài liệu", file=ContentFile(b"%PDF-1.4", name="tai-lieu.pdf"))
    from assessments import services as assessment_services
    attempt = assessment_services.attempt_start(user=canary, quiz=quiz)
    certificate = Certificate.objects.filter(learner=canary).first()
    from lms.models import AuditEvent

    audit_record(action="person.view", actor=canary, subject=profile.full_name, subject_id=str(profile.pk),
                 unit_path=there.path)
    audit_event = AuditEvent.objects.filter(actor=canary).first()

    visitors = {
        "manager": make_staff(Role.UNIT_MANAGER, here, username="tanan.manager"),
        "trainer": make_staff(Role.TRAINER, here, username="tanan.trainer"),
        "learner": make_user("tanan.learner"),
        "anonymous": None,
    }
    make_profile(here, "Lê Văn Học", user=visitors["learner"])

    snippets = {"orgunit": there, "profile": profile, "roleassignment": role, "questioncategory": category,
                "question": question, "quiz": quiz, "contest": contest, "contestround": contest.rounds.first(),
                "survey": survey, "certificatetemplate": template, "phase": None}
    keys = {
        "user": canary.pk, "group": Group.objects.first().pk, "site": Site.objects.first().pk,
        "collection": Collection.objects.first().pk, "workflow": getattr(Workflow.objects.first(), "pk", 1),
        "task": getattr(Task.objects.first(), "pk", 1), "task_app": "wagtailcore", "task_model": "grouptask",
        "course": course.pk, "course_app": "courses", "course_model": "coursepage",
        "profile": profile.pk, "profile_app": "people", "profile_model": "profile", "unit": there.pk,
        "roster": 1, "video": 1, "category": category.pk, "quiz": quiz.pk, "contest": contest.pk,
        "contest_slug": contest.slug, "class": training_class.pk, "session": session.pk,
        "enrollment": enrollment.pk, "certificate": getattr(certificate, "pk", 1),
        "certificate_code": getattr(certificate, "code", "none"), "attempt": getattr(attempt, "pk", 1),
        "survey": survey.pk, "audit_event": audit_event.pk, "image": image.pk, "document": document.pk, "filter_spec": "original",
        "report_table": "units", "report_export": 1, "uuid": "00000000-0000-0000-0000-000000000001",
        "none": 999999, "none_word": "none", "one": 1, "earliest": "earliest", "latest": "latest", "json": "json",
    }
    return {"visitors": visitors, "snippets": snippets, "keys": keys}


def _bulk_urls(world) -> list[str]:
    from wagtail.admin.views.bulk_action.registry import bulk_action_registry

    bulk_action_registry._scan_for_bulk_actions()
    urls = []
    for app_label, models in bulk_action_registry.actions.items():
        for model_name, actions in models.items():
            row = world["snippets"].get(model_name)
            for action in actions:
                base = f"/admin/bulk/{app_label}/{model_name}/{action}/"
                urls.append(base + "?id=all")
                if row is not None:
                    urls.append(f"{base}?id={row.pk}")
    return urls


def _fill(route: str, world) -> list[str] | None:
    """Addresses for ``route`` (None: a parameter nobody classified)."""
    if route in SAMPLES:
        return ["/" + sample for sample in SAMPLES[route]]
    if route.startswith("admin/bulk/"):
        return _bulk_urls(world)
    rule = next(((re.match(regex, route), mapping) for regex, mapping in RULES if re.match(regex, route)),
                (None, {}))
    match, mapping = rule
    values = {}
    for found in PARAM.finditer(route):
        name = found.group("name") or found.group("rname")
        key = mapping.get(name) or DEFAULTS.get(name)
        if key is None:
            return None
        if key == "snippet":
            row = world["snippets"].get(match.group("model")) if match else None
            if row is None:
                if match and match.group("model") in world["snippets"]:
                    values[found.group(0)] = "999999"
                    continue
                return None
            values[found.group(0)] = str(row.pk)
        else:
            values[found.group(0)] = str(world["keys"][key])
    address = route
    for placeholder, value in values.items():
        address = address.replace(placeholder, value, 1)
    address = address.replace("^", "").replace("$", "").replace("\\", "")
    address = address.replace(".json/?", ".json")
    return ["/" + address]


def _text(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body[:2] == b"PK":  # XLSX, ZIP: the text of every member
        try:
            with zipfile.ZipFile(io.BytesIO(body)) as archive:
                return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
        except zipfile.BadZipFile:
            pass
    return body.decode("utf-8", "replace")


def _addresses(world) -> tuple[list[tuple[str, str]], list[str]]:
    """(address, route) of every crawled address, and the routes nobody classified."""
    addresses, unclassified = [], []
    for route in _walk(get_resolver().url_patterns):
        if route in SKIPPED:
            continue
        filled = _fill(route, world)
        if filled is None:
            unclassified.append(route)
            continue
        for address in filled:
            addresses.append((address, route))
            if route.endswith("/") and "<" not in route and route.startswith("admin/snippets/") \
                    and not route.startswith("admin/snippets/choose/"):
                addresses += [(f"{address}?{query}", route)
                              for query in ("export=csv", "export=xlsx", "q=Ho%C3%A0ng")]
    return addresses, unclassified


def test_every_url_pattern_is_classified(world):
    _crawled, unclassified = _addresses(world)
    assert unclassified == [], "classify these URL patterns in tests/lms/test_permission_crawl.py"


@pytest.mark.parametrize("role", ["manager", "trainer", "learner", "anonymous"])
def test_no_role_reads_another_unit_s_person_anywhere(client, world, role):
    from tests.factories import login_verified

    visitor = world["visitors"][role]
    if visitor is not None:
        login_verified(client, visitor) if role == "manager" else client.force_login(visitor)
    client.raise_request_exception = False
    addresses, _unclassified = _addresses(world)
    leaks, errors = [], []
    for address, route in addresses:
        response = client.get(address)
        if response.status_code >= 500:
            errors.append(f"{address}: {response.status_code}")
            continue
        if route in DISCLOSED_BY_DESIGN:
            continue
        text = _text(response)
        found = [canary for canary in CANARIES if canary in text]
        if found:
            leaks.append(f"{address} ({response.status_code}): {', '.join(found)}")
    assert leaks == [], "\n".join(leaks)
    assert errors == [], "\n".join(errors)


def test_the_crawler_sees_a_leak_when_there_is_one(client, world):
    """The control: the crawl covers the whole URLconf, and the canaries are found where they belong
    (the person's own profile page, the department admin's edit form), so an empty leak list means
    something."""
    from django.contrib.auth import get_user_model

    from tests.factories import login_verified, make_staff

    addresses, _unclassified = _addresses(world)
    assert len(addresses) > 450
    client.force_login(get_user_model().objects.get(username=CANARY_USERNAME))
    own = _text(client.get("/accounts/profile/"))
    assert CANARY_NAME in own and CANARY_ID_CODE in own
    profile = world["snippets"]["profile"]
    login_verified(client, make_staff(Role.DEPARTMENT_ADMIN, profile.org_unit))
    edit = _text(client.get(f"/admin/snippets/people/profile/edit/{profile.pk}/"))
    assert CANARY_ID_CODE in edit and "1933-03-21" in edit
