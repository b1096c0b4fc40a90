"""Exporting quiz or contest results (names, units, phones of the people who took part) leaves an
event in the audit trail, naming who exported which file (lms.audit)."""
import pytest
from django.urls import reverse

from lms.models import AuditAction, AuditEvent
from people.models import Role
from tests.factories import make_category, make_contest, make_question, make_quiz, make_staff

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url_name, suffix", [
    ("assessments_quiz_results_xlsx", ".xlsx"), ("assessments_quiz_results_csv", ".csv")])
def test_a_quiz_results_export_names_who_exported_it(client, province, login_verified, url_name, suffix):
    # given
    quiz = make_quiz(province["justice"], [make_question(make_category(province["justice"]))])
    admin = make_staff(Role.DEPARTMENT_ADMIN, province["province"], "so.admin")
    login_verified(admin)
    # when
    response = client.get(reverse(url_name, args=[quiz.pk]))
    # then
    assert response.status_code == 200
    [event] = AuditEvent.objects.filter(action=AuditAction.RESULTS_EXPORT)
    assert (event.actor, event.subject_id) == (admin, str(quiz.pk)) and event.subject.endswith(suffix)


def test_a_contest_results_export_names_who_exported_it(client, province):
    # given
    contest = make_contest(province["justice"], [make_question(make_category(province["justice"]), "true_false")])
    manager = make_staff(Role.UNIT_MANAGER, province["justice"], "sotp.ql")
    client.force_login(manager)
    # when
    response = client.get(reverse("assessments_contest_export", args=[contest.pk]))
    # then
    assert response.status_code == 200
    [event] = AuditEvent.objects.filter(action=AuditAction.RESULTS_EXPORT)
    assert (event.actor, event.subject, event.subject_id) == (manager, f"ket-qua-{contest.slug}.xlsx", str(contest.pk))
