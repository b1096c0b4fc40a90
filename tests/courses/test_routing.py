"""Pages under the catalog are routed from a cached site and catalog (courses.routing) and
a cached page (CatalogPage.route): every change to sites, pages, slugs, view restrictions
and aliases shows at once, and nothing a learner sees of their own is shared."""
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail import hooks
from wagtail.models import Page, PageViewRestriction, Site

from courses import cache as shared_cache
from courses.models import CatalogPage, CoursePage, LessonPage
from tests.factories import make_course, make_lesson, make_module, make_user

pytestmark = pytest.mark.django_db


def _get(client, url, **extra):
    return client.get(url, **extra)


def _html(client, url, **extra) -> str:
    response = _get(client, url, **extra)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def _tables(queries) -> str:
    return " ".join(query["sql"] for query in queries.captured_queries)


def _publish(page, **fields):
    page = type(page).objects.get(pk=page.pk)
    for name, value in fields.items():
        setattr(page, name, value)
    page.save_revision().publish()
    return type(page).objects.get(pk=page.pk)


def test_a_second_view_reads_no_site_page_or_restriction(client, small_course, catalog):
    # given a lesson and the catalog viewed once
    _course, lessons = small_course
    for url in (lessons[0].url, catalog.url):
        _html(client, url)
    # when they are viewed again
    for url in (lessons[0].url, catalog.url):
        with CaptureQueriesContext(connection) as queries:
            _html(client, url)
        # then neither the site, nor a page, nor view restrictions are read
        sql = _tables(queries)
        assert "wagtailcore_site" not in sql and "wagtailcore_page" not in sql
        assert "wagtailcore_pageviewrestriction" not in sql


def test_a_restriction_added_or_removed_shows_at_once(client, small_course, catalog):
    course, lessons = small_course
    assert _get(client, lessons[0].url).status_code == 200
    # a course made private: its lessons ask for a login, the rest of the catalog does not
    restriction = PageViewRestriction.objects.create(page=course, restriction_type=PageViewRestriction.LOGIN)
    response = _get(client, lessons[0].url)
    assert response.status_code == 302 and "login" in response["Location"]
    assert _get(client, course.url).status_code == 302
    assert _get(client, catalog.url).status_code == 200
    # a learner who logs in reads it
    client.force_login(make_user("hocvien.rieng"))
    assert _get(client, lessons[0].url).status_code == 200
    client.logout()
    # the restriction lifted: open again
    restriction.delete()
    assert _get(client, lessons[0].url).status_code == 200


def test_a_restriction_on_the_catalog_covers_every_page_below(client, small_course, catalog):
    _course, lessons = small_course
    _html(client, catalog.url)
    _html(client, lessons[0].url)
    PageViewRestriction.objects.create(page=catalog, restriction_type=PageViewRestriction.LOGIN)
    assert _get(client, catalog.url).status_code == 302
    assert _get(client, lessons[0].url).status_code == 302


def test_with_an_alias_in_the_tree_restrictions_are_read_from_the_database(client, small_course, catalog):
    course, lessons = small_course
    _html(client, lessons[0].url)
    # an alias of the course's first module, placed in the same course
    module = lessons[0].get_parent()
    module.create_alias(parent=course, update_slug="hoc-phan-ban-sao")
    with CaptureQueriesContext(connection) as queries:
        _html(client, lessons[0].url)
    assert "wagtailcore_pageviewrestriction" in _tables(queries)


def test_unpublished_pages_are_gone_at_once(client, small_course):
    course, lessons = small_course
    _html(client, lessons[0].url)
    LessonPage.objects.get(pk=lessons[0].pk).unpublish()
    assert _get(client, lessons[0].url).status_code == 404
    _html(client, course.url)
    CoursePage.objects.get(pk=course.pk).unpublish()
    assert _get(client, course.url).status_code == 404


def test_a_published_edit_of_a_lesson_or_the_catalog_shows_at_once(client, small_course, catalog):
    _course, lessons = small_course
    _html(client, lessons[0].url)
    _html(client, catalog.url)
    _publish(lessons[0], summary="Tóm tắt mới của bài học.")
    _publish(catalog, intro="Giới thiệu mới của danh mục.")
    assert "Tóm tắt mới của bài học." in _html(client, lessons[0].url)
    assert "Giới thiệu mới của danh mục." in _html(client, catalog.url)


def test_a_new_catalog_slug_moves_every_url_below_it(client, small_course, catalog):
    course, lessons = small_course
    old_lesson_url = lessons[0].url
    _html(client, old_lesson_url)
    _publish(catalog, slug="danh-muc")
    assert _get(client, old_lesson_url).status_code == 404
    new_lesson_url = LessonPage.objects.get(pk=lessons[0].pk).url
    assert new_lesson_url.startswith("/danh-muc/")
    html = _html(client, new_lesson_url)
    # the outline's links and the breadcrumb follow
    assert f'href="{LessonPage.objects.get(pk=lessons[1].pk).url}"' in html
    assert f'href="{CoursePage.objects.get(pk=course.pk).url}"' in html


def test_a_moved_lesson_is_found_at_its_new_url(client, small_course):
    _course, lessons = small_course
    _html(client, lessons[0].url)
    second_module = lessons[2].get_parent()
    LessonPage.objects.get(pk=lessons[0].pk).move(second_module, pos="last-child")
    new_url = LessonPage.objects.get(pk=lessons[0].pk).url
    assert new_url != lessons[0].url
    # the old address redirects (wagtail.contrib.redirects), the new one serves the lesson
    response = _get(client, lessons[0].url)
    assert response.status_code == 301 and response["Location"] == new_url
    assert "Bài 1.1" in _html(client, new_url)


def test_another_site_rooted_below_the_catalog_is_routed_by_wagtail(client, settings, small_course, catalog):
    # given a second site whose home is the course (a hostname of its own)
    settings.ALLOWED_HOSTS = ["*"]
    course, lessons = small_course
    _html(client, lessons[0].url)
    lesson_path = lessons[0].url[len(course.url) - 1:]  # "/hoc-phan-1/bai-1-1/"
    Site.objects.create(hostname="khoahoc.example", port=80, root_page=Page.objects.get(pk=course.pk))
    # then its lessons answer at paths relative to the course, and the catalog is not there
    assert "Bài 1.1" in _html(client, lesson_path, HTTP_HOST="khoahoc.example")
    assert _get(client, catalog.url, HTTP_HOST="khoahoc.example").status_code == 404
    # and the default site still serves the catalog
    _html(client, catalog.url)


def test_the_default_site_moved_to_another_root_is_followed(client, small_course, catalog):
    _course, lessons = small_course
    _html(client, lessons[0].url)
    path_below_catalog = lessons[0].url[len(catalog.url) - 1:]  # "/chuyen-doi-so/hoc-phan-1/bai-1-1/"
    site = Site.objects.get(is_default_site=True)
    site.root_page = Page.objects.get(pk=CatalogPage.objects.get(pk=catalog.pk).pk)
    site.save()
    # the catalog is now the home: its lessons lose the catalog's slug
    assert _get(client, "/khoa-hoc/chuyen-doi-so/hoc-phan-1/bai-1-1/").status_code == 404
    assert "Bài 1.1" in _html(client, path_below_catalog)


def test_progress_is_each_learners_own_with_the_route_and_page_cached(client, small_course):
    # given two learners, one of whom finished the first lesson
    _course, lessons = small_course
    first, second = make_user("hocvien.mot"), make_user("hocvien.hai")

    def progress(request, course, lesson_ids):
        return {lessons[0].pk: "complete"} if request.user == first else {}

    with hooks.register_temporarily("courses_lesson_progress", progress):
        client.force_login(first)
        assert "progress-complete" in _html(client, lessons[1].url)
        # when the other learner opens the same lesson (route, page and outline cached)
        client.force_login(second)
        html = _html(client, lessons[1].url)
    # then no tick of the first learner shows
    assert "progress-complete" not in html


def test_what_was_read_before_a_commit_is_dropped_when_it_commits(client, small_course,
                                                                  django_capture_on_commit_callbacks):
    # given a cached outline
    course, lessons = small_course
    _html(client, lessons[0].url)
    site = shared_cache.generations()["site"]
    stale = cache.get(shared_cache.outline_key(course.path, site))
    assert stale is not None
    with django_capture_on_commit_callbacks(execute=True):
        _publish(lessons[1], title="Bài 1.2 (đổi tên)")
        # a request that read the old rows before the commit caches them again
        cache.set(shared_cache.outline_key(course.path, site), stale)
    # then the commit drops them
    assert "Bài 1.2 (đổi tên)" in _html(client, lessons[0].url)
