"""Course pages with enrolments are kept (issue 13, finding 19).

Before: deleting the page in the admin deleted every enrolment of the course with it, and the
reports that count them changed silently (these tests failed then: the enrolments were gone)."""
import pytest
from django.db.models import ProtectedError
from django.urls import reverse
from wagtail.models import Page

from courses.models import CoursePage
from enrollment.models import Enrollment
from tests.factories import login_verified, make_catalog, make_course, make_enrollment_row, make_module, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    return login_verified(client, make_user("quantri", is_superuser=True))


@pytest.fixture
def taught(db):
    catalog = make_catalog()
    course = make_course(catalog, title="Luật Hòa giải ở cơ sở")
    make_module(course, title="Chương 1")
    make_enrollment_row(make_user("hv.huong"), course)
    return catalog, course


def test_deleting_a_course_with_enrolments_in_the_admin_is_refused_with_a_message(admin_client, taught):
    _catalog, course = taught
    response = admin_client.post(reverse("wagtailadmin_pages:delete", args=[course.pk]), follow=True)
    assert response.status_code == 200
    assert ("Chưa xóa: khóa học “Luật Hòa giải ở cơ sở” đã có học viên ghi danh"
            in response.content.decode())
    assert CoursePage.objects.filter(pk=course.pk).exists() and Enrollment.objects.count() == 1
    # the confirmation page is not even offered
    assert "Chưa xóa" in admin_client.get(reverse("wagtailadmin_pages:delete", args=[course.pk]),
                                          follow=True).content.decode()


def test_deleting_the_catalog_above_it_is_refused_too(admin_client, taught):
    catalog, course = taught
    admin_client.post(reverse("wagtailadmin_pages:delete", args=[catalog.pk]), follow=True)
    assert Page.objects.filter(pk=catalog.pk).exists() and Enrollment.objects.count() == 1


def test_bulk_delete_of_pages_is_refused_with_a_message(admin_client, taught):
    catalog, course = taught
    other = make_course(catalog, title="Khóa chưa ai học")
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "delete"]) + f"?id={course.pk}&id={other.pk}"
    response = admin_client.post(url, follow=True)
    assert response.status_code == 200
    assert "Chưa xóa: khóa học “Luật Hòa giải ở cơ sở” đã có học viên ghi danh" in response.content.decode()
    assert CoursePage.objects.filter(pk__in=[course.pk, other.pk]).count() == 2
    assert Enrollment.objects.count() == 1


def test_a_course_nobody_enrolled_in_is_deleted_as_usual(admin_client, taught):
    catalog, _course = taught
    empty = make_course(catalog, title="Khóa chưa ai học")
    admin_client.post(reverse("wagtailadmin_pages:delete", args=[empty.pk]))
    assert not CoursePage.objects.filter(pk=empty.pk).exists()


def test_the_database_keeps_the_enrolments_whatever_deletes_the_page(taught):
    _catalog, course = taught
    with pytest.raises(ProtectedError):
        Page.objects.get(pk=course.pk).specific.delete()
    assert Enrollment.objects.count() == 1
