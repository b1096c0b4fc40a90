"""The catalog and outline API for other portals, and the sitemap."""
import pytest

from courses.models import Topic
from people.models import Category
from tests.factories import make_course, make_lesson, make_module

pytestmark = pytest.mark.django_db

API = "/api/v1/courses/courses/"


@pytest.fixture
def published(catalog, small_course):
    make_course(catalog, title="Hòa giải ở cơ sở", slug="hoa-giai", topic=Topic.GRASSROOTS_MEDIATION,
                audience=[Category.GRASSROOTS_MEDIATOR])
    make_course(catalog, title="Bản nháp", slug="ban-nhap", publish=False)
    return small_course


def test_catalog_api_is_public_and_lists_only_published_courses(client, published):
    rows = client.get(API).json()["results"]
    assert [row["title"] for row in rows] == ["Chuyển đổi số trong công tác PBGDPL", "Hòa giải ở cơ sở"]
    assert rows[1]["audience"] == ["grassroots_mediator"]
    assert rows[0]["url"] == "http://localhost/khoa-hoc/chuyen-doi-so/"


@pytest.mark.parametrize(("params", "titles"), [
    ({"topic": "grassroots_mediation"}, ["Hòa giải ở cơ sở"]),
    ({"audience": "grassroots_mediator"}, ["Hòa giải ở cơ sở"]),
    ({"q": "chuyen doi so"}, ["Chuyển đổi số trong công tác PBGDPL"]),
    ({"q": "hoa giai", "topic": "digital_transformation"}, []),
])
def test_catalog_api_filters(client, published, params, titles):
    assert [row["title"] for row in client.get(API, params).json()["results"]] == titles


def test_catalog_api_rejects_an_unknown_topic(client, published):
    assert client.get(API, {"topic": "khong-co"}).status_code == 400


def test_outline_api(client, published):
    course, lessons = published
    module = lessons[0].get_parent()
    make_lesson(module, title="Bài nháp", publish=False)
    data = client.get(f"{API}{course.pk}/").json()
    assert data["video_coverage_threshold"] == 90
    assert [m["title"] for m in data["modules"]] == ["Học phần 1", "Học phần 2"]
    assert [lesson["title"] for lesson in data["modules"][0]["lessons"]] == ["Bài 1.1", "Bài 1.2"]
    assert data["modules"][0]["lessons"][0]["url"] == f"http://localhost{lessons[0].url}"


def test_outline_api_hides_drafts(client, catalog):
    draft = make_course(catalog, publish=False)
    assert client.get(f"{API}{draft.pk}/").status_code == 404


def test_api_is_in_the_openapi_schema(client, published):
    schema = client.get("/api/schema/").content.decode()
    assert "/api/v1/courses/courses/" in schema and "/api/v1/courses/courses/{id}/" in schema


def test_sitemap_lists_public_courses_and_lessons(client, catalog, published):
    _course, lessons = published
    private = make_course(catalog, title="Khóa nội bộ", slug="noi-bo")
    make_lesson(make_module(private), slug="bai-noi-bo")
    from wagtail.models import PageViewRestriction

    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    xml = client.get("/sitemap.xml").content.decode()
    assert "/khoa-hoc/chuyen-doi-so/" in xml and lessons[0].url in xml
    assert "/khoa-hoc/hoa-giai/" in xml
    assert "noi-bo" not in xml and "ban-nhap" not in xml
