"""Security headers (lms.security_headers) on the public site, the Wagtail admin and the API, and pages
the Content-Security-Policy can enforce: no inline script, no on*= handler, no javascript: link.

The browser side is guarded in tests/e2e/conftest.py: a Chromium test fails on any CSP violation.
"""
from __future__ import annotations

from html.parser import HTMLParser

import pytest

from people.models import Role
from tests.factories import login_verified, make_catalog, make_course, make_staff, make_user

pytestmark = pytest.mark.django_db


def policy_of(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in header.split(";") if part.strip())}


def assert_strict_scripts(response) -> None:
    policy = policy_of(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert "camera=()" in response["Permissions-Policy"] and "fullscreen=(self)" in response["Permissions-Policy"]
    assert response["Referrer-Policy"] == "same-origin"


class InlineCode(HTMLParser):
    """What a strict policy refuses in a page: inline scripts, event-handler attributes, javascript: URLs."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self._script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script":
            self._script = not attributes.get("src") and attributes.get("type") not in (
                "application/json", "text/template")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(
                    "javascript:"):
                self.found.append(f"<{tag} {name}={value}>")

    def handle_data(self, data):
        if self._script and data.strip():
            self.found.append("<script>" + data.strip()[:80])

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = False


def inline_code(response) -> list[str]:
    parser = InlineCode()
    parser.feed(response.content.decode())
    return parser.found


def test_public_page_carries_the_policy(client):
    response = client.get("/accounts/login/")

    assert response.status_code == 200
    assert_strict_scripts(response)
    policy = policy_of(response)
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:", "blob:"]
    assert policy["media-src"] == ["'self'", "blob:"] and policy["worker-src"] == ["'self'", "blob:"]
    assert inline_code(response) == []


def test_admin_page_carries_the_policy_with_inline_styles_only(client):
    login_verified(client, make_user("editor", is_superuser=True, is_staff=True))

    response = client.get("/admin/")

    assert response.status_code == 200
    assert_strict_scripts(response)
    assert policy_of(response)["style-src"] == ["'self'", "'unsafe-inline'"]
    assert inline_code(response) == []


def test_api_answers_carry_the_policy(client, province):
    client.force_login(make_staff(Role.UNIT_MANAGER, province["tanan"]))

    response = client.get("/api/v1/people/org-units/")

    assert response.status_code == 200
    assert_strict_scripts(response)


def test_api_docs_start_swagger_from_a_file(client):
    client.force_login(make_user("reader"))

    page = client.get("/api/docs/")
    script = client.get("/api/docs/?script=")

    assert page.status_code == 200 and inline_code(page) == [] and b"<style" not in page.content
    assert_strict_scripts(page)
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in script.content


def test_media_origins_come_from_settings():
    import importlib

    import lms.settings.base as base

    with pytest.MonkeyPatch.context() as env:
        env.setenv("MEDIA_URL", "https://media.example.vn/media/")
        env.setenv("MEDIA_STORAGE", "s3")
        env.setenv("AWS_S3_ENDPOINT_URL", "https://s3.stp.gov.vn")
        env.setenv("CSP_MEDIA_ORIGINS", "https://cdn.stp.gov.vn/videos/")
        env.setenv("CSP_REPORT_URI", "https://csp.stp.gov.vn/report")
        reloaded = importlib.reload(base)
        directives = reloaded.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    importlib.reload(base)

    expected = ["https://media.example.vn", "https://s3.stp.gov.vn", "https://lms-media.s3.stp.gov.vn",
                "https://cdn.stp.gov.vn"]
    for directive in ("img-src", "media-src", "connect-src"):
        assert directives[directive][-4:] == expected
    assert directives["script-src"] == ["'self'"]
    assert directives["report-uri"] == ["https://csp.stp.gov.vn/report"]


def test_chooser_widgets_render_no_inline_script():
    """Pins lms.wagtail_csp's replacement of Wagtail's BaseChooser.render."""
    from wagtail.admin.widgets import AdminPageChooser

    html = AdminPageChooser().render("course", None, {"id": "id_course"})

    assert "<script" not in html
    assert 'data-lms-init="PageChooser"' in html and "data-lms-new" in html and "&quot;id_course&quot;" in html


@pytest.mark.parametrize("url", [
    "/admin/snippets/assessments/question/add/",   # inline panel of options, category chooser
    "/admin/snippets/assessments/quiz/add/",       # inline panel of slots (choosers), dates and times
    "/admin/snippets/assessments/contest/add/",    # date-and-time pickers
])
def test_admin_forms_start_their_widgets_without_inline_scripts(client, url):
    login_verified(client, make_user("editor", is_superuser=True, is_staff=True))

    response = client.get(url)

    assert response.status_code == 200
    assert inline_code(response) == []
    assert b"data-lms-init=" in response.content


def test_page_editor_has_no_inline_script(client):
    admin = make_user("editor", is_superuser=True, is_staff=True)
    course = make_course(make_catalog(), owner=admin)
    login_verified(client, admin)

    response = client.get(f"/admin/pages/{course.pk}/edit/")

    assert response.status_code == 200
    assert inline_code(response) == []
    assert b'data-lms-init="initDateTimeChooser"' in response.content  # the publishing schedule
