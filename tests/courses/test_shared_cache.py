"""What course pages share between learners is cached, and every change an author or the
media pipeline makes shows at once: outlines, lesson bodies and catalog results."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail import hooks
from wagtail.models import PageViewRestriction

from courses.models import LessonPage
from media_pipeline import services as media
from tests.factories import make_course, make_lesson, make_module

pytestmark = pytest.mark.django_db


def _html(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _publish_title(page, title):
    page = type(page).objects.get(pk=page.pk)
    page.title = title
    page.save_revision().publish()
    return page


def test_outline_follows_publishing_unpublishing_and_moves(client, small_course):
    course, lessons = small_course
    first = lessons[0].url
    assert "Bài 1.2" in _html(client, first)  # cached now
    # a published new title shows on every lesson page of the course
    _publish_title(lessons[1], "Bài 1.2 (cập nhật)")
    assert "Bài 1.2 (cập nhật)" in _html(client, first)
    # an unpublished lesson leaves the outline
    LessonPage.objects.get(pk=lessons[3].pk).unpublish()
    assert "Bài 2.2" not in _html(client, first)
    # a lesson moved to the other module follows it, in both modules' outline
    second_module = lessons[2].get_parent()
    LessonPage.objects.get(pk=lessons[1].pk).move(second_module, pos="last-child")
    html = _html(client, first)
    assert html.index("Học phần 2") < html.index("Bài 1.2 (cập nhật)")
    # a new lesson published joins the outline; a course renamed shows in the breadcrumb
    make_lesson(lessons[0].get_parent(), title="Bài 1.3 mới", slug="bai-1-3")
    _publish_title(course, "Chuyển đổi số (khóa 2)")
    html = _html(client, first)
    assert "Bài 1.3 mới" in html and "Chuyển đổi số (khóa 2)" in html


def test_lesson_body_is_shared_until_a_new_revision_or_a_media_change(client, catalog, ready_video):
    lesson = make_lesson(make_module(make_course(catalog)), body=[
        ("video", ready_video), ("text", "<p>Bản đầu tiên.</p>")])
    assert "Bản đầu tiên." in _html(client, lesson.url)
    # a second view reads the body from the cache: no video, caption or rendition queries
    with CaptureQueriesContext(connection) as queries:
        _html(client, lesson.url)
    assert not [q for q in queries.captured_queries if "media_pipeline" in q["sql"]]
    # a published edit is a new body
    lesson = LessonPage.objects.get(pk=lesson.pk)
    lesson.body = [("video", ready_video), ("text", "<p>Bản sửa.</p>")]
    lesson.save_revision().publish()
    html = _html(client, lesson.url)
    assert "Bản sửa." in html and "Bản đầu tiên." not in html
    # a caption added to the video shows at once (player track and transcript link)
    media.caption_add(video=ready_video, language="en", label="English",
                      content=b"WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nHello.\n")
    html = _html(client, lesson.url)
    assert 'srclang="en"' in html and f"transcript/{ready_video.pk}/en/" in html


def test_previews_are_never_served_from_the_cache(client, small_course):
    _course, lessons = small_course
    lesson = make_lesson(lessons[0].get_parent(), slug="bai-xem-truoc", body=[("text", "<p>Bản đang học.</p>")])
    assert "Bản đang học." in _html(client, lesson.url)
    draft = LessonPage.objects.get(pk=lesson.pk)
    draft.body = [("text", "<p>Bản nháp chưa duyệt.</p>")]
    draft.save_revision()
    preview = draft.get_latest_revision_as_object().make_preview_request().content.decode()
    assert "Bản nháp chưa duyệt." in preview
    assert "Bản đang học." in _html(client, lesson.url)


def test_resume_flag_is_the_learners_own_while_the_body_is_shared(client, catalog, ready_video):
    lesson = make_lesson(make_module(make_course(catalog)), body=[("video", ready_video)])
    assert 'data-video-load="auto"' not in _html(client, lesson.url)

    def progress(request, course, lesson_ids):
        return {lesson.pk: "in_progress"}

    with hooks.register_temporarily("courses_lesson_progress", progress):
        assert 'data-video-load="auto"' in _html(client, lesson.url)
    assert 'data-video-load="auto"' not in _html(client, lesson.url)


def test_catalog_results_follow_courses_published_unpublished_and_restricted(client, catalog, small_course):
    course, _lessons = small_course
    assert "Chuyển đổi số trong công tác PBGDPL" in _html(client, catalog.url)
    other = make_course(catalog, title="Kỹ năng hòa giải viên", slug="hoa-giai")
    assert "Kỹ năng hòa giải viên" in _html(client, catalog.url)
    other.unpublish()
    assert "Kỹ năng hòa giải viên" not in _html(client, catalog.url)
    PageViewRestriction.objects.create(page=course, restriction_type=PageViewRestriction.LOGIN)
    assert "Chuyển đổi số trong công tác PBGDPL" not in _html(client, catalog.url)


def _results(client, url) -> str:
    return _html(client, url).split('class="catalog-results"', 1)[1]


def test_cached_catalog_links_keep_only_the_filters(client, catalog):
    for n in range(14):
        make_course(catalog, title=f"Khóa {n}", slug=f"khoa-{n}")
    results = _results(client, f"{catalog.url}?topic=digital_transformation&utm_source=zalo")
    assert 'href="?topic=digital_transformation&amp;page=2"' in results and "zalo" not in results
    # a later visitor with other parameters in the address gets the same, clean, results
    results = _results(client, f"{catalog.url}?topic=digital_transformation&ref=x")
    assert 'href="?topic=digital_transformation&amp;page=2"' in results and "ref=x" not in results
