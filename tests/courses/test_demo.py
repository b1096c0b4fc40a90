"""The demo seeder: a catalog of three Vietnamese courses with the demo lecture and quiz."""
import pytest

from assessments.demo import seed_assessments
from courses.demo import seed_courses
from courses.models import CoursePage, LessonPage
from media_pipeline.demo import DEMO_TITLE
from people.demo import seed_people
from tests.factories import make_ready_video

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent_with_video_and_quiz(client, clip_720p, tmp_path):
    seed_people(learners=5)
    seed_assessments()
    make_ready_video(clip_720p, tmp_path, title=DEMO_TITLE)
    catalog = seed_courses()
    seed_courses()
    assert CoursePage.objects.count() == 4  # three online or blended, one held in person only
    assert LessonPage.objects.count() == 11
    titles = set(CoursePage.objects.values_list("title", flat=True))
    assert "Chuyển đổi số trong công tác phổ biến, giáo dục pháp luật" in titles
    kinds = {block.block_type for lesson in LessonPage.objects.all() for block in lesson.body}
    assert {"video", "quiz", "legal_citation", "text"} <= kinds
    # the trainer owns and may edit their demo courses, not the department's
    digital = CoursePage.objects.get(slug="chuyen-doi-so-pbgdpl")
    mediation = CoursePage.objects.get(slug="hoa-giai-o-co-so")
    assert digital.permissions_for_user(digital.owner).can_edit()
    assert not mediation.permissions_for_user(digital.owner).can_edit()
    # everything is served, the in-person course (no lessons) too
    for page in [*LessonPage.objects.all(), CoursePage.objects.get(slug="hoi-nghi-pho-bien-luat-moi-2026")]:
        assert client.get(page.url).status_code == 200
    found = client.get(catalog.url, {"q": "chuyen doi so"}).content.decode()
    assert digital.title in found and mediation.title not in found


def test_demo_without_video_or_quiz(client):
    seed_people(learners=5)
    seed_courses()
    kinds = {block.block_type for lesson in LessonPage.objects.all() for block in lesson.body}
    assert "video" not in kinds and "quiz" not in kinds
    assert CoursePage.objects.live().count() == 4
