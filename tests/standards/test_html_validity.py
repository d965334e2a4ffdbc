"""The key pages are valid HTML by the W3C Nu HTML Checker (vnu), signed out and signed in.

The pages are made by the app over the demo data and checked in one run of the checker
(Java starts once). Any error fails the test, named by page, line and message; warnings
(advice, such as a redundant role) do not.

vnu comes from npm (``vnu-jar``), Java from Debian; ``bash .ci/standards`` installs both
where missing. ``VNU_JAR`` names another copy of the jar.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.accounts.models import User
from app.demo import seed_demo
from app.extensions import db
from app.questions.models import Question
from tests.conftest import login_as

pytestmark = pytest.mark.standards

# A question with answers, a best answer and an official one (the demo's busiest page).
DEMO_QUESTION = "Acme Drive stops syncing after the 4.2 update"

SIGNED_OUT = [
    "/",
    "/companies/",
    "/companies/acme-cloud",
    "/companies/acme-cloud/products/acme-drive",
    "/companies/acme-cloud/staff",
    "/sign-in",
    "/sign-up",
    "/search?q=sync",
    "/users/alice",
    "/moderation/log",
    "{question}",
    "/about",
    "/terms",
    "/privacy",
    "/accessibility",
    "/contact",
]
# (user, path): what a signed-in person sees grows forms and buttons.
SIGNED_IN = [
    ("bruno", "{question}"),
    ("bruno", "/"),
    ("dana", "/companies/acme-cloud/ask"),
    ("chen", "/users/chen"),
    ("alice", "/notifications"),
    ("bruno", "/companies/lumen-home/claim"),
    ("jane", "/companies/acme-cloud/staff"),
    ("sitekeeper", "/admin/claims"),
    ("chen", "/account/profile"),
]


def _vnu_jar() -> Path:
    named = os.environ.get("VNU_JAR")
    if named:
        return Path(named)
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail("npm is missing: run `bash .ci/standards`, it installs Java and vnu-jar")
    root = subprocess.run(  # noqa: S603 - a fixed command of our own
        [npm, "root", "-g"], capture_output=True, text=True, check=True
    ).stdout.strip()
    return Path(root) / "vnu-jar" / "build" / "dist" / "vnu.jar"


def _errors(pages: dict[str, str], workdir: Path) -> list[str]:
    """vnu's errors over ``pages`` (name → HTML), as "name:line: message"."""
    jar, java = _vnu_jar(), shutil.which("java")
    if java is None or not jar.exists():
        pytest.fail(f"Java or {jar} is missing: run `bash .ci/standards`, it installs both")
    files = {}
    for index, (name, html) in enumerate(pages.items()):
        path = workdir / f"page-{index}.html"
        path.write_text(html, encoding="utf-8")
        files[path.name] = name
    done = subprocess.run(  # noqa: S603 - a fixed command of our own
        [java, "-jar", str(jar), "--errors-only", "--format", "json", *map(str, workdir.glob("*"))],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = json.loads(done.stderr or done.stdout)
    found = []
    for message in report["messages"]:
        if message["type"] not in {"error", "non-document-error"}:
            continue
        url = message.get("url", "?")
        name = files.get(url.rsplit("/", 1)[-1], url)
        found.append(f"{name}:{message.get('lastLine', '?')}: {message['message']}")
    return found


def test_the_key_pages_are_valid_html(app, tmp_path):
    with app.test_request_context():
        seed_demo()
    question = db.session.scalar(sa.select(Question).where(Question.title == DEMO_QUESTION))
    question_path = f"/questions/{question.id}/{question.slug}"
    pages: dict[str, str] = {}

    def fetch(client, label: str, path: str) -> None:
        path = path.format(question=question_path)
        response = client.get(path)
        assert response.status_code == 200, (label, path, response.status_code)
        pages[f"{label} {path}"] = response.get_data(as_text=True)

    visitor = app.test_client()
    for path in SIGNED_OUT:
        fetch(visitor, "signed out", path)
    for username, path in SIGNED_IN:
        user = db.session.scalar(sa.select(User).where(User.username == username))
        fetch(login_as(app.test_client(), user), username, path)

    errors = _errors(pages, tmp_path)

    assert len(pages) == len(SIGNED_OUT) + len(SIGNED_IN)
    assert not errors, "\n".join(errors)


def test_the_checker_finds_an_error_when_there_is_one(tmp_path):
    # The check can fail: microseconds in <time datetime> (what issue 20 found) are an error.
    page = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>t</title></head>'
        '<body><time datetime="2026-12-04T01:39:43.747390+00:00">today</time></body></html>'
    )
    errors = _errors({"bad": page}, tmp_path)

    assert len(errors) == 1 and errors[0].startswith("bad:1: ")
