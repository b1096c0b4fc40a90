"""Real Chromium (Debian's /usr/bin/chromium) driven by Playwright against live_server."""
from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = "/usr/bin/chromium"
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Chromium is missing: `make test` installs Debian's chromium package."
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
        ])
        new_context = browser.new_context
        browser.new_context = lambda *args, **kwargs: _watch_csp(new_context(*args, **kwargs))
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    page.goto("about:blank")  # stops the page's timers (a playing lecture's heartbeats) and sends its last beacon
    context.close()
    _wait_until_the_server_is_quiet()


# The Content-Security-Policy (lms.security_headers) as a guard: every document and frame of every
# context a test opens reports on the console what the policy blocked, and the test fails on it. An
# inline <script>, an on*= handler, a javascript: link or a foreign origin added later breaks a test.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error("CSP violation: " + event.effectiveDirective + " blocked " + (event.blockedURI || "inline")
                + " at " + event.sourceFile + ":" + event.lineNumber + " on " + document.location.href);
});
"""
_csp_violations: list[str] = []


def _collect_csp_violation(message) -> None:
    if message.type == "error" and (message.text.startswith("CSP violation")
                                     or "Content Security Policy" in message.text):
        _csp_violations.append(message.text)


def _watch_csp(context):
    context.add_init_script(REPORT_CSP_VIOLATIONS)
    context.on("page", lambda page: page.on("console", _collect_csp_violation))
    return context


@pytest.fixture(autouse=True)
def no_csp_violations():
    _csp_violations.clear()
    yield
    found, _csp_violations[:] = list(_csp_violations), []
    assert not found, "The Content-Security-Policy blocked something:\n" + "\n".join(found)


def _wait_until_the_server_is_quiet(seconds: float = 10.0) -> None:
    """Before the test database is emptied: on PostgreSQL, TRUNCATE deadlocks with a request the live
    server is still answering (a heartbeat holding its row lock). Polls, for a bounded time, until no
    other session of the test database is busy twice in a row."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return  # SQLite waits on its lock instead
    quiet, deadline = 0, time.monotonic() + seconds
    with connection.cursor() as cursor:
        while quiet < 2 and time.monotonic() < deadline:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                           "AND pid <> pg_backend_pid() AND state <> 'idle'")
            quiet = quiet + 1 if cursor.fetchone()[0] == 0 else 0
            cursor.execute("SELECT pg_sleep(0.1)")


def wait_for_js(page, expression: str, timeout: float = 15000) -> None:
    """Wait until a JavaScript expression is truthy in the page. Playwright's ``wait_for_function`` evals its
    string in the page, which the Content-Security-Policy refuses (no 'unsafe-eval'); ``evaluate`` runs
    through the DevTools protocol instead."""
    deadline = time.monotonic() + timeout / 1000
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout / 1000:.0f} s: {expression}")
        page.wait_for_timeout(100)


def serious_accessibility_violations(page) -> list[str]:
    """Run axe-core in the page; return serious or critical violations as text."""
    assert AXE.exists(), "axe-core is missing: `make test` installs it from npm."
    page.evaluate(AXE.read_text())  # not a <script> tag: the policy refuses inline scripts
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes)" for v in result["violations"]
            if v["impact"] in ("serious", "critical")]


def log_in(page, username: str, password: str | None = None) -> None:
    """Sign in through the login form as a person does; lands on the profile page."""
    from people.demo import DEMO_PASSWORD

    page.goto("/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password or DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(re.compile(r"/accounts/profile/$"))


def emailed_confirmation_code() -> str:
    """The confirmation code of the last two-factor setup e-mail (the live server shares the test's outbox)."""
    from django.core import mail

    return re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)


def set_up_two_factor(page) -> None:
    """On the two-factor setup page: the e-mailed confirmation code and a code of the shown secret."""
    import base64

    from django_otp.oath import TOTP

    secret = page.locator("#otp-secret").inner_text().strip()
    page.get_by_label("Mã xác nhận").fill(emailed_confirmation_code())
    page.get_by_label("Mã 6 chữ số từ ứng dụng xác thực").fill(str(TOTP(base64.b32decode(secret)).token()).zfill(6))
    page.get_by_role("button", name="Xác nhận").click()
