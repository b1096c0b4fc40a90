"""Downloading the certificates ZIP or the register (personal data of every listed learner) leaves
an event in the audit trail, naming who downloaded which file (lms.audit)."""
import pytest
from django.urls import reverse

from certificates import services
from lms.models import AuditAction, AuditEvent
from people.models import Role
from tests.factories import make_completed_enrollment, make_staff

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url_name, suffix, file_format", [
    ("certificates_admin_zip", ".zip", "zip"), ("certificates_admin_register", ".xlsx", "xlsx")])
def test_a_certificate_export_names_who_downloaded_it(client, province, learner, course, url_name, suffix,
                                                       file_format):
    # given
    services.certificate_issue(enrollment_id=make_completed_enrollment(learner, course).pk)
    manager = make_staff(Role.UNIT_MANAGER, province["dako"], username="dako.manager")
    client.force_login(manager)
    # when
    response = client.get(reverse(url_name))
    if response.streaming:
        b"".join(response.streaming_content)
    # then
    assert response.status_code == 200
    [event] = AuditEvent.objects.filter(action=AuditAction.CERTIFICATE_EXPORT)
    assert event.actor == manager and event.subject.endswith(suffix)
    assert event.details["format"] == file_format
