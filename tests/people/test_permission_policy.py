"""The findings of the attack on the admin (issue 13, finding 1), each pinned: a unit manager or a
trainer reads nobody's ID code or date of birth outside their subtree through Wagtail's generic
views. These failed before people.permissions (the copy view and the bulk-action pages listed
every profile as "Name (ID code)"; the site history showed every unit's names)."""
import datetime as dt

import pytest
from django.urls import NoReverseMatch, reverse

from people.models import Profile, Role, RoleAssignment
from people.services import role_assign
from tests.factories import login_verified, make_profile, make_staff, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def outsider(province):
    user = make_user("outsider.dako")
    profile = make_profile(province["dako"], "Trịnh Thị Ngoài", user=user, id_code="079300000123",
                           date_of_birth=dt.date(1980, 5, 17))
    role_assign(user=user, role=Role.TRAINER, org_unit=province["dako"])
    return profile


@pytest.fixture(params=[Role.UNIT_MANAGER, Role.TRAINER])
def visitor(request, client, province):
    user = make_staff(request.param, province["tanan"])
    client.force_login(user)
    return user


def _leaks(response, profile) -> bool:
    text = response.content.decode()
    return any(value in text for value in (profile.full_name, "079300000123", "17/05/1980", "1980-05-17"))


def test_profiles_and_roles_cannot_be_copied(client, visitor, outsider):
    with pytest.raises(NoReverseMatch):
        reverse("wagtailsnippets_people_profile:copy", args=[outsider.pk])
    with pytest.raises(NoReverseMatch):
        reverse("wagtailsnippets_people_roleassignment:copy", args=[outsider.pk])
    assert client.get(f"/admin/snippets/people/profile/copy/{outsider.pk}/").status_code == 404


@pytest.mark.parametrize("model", ["profile", "roleassignment"])
def test_bulk_actions_list_nobody_outside_the_subtree(client, visitor, outsider, model):
    row = outsider if model == "profile" else RoleAssignment.objects.get(user=outsider.user)
    for query in ("id=all", f"id={row.pk}"):
        response = client.get(f"/admin/bulk/people/{model}/delete/?{query}")
        assert not _leaks(response, outsider), query
    client.post(f"/admin/bulk/people/{model}/delete/?id={row.pk}")
    assert type(row).objects.filter(pk=row.pk).exists()


def test_an_admin_of_a_subtree_bulk_deletes_only_there(client, province, outsider):
    admin = make_staff(Role.DEPARTMENT_ADMIN, province["tanan"])
    login_verified(client, admin)
    mine = make_profile(province["tanan"], "Đặng Văn Ước")
    response = client.get("/admin/bulk/people/profile/delete/?id=all")
    assert mine.full_name in response.content.decode() and not _leaks(response, outsider)
    client.post("/admin/bulk/people/profile/delete/?id=all")
    assert not Profile.objects.filter(pk=mine.pk).exists()
    assert Profile.objects.filter(pk=outsider.pk).exists()


def test_the_site_history_is_the_department_admin_s(client, province, outsider):
    manager = make_staff(Role.UNIT_MANAGER, province["tanan"])
    client.force_login(manager)
    for url in ("/admin/reports/site-history/", "/admin/reports/site-history/results/",
                "/admin/reports/site-history/?export=csv"):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        assert not _leaks(response, outsider)
    admin = make_staff(Role.DEPARTMENT_ADMIN, province["province"])
    login_verified(client, admin)
    assert client.get("/admin/reports/site-history/").status_code == 200


def test_edit_history_and_usage_of_an_outsider_are_refused(client, visitor, outsider):
    for name in ("edit", "delete", "history", "usage"):
        response = client.get(reverse(f"wagtailsnippets_people_profile:{name}", args=[outsider.pk]))
        assert response.status_code in (302, 403), name
        assert not _leaks(response, outsider), name
    chosen = client.get(reverse("wagtailsnippetchoosers_people_profile:chosen", args=[outsider.pk]))
    assert chosen.status_code in (302, 403, 404) and not _leaks(chosen, outsider)
    assert Profile.objects.filter(pk=outsider.pk).exists()


def test_opening_and_exporting_people_leaves_an_audit_trail(client, province):
    from lms.models import AuditEvent

    manager = make_staff(Role.UNIT_MANAGER, province["tanan"])
    client.force_login(manager)
    person = make_profile(province["tanan"], "Lê Văn Học", date_of_birth=dt.date(1990, 1, 2))
    assert client.get(reverse("wagtailsnippets_people_profile:edit", args=[person.pk])).status_code == 200
    assert client.get(reverse("wagtailsnippets_people_profile:list") + "?export=csv").status_code == 200
    events = list(AuditEvent.objects.filter(actor=manager).order_by("pk").values_list("action", "subject_id"))
    assert ("person.view", str(person.pk)) in events
    assert any(action == "person.export" for action, _id in events)


def test_the_learner_form_does_not_say_where_an_id_code_lives(client, province, outsider):
    """Finding 17: the profile form told a manager that an ID code exists in another unit (and whose)."""
    from lms.models import AuditEvent

    manager = make_staff(Role.UNIT_MANAGER, province["tanan"])
    client.force_login(manager)
    response = client.post(reverse("wagtailsnippets_people_profile:add"), {
        "full_name": "Người Mới", "id_code": "079300000123", "org_unit": province["tanan"].pk,
        "category": "cbccvc", "area": "", "is_active": "on"})
    assert response.status_code == 200
    assert "không thể được thêm bởi đơn vị của bạn" in response.content.decode()
    page = response.content.decode()  # (the typed code is echoed in its field: the visitor's own input)
    assert outsider.full_name not in page and "17/05/1980" not in page
    assert "Xã Đắk Ơ" not in str(response.context["form"].errors)
    assert AuditEvent.objects.filter(action="person.probe", actor=manager).exists()
    assert Profile.objects.filter(id_code="079300000123").count() == 1


def test_old_admin_history_labels_lose_their_id_codes(outsider):
    """History written before identifiers were encrypted read "Name (079300000123)" (migration 0007)."""
    import importlib

    from django.apps import apps
    from wagtail.log_actions import log
    from wagtail.models import ModelLogEntry

    entry = log(instance=outsider, action="wagtail.edit")
    ModelLogEntry.objects.filter(pk=entry.pk).update(label="Trịnh Thị Ngoài (079300000123)")
    importlib.import_module("people.migrations.0007_mask_id_codes_in_admin_history").mask(apps, None)
    assert ModelLogEntry.objects.get(pk=entry.pk).label == "Trịnh Thị Ngoài (0793******23)"


def test_activation_sheets_cover_only_the_manager_s_units_and_are_audited(client, province, outsider):
    from lms.models import AuditEvent
    from people.models import AccountActivation

    waiting = make_profile(province["tanan"], "Lê Văn Chờ")
    manager = make_staff(Role.UNIT_MANAGER, province["tanan"])
    client.force_login(manager)
    refused = client.post(reverse("people_activation_sheet"), {"unit": province["dako"].pk})
    assert refused.status_code == 200 and "slip-code" not in refused.content.decode()
    assert not AccountActivation.objects.exists()
    sheet = client.post(reverse("people_activation_sheet"), {"unit": province["tanan"].pk,
                                                            "include_subunits": "on"}).content.decode()
    assert waiting.full_name in sheet and outsider.full_name not in sheet
    assert AccountActivation.objects.filter(profile=waiting, kind="code").count() == 1
    assert AuditEvent.objects.filter(action="person.export", actor=manager).exists()


def test_a_trainer_picks_the_units_they_train_in_and_authors_a_question_bank(client, province):
    """Issue 15, item 1: the unit picker of a question bank was empty for a trainer ("you have not
    created any org unit"), so trainers could author nothing."""
    from assessments.models import QuestionCategory

    trainer = make_staff(Role.TRAINER, province["tanan"])
    client.force_login(trainer)
    units = client.get(reverse("wagtailsnippetchoosers_people_orgunit:choose")).json()["html"]
    assert "Xã Tân An" in units and "Xã Đắk Ơ" not in units
    response = client.post(reverse("wagtailsnippets_assessments_questioncategory:add"), {
        "name": "Pháp luật về hòa giải", "org_unit": province["tanan"].pk, "description": ""})
    assert response.status_code == 302
    assert QuestionCategory.objects.filter(name="Pháp luật về hòa giải", org_unit=province["tanan"]).exists()
    # a unit the trainer does not train in is refused by the form, whatever the chooser showed
    client.post(reverse("wagtailsnippets_assessments_questioncategory:add"), {
        "name": "Ngoài phạm vi", "org_unit": province["dako"].pk, "description": ""})
    assert not QuestionCategory.objects.filter(name="Ngoài phạm vi").exists()
