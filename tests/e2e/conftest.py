"""The real-browser suite: Helpsquare served by gunicorn on a loopback port, driven by
Playwright for Python in Debian's Chromium.

It runs apart from the fast suite: ``make test`` (plain ``pytest``) deselects every test
marked ``e2e``; ``bash .ci/e2e`` (``pytest -m e2e tests/e2e``) runs them.

One server and one browser serve the whole run; every test gets fresh browser contexts
(no cookies carried over) and makes its own users, so tests do not depend on each other.
The database is a fresh SQLite file with the demo data (``flask seed-demo``).
"""

from __future__ import annotations

import email
import email.policy
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Dialog,
    Page,
    Playwright,
    sync_playwright,
)

from tests.live_server import gunicorn, run_flask, server_env

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
# Debian's Chromium, headless; the resolver rule keeps it from looking up any outside host.
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1",
]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1440, "height": 900}
# Playwright's default wait (30 s) only hides a hung page; everything here answers in well
# under a second on the loopback.
TIMEOUT_MS = 10_000

# Recorded in every page before its own scripts run: a CSP violation means hostile markup
# reached the DOM and only the second line of defence stopped it.
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    event.violatedDirective + " blocked " + (event.blockedURI || "inline code")
    + " (" + (event.sample || "") + ")");
});
"""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Keep browser tests out of the fast suite unless the run picks marks itself (``-m``)."""
    if config.option.markexpr:
        return
    in_browser = [item for item in items if item.get_closest_marker("e2e")]
    if in_browser:
        config.hook.pytest_deselected(items=in_browser)
        items[:] = [item for item in items if not item.get_closest_marker("e2e")]


@pytest.fixture(autouse=True)
def _transaction() -> None:
    """Replaces the fast suite's per-test rollback: these tests talk to a server over HTTP,
    never to a database of the test process, so there is nothing to roll back."""


@dataclass
class LiveServer:
    """Helpsquare running in a subprocess, with its own database and working folder."""

    url: str
    workdir: Path
    env: dict[str, str]
    log: Path

    @property
    def mail_dir(self) -> Path:
        """Where the server's file mail backend writes one ``.eml`` per message."""
        return Path(self.env["MAIL_FILE_DIR"])

    def mails(self) -> list[email.message.EmailMessage]:
        """Every message the server sent so far, oldest first (claim and invitation links)."""
        files = sorted(self.mail_dir.glob("*.eml"), key=lambda path: path.stat().st_mtime_ns)
        return [
            email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            for path in files
        ]

    def flask(self, *args: str) -> str:
        """Run a ``flask --app wsgi`` command against the server's database; its output."""
        return _run_flask(self.env, *args)

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def _run_flask(env: dict[str, str], *args: str) -> str:
    return run_flask(env, *args)


def _server_env(workdir: Path) -> dict[str, str]:
    return server_env(
        f"sqlite:///{workdir / 'e2e.db'}",
        workdir / "mail",
        SECRET_KEY="e2e-only-secret-key-not-for-production",
        # Mail delivered within the request that sent it, for the tests to read.
        MAIL_SEND="inline",
        # The webhook journey sends to a receiver of the test's own on loopback.
        WEBHOOKS_ALLOW_PRIVATE="true",
        # The company site of tests/e2e/test_company_site.py is another loopback port.
        WIDGET_ALLOW_LOCAL="true",
        # Attached images of the journeys, beside their database.
        UPLOADS_DIR=str(workdir / "uploads"),
    )


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A fresh database (migrations + demo data) served by gunicorn on a loopback port
    (``tests.live_server.gunicorn``)."""
    workdir = tmp_path_factory.mktemp("e2e")
    env = _server_env(workdir)
    _run_flask(env, "db", "upgrade")
    _run_flask(env, "seed-demo")
    log = workdir / "server.log"
    with gunicorn(env, log, threads=8) as url:
        live = LiveServer(url=url, workdir=workdir, env=env, log=log)
        try:
            with urllib.request.urlopen(live.url + "/", timeout=30) as response:  # noqa: S310 - our loopback server
                assert response.status == 200
        except Exception as error:
            raise RuntimeError(f"the server did not answer: {error}\n{live.log_tail()}") from error
        yield live


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} is missing: run `bash .ci/e2e`, it installs Chromium")
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
    yield browser
    browser.close()


@dataclass
class Watch:
    """What happened in a page that no person should ever see."""

    dialogs: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)


@dataclass
class Browsing:
    """Opens browser contexts on the live server and checks what they saw at the end."""

    browser: Browser
    server: LiveServer
    contexts: list[BrowserContext] = field(default_factory=list)
    watch: Watch = field(default_factory=Watch)
    signed_in: dict[str, dict] = field(default_factory=dict)

    def new_context(
        self, viewport: dict[str, int] | None = None, color_scheme: str = "light", **options
    ) -> BrowserContext:
        context = self.browser.new_context(
            base_url=self.server.url,
            viewport=viewport or DESKTOP,
            color_scheme=color_scheme,
            locale="en-GB",
            timezone_id="UTC",
            **options,
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.add_init_script(RECORD_CSP_VIOLATIONS)
        context.on("page", self._watch_page)
        self.contexts.append(context)
        return context

    def new_page(self, viewport: dict[str, int] | None = None, **options) -> Page:
        """A page in a fresh context: a new person with no cookies."""
        return self.new_context(viewport, **options).new_page()

    def _watch_page(self, page: Page) -> None:
        def on_dialog(dialog: Dialog) -> None:
            self.watch.dialogs.append(f"{dialog.type}: {dialog.message!r} on {page.url}")
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.on("pageerror", lambda error: self.watch.page_errors.append(str(error)))

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture(scope="session")
def signed_in_states() -> dict[str, dict]:
    """Signed-in cookie jars by username, shared by the tests that only need to be someone."""
    return {}


@pytest.fixture
def browsing(
    browser: Browser, live_server: LiveServer, signed_in_states: dict[str, dict]
) -> Iterator[Browsing]:
    """Fresh browser contexts for one test; any dialog or script error fails the test."""
    session = Browsing(browser, live_server, signed_in=signed_in_states)
    try:
        yield session
    finally:
        session.close()
    assert not session.watch.dialogs, f"a dialog opened: {session.watch.dialogs}"
    assert not session.watch.page_errors, f"a script failed: {session.watch.page_errors}"


@pytest.fixture
def page(browsing: Browsing) -> Page:
    """A visitor's page at desktop width."""
    return browsing.new_page()


@pytest.fixture
def page_as(browsing: Browsing) -> Callable[..., Page]:
    """``page_as("bruno", viewport=PHONE)``: a page signed in as a demo user.

    Signs in through the form once per user per run and reuses the cookie jar after.
    """
    from tests.e2e import steps

    def open_as(username: str, **options) -> Page:
        state = browsing.signed_in.get(username)
        if state is None:
            page = browsing.new_page()
            steps.sign_in(page, username, steps.DEMO_PASSWORD)
            state = page.context.storage_state()
            browsing.signed_in[username] = state
        return browsing.new_context(storage_state=state, **options).new_page()

    return open_as
