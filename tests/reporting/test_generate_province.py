"""manage.py generate_province: a province-sized dataset (here a small one) that the reports read right."""
import pytest
from django.core.management import CommandError, call_command
from django.db.models import Q

from enrollment.models import Attendance, Enrollment
from people.models import OrgUnit, Profile, ProfileMembership, Role
from reporting.periods import period_from_key
from reporting.province import ROOT_CODE
from reporting.selectors import dashboard
from tests.factories import make_staff

pytestmark = pytest.mark.django_db


def test_a_small_province_is_generated_once_and_the_dashboard_agrees_with_plain_counts(capsys):
    call_command("generate_province", people=400, units=40, courses=8, seed=7)
    assert "400" in capsys.readouterr().out
    root = OrgUnit.objects.get(code=ROOT_CODE)
    assert OrgUnit.objects.filter(path__startswith=root.path).count() == 40
    people = Profile.objects.filter(org_unit__path__startswith=root.path)
    assert people.count() == 400
    assert ProfileMembership.objects.filter(profile__in=people).exists()  # some moved or left
    assert Enrollment.objects.filter(user__profile__in=people).count() > 2000
    assert Attendance.objects.exists()
    with pytest.raises(CommandError):
        call_command("generate_province", people=10)

    admin = make_staff(Role.DEPARTMENT_ADMIN, root)
    year = period_from_key("2026")
    from django.utils import timezone

    now = timezone.now()
    board = dashboard(user=admin, period=year, now=now)
    # the same figures by plain ORM counts (nobody's history covers "now": moves were in the past)
    population = people.filter(in_target_population=True, is_active=True, created_at__lt=now)
    since, until = year.since, year.effective_until(now)
    completed = Enrollment.objects.filter(
        status="completed", completed_at__gte=since, completed_at__lt=until, counted_toward_target=True,
        completion_revoked_at__isnull=True).values("user_id")
    attended = Attendance.objects.filter(
        present=True, session__starts_at__gte=since, session__starts_at__lt=until,
        session__training_class__course__counts_toward_target=True,
        enrollment__completion_revoked_at__isnull=True).values("enrollment__user_id")
    trained = population.filter(Q(user_id__in=completed) | Q(user_id__in=attended))
    assert (board.node.figures.population, board.node.figures.trained) == (population.count(), trained.count())
    assert 0 < board.node.figures.trained < board.node.figures.population
    assert sum(child.figures.population for child in board.children) == population.count()
