"""A lesson with a video lecture and a quiz: the player, transcripts and the quiz link."""
import pytest

from tests.factories import make_course, make_lesson, make_module, make_quiz

pytestmark = pytest.mark.django_db


def test_video_lesson_renders_the_player_and_a_transcript(client, catalog, ready_video, province):
    quiz = make_quiz(province["justice"], title="Kiểm tra cuối bài")
    lesson = make_lesson(make_module(make_course(catalog)), slug="bai-video", body=[
        ("video", ready_video), ("quiz", {"quiz": quiz, "intro": "", "must_pass": True})])
    html = client.get(lesson.url).content.decode()
    # the HLS player of media_pipeline, with captions
    assert "data-video-player" in html and 'srclang="vi"' in html and "master.m3u8" in html
    # the quiz links to the learner's quiz page of assessments
    assert f'href="/assessments/quizzes/{quiz.pk}/"' in html and "Kiểm tra cuối bài" in html
    # transcript download as plain text
    url = f"{lesson.url}transcript/{ready_video.pk}/vi/"
    assert f'href="{url}"' in html
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == "Xin chào các học viên.\n"
    assert "attachment" in response["Content-Disposition"]


def test_transcript_only_for_videos_of_the_lesson(client, catalog, ready_video):
    lesson = make_lesson(make_module(make_course(catalog)), slug="bai-khong-video")
    assert client.get(f"{lesson.url}transcript/{ready_video.pk}/vi/").status_code == 404
    other = make_lesson(make_module(make_course(catalog)), body=[("video", ready_video)])
    assert client.get(f"{other.url}transcript/{ready_video.pk}/en/").status_code == 404
