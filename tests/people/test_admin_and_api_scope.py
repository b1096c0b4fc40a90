"""A unit manager sees their subtree and nothing else, in the admin and in the API."""
import pytest
from django.urls import reverse

from people.models import Profile, Role
from tests.factories import make_profile, make_staff, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(province):
    return {
        "mine": make_profile(province["hamlet"], "Đặng Văn Ước", id_code="A1"),
        "other": make_profile(province["tanan"], "Nguyễn Thị Hường", id_code="B2"),
    }


@pytest.fixture
def manager(client, province):
    user = make_staff(Role.UNIT_MANAGER, province["dako"], username="dako.manager")
    client.force_login(user)
    return user


def test_admin_profile_list_shows_only_the_subtree(client, manager, people):
    response = client.get(reverse("wagtailsnippets_people_profile:list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Đặng Văn Ước" in html
    assert "Nguyễn Thị Hường" not in html


def test_the_choosers_of_forms_list_only_the_subtree(client, manager, people):
    # the "Chọn đơn vị" / "Chọn học viên" modals of admin forms (a certificate template's issuing
    # unit, a role's unit...) offer what the manager manages, as the forms accept
    units = client.get(reverse("wagtailsnippetchoosers_people_orgunit:choose")).json()["html"]
    assert "Xã Đắk Ơ" in units and "Thôn 3 Đắk Ơ" in units
    assert "Xã Tân An" not in units and "Sở Tư pháp" not in units
    found = client.get(reverse("wagtailsnippetchoosers_people_orgunit:choose_results"), {"q": "Xã"}).content.decode()
    assert "Xã Đắk Ơ" in found and "Xã Tân An" not in found
    learners = client.get(reverse("wagtailsnippetchoosers_people_profile:choose")).json()["html"]
    assert "Đặng Văn Ước" in learners and "Nguyễn Thị Hường" not in learners


def test_admin_refuses_a_profile_outside_the_subtree(client, manager, people):
    other = people["other"]
    for name in ("edit", "delete", "history"):
        url = reverse(f"wagtailsnippets_people_profile:{name}", args=[other.pk])
        response = client.get(url)
        # Wagtail answers PermissionDenied with a redirect to the dashboard and a message
        assert (response.status_code, response["Location"]) == (302, "/admin/"), name
    client.post(reverse("wagtailsnippets_people_profile:delete", args=[other.pk]))
    assert Profile.objects.filter(pk=other.pk).exists()


def test_admin_form_offers_only_units_in_the_subtree(client, manager, people, province):
    response = client.get(reverse("wagtailsnippets_people_profile:edit", args=[people["mine"].pk]))
    assert response.status_code == 200
    field = response.context["form"].fields["org_unit"]
    assert sorted(unit.code for unit in field.queryset) == ["THON-3", "XA-DAKO"]
    # posting a unit outside the subtree is refused by the form
    data = {"full_name": "Đặng Văn Ước", "id_code": "A1", "org_unit": province["tanan"].pk, "category": "cbccvc",
            "area": "", "is_active": "on"}
    response = client.post(reverse("wagtailsnippets_people_profile:edit", args=[people["mine"].pk]), data)
    assert "org_unit" in response.context["form"].errors
    assert Profile.objects.get(pk=people["mine"].pk).org_unit == province["hamlet"]


def test_admin_org_unit_list_is_scoped(client, manager, province):
    html = client.get(reverse("wagtailsnippets_people_orgunit:list")).content.decode()
    assert "Thôn 3 Đắk Ơ" in html and "Xã Tân An" not in html and "Sở Tư pháp" not in html


def test_learner_cannot_open_the_admin(client, province):
    learner = make_profile(province["tanan"], user=make_user()).user
    client.force_login(learner)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_api_lists_only_the_subtree(client, manager, people):
    profiles = client.get("/api/v1/people/profiles/").json()
    assert [row["full_name"] for row in profiles["results"]] == ["Đặng Văn Ước"]
    units = client.get("/api/v1/people/org-units/").json()
    assert {row["code"]: row["parent"] for row in units["results"]} == {"XA-DAKO": "TINH", "THON-3": "XA-DAKO"}
    assert client.get(f"/api/v1/people/profiles/{people['other'].pk}/").status_code == 404


def test_api_requires_login(client, people):
    assert client.get("/api/v1/people/profiles/").status_code == 403


def test_department_admin_sees_everyone(client, province, people):
    admin = make_staff(Role.DEPARTMENT_ADMIN, province["province"])
    client.force_login(admin)
    # department admins must pass two-factor authentication first
    assert client.get("/api/v1/people/profiles/").status_code == 302
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=admin, name="app", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    rows = client.get("/api/v1/people/profiles/").json()["results"]
    assert {row["full_name"] for row in rows} == {"Đặng Văn Ước", "Nguyễn Thị Hường"}


def test_org_unit_rows_link_to_their_form(client, province):
    """Issue 15, item 6: the list's rows were not links; editing a unit needed a typed address."""
    from tests.factories import login_verified

    admin = make_staff(Role.DEPARTMENT_ADMIN, province["province"])
    login_verified(client, admin)
    html = client.get(reverse("wagtailsnippets_people_orgunit:list")).content.decode()
    edit = reverse("wagtailsnippets_people_orgunit:edit", args=[province["dako"].pk])
    assert f'href="{edit}"' in html
    assert client.get(edit).status_code == 200
