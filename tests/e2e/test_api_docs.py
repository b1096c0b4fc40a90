"""/api/docs/ (Swagger UI from drf-spectacular's sidecar) works under the Content-Security-Policy:
its start-up script is a file, its styles a style sheet (the e2e guard fails the test on a violation)."""
import pytest

from people.demo import seed_people

from .conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_api_docs_render_without_inline_script(page):
    seed_people(learners=1)
    log_in(page, "hocvien")

    page.goto("/api/docs/")

    page.get_by_role("heading", name="LMS PBGDPL API").wait_for()
    assert page.get_by_text("/api/v1/people/profiles/").first.is_visible()
