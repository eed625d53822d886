"""Browser fixtures: the app served on a real port, Debian's Chromium driven by Playwright, signed-in pages.

Playwright's own browser download cannot run here, so the browser is the system's `chromium` (CI installs it);
without one these tests are skipped, and the run says so.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable, Iterator

import pytest
from werkzeug.serving import make_server

from factdesk.services.users import add_user, set_password

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PASSWORD = "correct horse battery staple"
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine (CI installs Debian's)")


@pytest.fixture
def live_server(app) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The test app on a free port of 127.0.0.1, threaded like a real server. A test using it commits for real
    (see tests/conftest.py `_commits`): each request has its own connection, as in production."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def chromium():  # type: ignore[no-untyped-def]
    """One headless Chromium for the session; each test opens its own contexts (separate cookies)."""
    if CHROMIUM is None:
        pytest.skip("no Chromium on this machine (CI installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield browser
        browser.close()


@pytest.fixture
def desk_user(sessions) -> Callable[..., str]:  # type: ignore[no-untyped-def]
    """Creates a user with a desk password; returns the name."""

    def make(name: str, role: str, desk: str | None = None, password: str = PASSWORD) -> str:
        add_user(sessions, name, role, desk)
        set_password(sessions, name, password)
        return name

    return make


@pytest.fixture
def signed_in(chromium, live_server) -> Iterator[Callable[..., object]]:  # type: ignore[no-untyped-def]
    """Opens a fresh browser (own cookies) signed in as `name` through the sign-in form; returns its page."""
    contexts = []

    def open_as(name: str, password: str = PASSWORD, viewport: dict[str, int] | None = None):  # type: ignore[no-untyped-def]
        context = chromium.new_context(viewport=viewport or {"width": 1280, "height": 800}, base_url=live_server)
        contexts.append(context)
        page = context.new_page()
        page.goto("/desk/login")
        page.get_by_label("Username").fill(name)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        return page

    yield open_as
    for context in contexts:
        context.close()
