"""Console fixtures: staff accounts of every role and a client that signs in with CSRF."""
from __future__ import annotations

import pytest

from models.db import db
from models import User
from tests.console.console_helpers import PASSWORD, Staff


@pytest.fixture
def staff(app):
    """Factory: staff(role, department=None, township=None) -> username (password PASSWORD)."""
    def create(role: str, department: str | None = None, township: str | None = None,
               username: str | None = None) -> str:
        username = username or f"{role}_{department or 'all'}_{township or ''}".rstrip("_")
        with app.app_context():
            user = User(username=username, role=role, department=department, township=township)
            user.set_password(PASSWORD)
            db.session.add(user)
            db.session.commit()
        return username
    return create


@pytest.fixture
def signed_in(app, staff):
    """Factory: signed_in(role, department=None, township=None) -> Staff client."""
    def make(role: str, department: str | None = None, township: str | None = None) -> Staff:
        username = staff(role, department, township)
        client = Staff(app.test_client())
        response = client.login(username)
        assert response.status_code == 302, response.get_data(as_text=True)
        return client
    return make


@pytest.fixture
def live_server(app, sqlite_only):
    """The app served on 127.0.0.1 and a free port, in a thread, against the test database.
    Chromium tests run on SQLite only: they check what the pages do in a browser; the queries
    under them are the same on both databases and run on both in the client tests (the CI
    budget: a browser walk costs 3–15 s)."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium driven by Playwright. Missing: a skip, or a failure in CI (REQUIRE_SERVICES=1)."""
    import os
    import shutil

    from tests.conftest import _missing

    path = os.environ.get("CHROMIUM", CHROMIUM)
    if not (os.path.exists(path) or shutil.which(path)):
        _missing(f"Chromium ({path})")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(chromium, live_server):
    """Factory: a fresh page (own cookies) signed in as the given user, or not signed in."""
    contexts = []

    def open_page(username: str | None = None, viewport: dict | None = None):
        context = chromium.new_context(viewport=viewport or {"width": 1280, "height": 860}, locale="zh-CN")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.base = live_server
        page.goto(live_server + "/console/login")
        if username:
            page.fill("#username", username)
            page.fill("#password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url("**/console/**")
            assert "/console/login" not in page.url
        return page

    yield open_page
    for context in contexts:
        context.close()
