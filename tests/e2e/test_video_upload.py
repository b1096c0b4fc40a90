"""A trainer uploads a lecture in real Chromium; the connection drops mid-upload and
tus-js-client resumes; the video is transcoded and shows its preview."""
import re

import pytest

from media_pipeline.models import Video
from people.demo import DEMO_PASSWORD, seed_people

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_trainer_uploads_a_lecture_through_a_dropped_connection(page, clip_720p):
    seed_people(learners=5)
    page.goto("/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill("giangvien")
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(re.compile(r"/accounts/profile/$"))

    page.goto("/admin/videos/upload/")
    dropped = []

    def drop_first_patch(route):
        if route.request.method == "PATCH" and not dropped:
            dropped.append(route.request.url)
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/media-upload/tus/**", drop_first_patch)
    page.get_by_label("Tiêu đề").fill("Kỹ năng thuyết trình cho báo cáo viên")
    page.get_by_label("Tệp video").set_input_files(str(clip_720p))
    page.get_by_role("button", name="Tải lên", exact=True).click()
    page.wait_for_url(re.compile(r"/admin/videos/\d+/$"), timeout=60000)

    assert dropped, "the first PATCH should have been cut off"
    video = Video.objects.get()
    assert video.title == "Kỹ năng thuyết trình cho báo cáo viên"
    assert video.original.size == clip_720p.stat().st_size  # every byte arrived exactly once
    assert page.get_by_text("Sẵn sàng").first.is_visible()
    assert page.locator("[data-video-player] video").count() == 1
