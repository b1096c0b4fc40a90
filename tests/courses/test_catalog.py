"""The catalog: filters in a plain GET form, and search with or without diacritics.

The search tests run on SQLite (FTS5) and, with DATABASE_URL set, on PostgreSQL full text.
"""
import pytest

from courses.models import CourseLanguage, Modality, Topic
from courses.selectors import catalog_courses, search_course_ids
from people.models import Category
from tests.factories import make_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def courses(catalog):
    return {
        "digital": make_course(
            catalog, title="Chuyển đổi số trong công tác phổ biến, giáo dục pháp luật", slug="chuyen-doi-so",
            summary="Ứng dụng công nghệ số để tuyên truyền pháp luật đến người dân.",
            topic=Topic.DIGITAL_TRANSFORMATION, audience=[Category.CBCCVC, Category.LEGAL_PROPAGANDIST]),
        "reporter": make_course(
            catalog, title="Kỹ năng thuyết trình dành cho báo cáo viên pháp luật", slug="ky-nang-thuyet-trinh",
            summary="Chuẩn bị bài nói, làm chủ sân khấu và trả lời câu hỏi của người nghe.",
            topic=Topic.LEGAL_REPORTER_SKILLS, audience=[Category.LEGAL_REPORTER], modality=Modality.BLENDED),
        "mediation": make_course(
            catalog, title="Hòa giải mâu thuẫn ở cơ sở", slug="hoa-giai-o-co-so",
            summary="Quy trình và kỹ năng hòa giải mâu thuẫn trong cộng đồng dân cư.",
            topic=Topic.GRASSROOTS_MEDIATION, audience=[Category.GRASSROOTS_MEDIATOR],
            language=CourseLanguage.ENGLISH),
    }


def _titles(qs):
    return {course.title for course in qs}


@pytest.mark.parametrize(("filters", "expected"), [
    ({}, {"digital", "reporter", "mediation"}),
    ({"topic": Topic.GRASSROOTS_MEDIATION}, {"mediation"}),
    ({"audience": Category.LEGAL_PROPAGANDIST}, {"digital"}),
    ({"audience": Category.TEACHER}, set()),
    ({"language": CourseLanguage.ENGLISH}, {"mediation"}),
    ({"modality": Modality.BLENDED}, {"reporter"}),
    ({"modality": Modality.ONLINE, "audience": Category.CBCCVC}, {"digital"}),
])
def test_catalog_filters(catalog, courses, filters, expected):
    assert _titles(catalog_courses(catalog=catalog, **filters)) == {courses[key].title for key in expected}


@pytest.mark.parametrize("query", [
    "chuyen doi so", "Chuyển đổi số", "CHUYEN DOI SO", "chuyển đổi", "Chuyển đổi số", "cong nghe",
])
def test_search_with_or_without_diacritics(catalog, courses, query):
    # "Chuyển đổi số" typed decomposed (NFD) on some keyboards is found too
    assert _titles(catalog_courses(catalog=catalog, query=query)) == {courses["digital"].title}


@pytest.mark.parametrize(("query", "expected"), [
    ("hoa giai", {"mediation"}),
    ("bao cao vien", {"reporter"}),
    ("phap luat", {"digital", "reporter"}),
    ("thuyet trinh hoa giai", set()),  # every word must match
    ("   ", {"digital", "reporter", "mediation"}),
])
def test_search_words(catalog, courses, query, expected):
    assert _titles(catalog_courses(catalog=catalog, query=query)) == {courses[key].title for key in expected}


def test_search_finds_the_topic_name(catalog, courses):
    # the topic's Vietnamese name is indexed too: "kien thuc" is in no course's own text
    law = make_course(catalog, title="Luật Đất đai 2024", slug="dat-dai", topic=Topic.LAW_KNOWLEDGE,
                      summary="Những điểm mới của luật.")
    assert search_course_ids("kien thuc") == [law.pk]


def test_search_ignores_drafts_and_follows_edits(catalog, courses):
    draft = make_course(catalog, title="Chuyển đổi số nâng cao", slug="nang-cao", publish=False)
    assert draft.pk not in search_course_ids("chuyen doi so nang cao")
    # an edited, republished title is found under its new words
    course = courses["mediation"]
    course.title = "Hòa giải viên giỏi"
    course.save_revision().publish()
    assert _titles(catalog_courses(catalog=catalog, query="hoa giai vien gioi")) == {"Hòa giải viên giỏi"}


def test_catalog_page_works_without_javascript(client, catalog, courses):
    # the filter form is a GET form: the query string is the whole state
    response = client.get(catalog.url, {"q": "chuyen doi so", "topic": "", "audience": "cbccvc"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'method="get"' in html and 'role="search"' in html
    assert courses["digital"].title in html and courses["mediation"].title not in html
    assert 'value="chuyen doi so"' in html
    assert "<script" not in html.split("<main", 1)[1]


def test_catalog_ignores_unknown_filter_values(client, catalog, courses):
    response = client.get(catalog.url, {"topic": "khong-co"})
    assert response.status_code == 200
    assert all(course.title in response.content.decode() for course in courses.values())


def test_catalog_paginates(client, catalog):
    for number in range(14):
        make_course(catalog, title=f"Khóa {number:02d}", slug=f"khoa-{number}")
    first = client.get(catalog.url).content.decode()
    second = client.get(catalog.url, {"page": 2}).content.decode()
    assert "Khóa 00" in first and "Khóa 13" not in first
    assert "Khóa 13" in second and 'rel="prev"' in second


@pytest.mark.parametrize(("query", "found"), [
    ('"', False), ('chuyen "doi so', True), ("*", False), ("chuyen*", True), ("chuyển đổi AND số", False),
    ("(", False), ("(chuyen doi so)", True), ("NEAR", False), ("NEAR(chuyen doi)", False), ("số 😀", True),
    ("ĐỔI SỐ", True), ("chuyen OR", False), ("-chuyen", True), ("'", False), ("so)", True),
])
def test_search_syntax_typed_by_a_user_is_words_not_a_server_error(client, catalog, courses, query, found):
    # a stray quote reached SQLite's FTS syntax and answered 500; operators are plain words now
    response = client.get(catalog.url, {"q": query})
    assert response.status_code == 200
    assert (f'href="{courses["digital"].url}"' in response.content.decode()) is found
