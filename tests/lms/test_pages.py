"""The home page and base layout, in Vietnamese by default."""
import pytest

pytestmark = pytest.mark.django_db


def test_home_page_is_vietnamese_and_accessible(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert "Bồi dưỡng trực tuyến về phổ biến, giáo dục pháp luật" in html
    assert 'href="#main"' in html and '<main id="main"' in html and "<nav" in html
    assert "Đăng nhập" in html
    # no third-party hosts: the site runs inside a closed network
    assert "cdn" not in html.lower()


def test_english_is_the_second_language(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html and "Log in" in html


def test_api_schema_is_published(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/v1/people/profiles/" in response.content


def test_vietnamese_even_when_the_browser_prefers_english(client):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="vi">' in html and "Đăng nhập" in html
