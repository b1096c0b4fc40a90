"""The whole REST API, fuzzed from its own schema (/api/schema/) with schemathesis, as a learner,
a unit manager and a department admin: no request, however malformed, answers 500.

Bounded (a few examples per operation and role, no shrinking) so it runs in `make test` in
about a minute; each request runs in a savepoint that is rolled back, so the examples do not
change the data the next one sees. On PostgreSQL in CI (DATABASE_URL) as on SQLite.
"""
import json
import traceback
from urllib.parse import urlencode

import pytest
import schemathesis
from django.db import transaction
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.core import NOT_SET

from enrollment import services as enrollment_services
from people.models import Role
from tests.factories import (login_verified, make_catalog, make_course, make_enrollment_row, make_lesson,
                             make_module, make_profile, make_staff, make_user)

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = 12


@pytest.fixture
def clients(province):
    """A learner (enrolled, in a class with a session), the manager of their commune, a department admin."""
    import datetime as dt

    course = make_course(make_catalog(), title="Khóa kiểm thử API", enrolment_policy="approval")
    make_lesson(make_module(course))
    manager = make_staff(Role.UNIT_MANAGER, province["tanan"], username="tanan.quanly")
    learner = make_profile(province["tanan"], full_name="Nguyễn Thị Hường", user=make_user()).user
    make_enrollment_row(learner, course)
    today = timezone.localdate()
    klass = enrollment_services.class_create(
        by=manager, course=course, title="Lớp kiểm thử", org_unit=province["tanan"], starts_on=today,
        ends_on=today + dt.timedelta(days=7), trainer=manager)
    enrollment_services.session_create(
        by=manager, training_class=klass, title="Buổi 1", modality="in_person", place="Hội trường",
        starts_at=timezone.now() + dt.timedelta(days=1), ends_at=timezone.now() + dt.timedelta(days=1, hours=2))
    roles = {}
    for name, user in (("learner", learner), ("unit manager", manager),
                       ("department admin", make_staff(Role.DEPARTMENT_ADMIN, province["justice"]))):
        client = Client()
        if name == "department admin":
            login_verified(client, user)
        else:
            client.force_login(user)
        roles[name] = client
    return roles


def _send(client: Client, case) -> tuple[int, str]:
    """One generated request through Django's test client; (status, what went wrong)."""
    query = urlencode(case.query or {}, doseq=True)
    extra = {"QUERY_STRING": query}
    data, content_type = b"", "application/octet-stream"
    if case.body is not NOT_SET:
        if case.media_type and "json" in case.media_type:
            data, content_type = json.dumps(case.body, default=repr), "application/json"
        elif isinstance(case.body, dict):
            data, content_type = urlencode(case.body, doseq=True), "application/x-www-form-urlencoded"
        else:
            data, content_type = case.body if isinstance(case.body, bytes) else str(case.body), case.media_type
    try:
        with transaction.atomic():
            response = client.generic(case.method, case.formatted_path, data=data, content_type=content_type,
                                      **extra)
            transaction.set_rollback(True)
    except Exception:  # noqa: BLE001 - the test client re-raises what the view raised: a 500
        return 500, traceback.format_exc(limit=-4)
    return response.status_code, response.content[:300].decode(errors="replace")


sent: list[int] = []


def _fuzz(operation, role: str, client: Client, failures: list[str]) -> None:
    @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=st.one_of(operation.as_strategy(GenerationMode.POSITIVE),
                           operation.as_strategy(GenerationMode.NEGATIVE)))
    def run(case):
        sent.append(1)
        status, detail = _send(client, case)
        if status >= 500:
            failures.append(f"{role}: {case.method} {case.formatted_path}?{urlencode(case.query or {})} "
                            f"body={case.body!r:.200} -> {status}\n{detail}")

    run()


def test_no_request_to_the_api_answers_500(clients):
    schema_client = clients["learner"]
    raw = schema_client.get("/api/schema/", {"format": "json"})
    assert raw.status_code == 200
    schema = schemathesis.openapi.from_dict(raw.json())
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 20  # the whole API, not a part of it
    for operation in operations:
        for role, client in clients.items():
            _fuzz(operation, role, client, failures)
    assert len(sent) > len(operations) * len(clients) * 5  # examples were sent, not all filtered out
    assert not failures, f"{len(failures)} requests answered 500:\n" + "\n".join(failures[:15])
