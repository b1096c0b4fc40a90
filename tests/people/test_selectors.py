"""Org-scope rules: who sees which units and people."""
import pytest

from people.models import OrgUnit, Profile, Role
from people.selectors import can_manage_unit, scope_queryset, visible_org_units, visible_profiles
from tests.factories import make_profile, make_staff, make_user

pytestmark = pytest.mark.django_db


def codes(qs):
    return sorted(unit.code for unit in qs)


def test_unit_manager_sees_own_subtree_and_nothing_else(province):
    # given a manager of Xã Đắk Ơ (which has a hamlet below it)
    manager = make_staff(Role.UNIT_MANAGER, province["dako"])
    # then
    assert codes(visible_org_units(manager)) == ["THON-3", "XA-DAKO"]
    assert can_manage_unit(manager, province["hamlet"])
    assert not can_manage_unit(manager, province["tanan"])
    assert not can_manage_unit(manager, province["province"])


def test_department_admin_sees_the_whole_province(province):
    admin = make_staff(Role.DEPARTMENT_ADMIN, province["province"])
    assert visible_org_units(admin).count() == OrgUnit.objects.count() == 6


def test_learner_and_trainer_manage_nothing(province):
    learner = make_user()
    trainer = make_staff(Role.TRAINER, province["justice"])
    assert visible_org_units(learner).count() == 0
    assert visible_org_units(trainer).count() == 0
    # a trainer's subtree is visible when the caller asks for the trainer role explicitly
    assert codes(visible_org_units(trainer, roles=[Role.TRAINER])) == ["SO-TP"]


def test_visible_profiles_are_scoped_and_include_ones_own(province):
    manager = make_staff(Role.UNIT_MANAGER, province["dako"])
    own = make_profile(province["tanan"], "Lê Thị Ngọc Ánh", user=manager)
    in_hamlet = make_profile(province["hamlet"], "Đặng Văn Ước")
    make_profile(province["tanan"], "Nguyễn Thị Hường")
    assert set(visible_profiles(manager)) == {own, in_hamlet}


def test_scope_queryset_follows_relation_paths(province):
    manager = make_staff(Role.UNIT_MANAGER, province["tanan"])
    inside = make_profile(province["tanan"])
    make_profile(province["dako"])
    scoped = scope_queryset(Profile.objects.all(), manager, unit_field="org_unit")
    assert list(scoped) == [inside]


def test_two_managed_subtrees_add_up(province):
    manager = make_staff(Role.UNIT_MANAGER, province["tanan"])
    from people.services import role_assign

    role_assign(user=manager, role=Role.UNIT_MANAGER, org_unit=province["dako"])
    manager = type(manager).objects.get(pk=manager.pk)  # drop the per-request cache
    assert codes(visible_org_units(manager)) == ["THON-3", "XA-DAKO", "XA-TANAN"]
