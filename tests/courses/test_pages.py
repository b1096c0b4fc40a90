"""Page types, outline, previous/next navigation, drafts, blocks and the query budget."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail import hooks

from courses.models import CatalogPage, CoursePage, LessonPage, ModulePage
from courses.selectors import transcript_text
from lms.models import HomePage
from tests.factories import make_course, make_lesson, make_module

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("child", "parent", "allowed"), [
    (CatalogPage, HomePage, True),
    (CoursePage, CatalogPage, True),
    (ModulePage, CoursePage, True),
    (LessonPage, ModulePage, True),
    (CoursePage, HomePage, False),
    (LessonPage, CoursePage, False),
    (ModulePage, CatalogPage, False),
    (LessonPage, CatalogPage, False),
])
def test_page_type_rules(child, parent, allowed):
    assert (parent in child.allowed_parent_page_models()) is allowed
    assert (child in parent.allowed_subpage_models()) is allowed


def test_only_one_catalog(catalog):
    # given a catalog under the home page
    # then no second one can be created
    assert not CatalogPage.can_create_at(HomePage.objects.get())


def test_course_page_shows_facts_and_outline(client, small_course):
    course, lessons = small_course
    html = client.get(course.url).content.decode()
    assert "<h1>Chuyển đổi số trong công tác PBGDPL</h1>" in html
    assert "Học phần 1" in html and "Học phần 2" in html
    assert html.index("Bài 1.1") < html.index("Bài 1.2") < html.index("Bài 2.1") < html.index("Bài 2.2")
    assert f'href="{lessons[0].url}"' in html and "Bắt đầu bài học đầu tiên" in html
    assert 'rel="canonical"' in html and '<meta name="description" content="Tóm tắt của' in html


def test_an_in_person_course_page_states_its_own_completion_rule(client, catalog, small_course):
    online, _lessons = small_course
    in_person = make_course(catalog, title="Hội nghị phổ biến luật mới", slug="hoi-nghi", modality="in_person",
                            estimated_hours=4)
    text = client.get(in_person.url).content.decode()
    assert "4 giờ" in text and "0 bài học" not in text
    assert "giảng viên ghi nhận điểm danh" in text and "video" not in text.split("Điều kiện hoàn thành")[1]
    assert "Đề cương đang được chuẩn bị" not in text  # no online outline to wait for
    online_text = client.get(online.url).content.decode()
    assert "điểm danh" not in online_text and "Xem tối thiểu" in online_text


def test_lesson_page_has_previous_and_next_across_modules(client, small_course):
    _course, lessons = small_course
    # when the learner opens the second lesson (last of module 1)
    html = client.get(lessons[1].url).content.decode()
    # then previous is 1.1 and next is the first lesson of module 2
    assert f'rel="prev" href="{lessons[0].url}"' in html
    assert f'rel="next" href="{lessons[2].url}"' in html
    assert "Bài 2/4 · khoảng 15 phút" in html
    assert f'href="{lessons[1].url}" aria-current="page"' in html
    first = client.get(lessons[0].url).content.decode()
    last = client.get(lessons[3].url).content.decode()
    assert 'rel="prev"' not in first and 'rel="next"' in first
    assert 'rel="next"' not in last and 'rel="prev"' in last


def test_learner_cannot_see_drafts(client, catalog, small_course):
    course, lessons = small_course
    module = lessons[0].get_parent()
    draft = make_lesson(module, title="Bài nháp", slug="bai-nhap", publish=False)
    draft_course = make_course(catalog, title="Khóa học nháp", slug="khoa-nhap", publish=False)
    # a draft lesson and a draft course are not served
    assert client.get(f"{course.url}hoc-phan-1/bai-nhap/").status_code == 404
    assert client.get("/khoa-hoc/khoa-nhap/").status_code == 404
    # nor listed in the outline or the catalog
    assert "Bài nháp" not in client.get(lessons[0].url).content.decode()
    assert "Khóa học nháp" not in client.get(catalog.url).content.decode()
    # a published page with unpublished changes shows the published text
    draft.title = "Bài nháp"
    lessons[0].title = "Tiêu đề chưa duyệt"
    lessons[0].save_revision()
    assert "Tiêu đề chưa duyệt" not in client.get(lessons[0].url).content.decode()
    assert draft_course.live is False


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_lesson_page_queries_do_not_grow_with_the_course(client, catalog):
    # given a small course and a course twenty times bigger
    small = make_course(catalog, slug="nho")
    small_lesson = make_lesson(make_module(small), slug="bai")
    big = make_course(catalog, slug="lon")
    big_lesson = None
    for _m in range(8):
        module = make_module(big)
        for _n in range(10):
            big_lesson = make_lesson(module)
    client.get(catalog.url)  # warm per-process caches (site root paths)
    # then a first view (nothing of the course cached yet) costs the same for both
    assert _queries(client, small_lesson.url) == _queries(client, big_lesson.url)
    # and so does every later view, which reads the outline and the body from the cache
    warm = _queries(client, small_lesson.url)
    assert warm == _queries(client, big_lesson.url)
    assert warm <= 10


def test_an_enrolled_learners_lecture_page_costs_at_most_ten_queries(client, catalog, ready_video, province):
    from enrollment.services import enroll, lesson_visit
    from tests.factories import make_category, make_question, make_quiz, make_user

    # given a learner enrolled in a course of 40 lessons, with progress, on a lesson with a
    # lecture, text, a legal citation and a quiz
    quiz = make_quiz(province["justice"], [make_question(make_category(province["justice"]))])
    course = make_course(catalog, slug="lon")
    lessons = []
    for m in range(4):
        module = make_module(course)
        for n in range(10):
            body = [("text", "<p>Nội dung.</p>")]
            if (m, n) == (2, 5):
                body = [("video", ready_video), ("text", "<p>Bài giảng.</p>"),
                        ("legal_citation", {"document": "Luật Hòa giải ở cơ sở", "article": "Điều 7",
                                            "quotation": "", "url": ""}),
                        ("quiz", {"quiz": quiz, "intro": "", "must_pass": True})]
            lessons.append(make_lesson(module, body=body))
    learner = make_user("hocvien.q")
    enroll(user=learner, course=course)
    for lesson in lessons[:12]:
        lesson_visit(user=learner, lesson=lesson)
    client.force_login(learner)
    lecture = lessons[25]
    client.get(catalog.url)  # warm per-process caches (site root paths)
    first = _queries(client, lecture.url)
    # then later views of it, by this learner or another, read what learners share from the cache
    html = client.get(lecture.url).content.decode()
    assert "data-video-player" in html and 'class="progress-' in html
    later = _queries(client, lecture.url)
    assert later <= 10 and later < first


def test_progress_hook_marks_lessons(client, small_course):
    _course, lessons = small_course
    html = client.get(lessons[0].url).content.decode()
    assert "progress-complete" not in html  # no hook registered: nothing shown

    def progress(request, course, lesson_ids):
        return {lessons[0].pk: "complete", lessons[1].pk: "in_progress", 999999: "complete"}

    with hooks.register_temporarily("courses_lesson_progress", progress):
        html = client.get(lessons[0].url).content.decode()
    assert html.count('class="progress-complete"') == 1 and html.count('class="progress-in_progress"') == 1
    assert 'aria-label="đã hoàn thành"' in html


def test_lesson_blocks_render(client, catalog):
    course = make_course(catalog)
    lesson = make_lesson(make_module(course), body=[
        ("text", "<p>Nội dung bài học</p>"),
        ("legal_citation", {"document": "Luật Hòa giải ở cơ sở số 35/2013/QH13", "article": "Điều 7",
                            "quotation": "Hòa giải viên ở cơ sở…", "url": "https://vbpl.vn/"}),
        ("callout", {"kind": "warning", "text": "<p>Lưu ý quan trọng</p>"}),
    ])
    html = client.get(lesson.url).content.decode()
    assert "Nội dung bài học" in html
    assert "Điều 7" in html and "<blockquote>Hòa giải viên ở cơ sở…</blockquote>" in html
    assert 'class="callout callout-warning"' in html and "Lưu ý quan trọng" in html


def test_transcript_text_drops_timings_and_markup():
    vtt = ("WEBVTT\n\nNOTE ghi chú\n\n1\n00:00:00.000 --> 00:00:04.000\n<v Giảng viên>Xin chào</v> các học viên.\n\n"
           "00:00:04.000 --> 00:00:08.000 align:start\nBài học hôm nay:\nchuyển đổi số.\n")
    assert transcript_text(vtt) == "Xin chào các học viên.\nBài học hôm nay: chuyển đổi số.\n"


def test_preview_of_a_new_and_of_a_draft_lesson(small_course):
    _course, lessons = small_course
    module = lessons[0].get_parent().specific
    # a lesson being created is not in the tree yet
    new = LessonPage(title="Bài học mới", slug="bai-moi", body=[("text", "<p>Nội dung nháp</p>")])
    new.set_url_path(module)
    response = new.make_preview_request()
    assert response.status_code == 200 and "Nội dung nháp" in response.content.decode()
    # a draft lesson previews inside its course's outline
    draft = make_lesson(module, title="Bài nháp", slug="bai-nhap", publish=False)
    html = draft.make_preview_request().content.decode()
    assert "Bài nháp" in html and "Bài 1.1" in html


def test_course_actions_and_lesson_scripts_hooks(client, small_course):
    course, lessons = small_course

    def actions(request, page):
        return f'<p id="hook-actions">{page.title}</p>'

    def scripts(request, page):
        return f'<script id="hook-scripts" data-lesson="{page.pk}"></script>'

    with hooks.register_temporarily([("courses_course_actions", actions), ("courses_lesson_scripts", scripts)]):
        course_html = client.get(course.url).content.decode()
        lesson_html = client.get(lessons[0].url).content.decode()
    assert '<p id="hook-actions">Chuyển đổi số trong công tác PBGDPL</p>' in course_html
    assert f'<script id="hook-scripts" data-lesson="{lessons[0].pk}"></script>' in lesson_html
    assert "hook-scripts" not in course_html and "hook-actions" not in lesson_html


@pytest.mark.django_db
def test_vietnamese_titles_give_ascii_slugs():
    """Issue 15, item 4: new pages got accented slugs (k%E1%BB%B9-n%C4%83ng); Wagtail's own ASCII slug
    would drop "đ" (chuyen-oi-so)."""
    from tests.factories import make_catalog, make_course, make_lesson, make_module

    # (the factories give explicit slugs; an author leaves the field to Wagtail: slug="")
    course = make_course(make_catalog(), title="Kỹ năng chuyển đổi số cho hòa giải viên", slug="")
    assert course.slug == "ky-nang-chuyen-doi-so-cho-hoa-giai-vien"
    module = make_module(course, title="Đường dây nóng", slug="")
    assert make_lesson(module, title="Bài 1: Đắk Ơ", slug="").slug == "bai-1-dak-o"
    assert module.slug == "duong-day-nong"
    assert make_module(course, title="Đường dây nóng", slug="").slug == "duong-day-nong-2"  # siblings unique
