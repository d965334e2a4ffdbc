"""A client generated from /api/v1/openapi.json with openapi-python-client builds without a
warning, passes ``mypy --strict`` together with typed code that uses it (client_flow.py), and
runs sign up → token → ask → answer → helpful → search against a live server.

The server is gunicorn on a loopback port over the suite's database (``DATABASE_URL``, or a
fresh SQLite file), migrated first; every run makes its own accounts and company.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.live_server import gunicorn, run_flask, server_env

pytestmark = pytest.mark.standards

BIN = Path(sys.executable).parent
FLOW = Path(__file__).with_name("client_flow.py")
PACKAGE = "helpsquare_client"


@pytest.fixture
def _transaction() -> None:
    """Replaces the fast suite's per-test rollback: this test talks to a server over HTTP."""


def _run(command: list[str], *, cwd: Path) -> str:
    done = subprocess.run(  # noqa: S603 - fixed commands of our own
        command, cwd=cwd, capture_output=True, text=True, timeout=240, check=False
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{output}"
    return output


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """gunicorn on a loopback port over the suite's database, migrated first."""
    workdir = tmp_path_factory.mktemp("client-server")
    env = server_env(
        os.environ.get("DATABASE_URL") or f"sqlite:///{workdir / 'client.db'}",
        workdir / "mail",
        SECRET_KEY="generated-client-test-secret-key",
        EMAIL_VERIFICATION="off",
    )
    run_flask(env, "db", "upgrade")
    with gunicorn(env, workdir / "server.log") as url:
        yield url


def test_a_generated_client_type_checks_and_runs_the_whole_flow(live_server, tmp_path):
    with urllib.request.urlopen(f"{live_server}/api/v1/openapi.json", timeout=30) as response:  # noqa: S310 - our loopback server
        document = json.load(response)
    (tmp_path / "openapi.json").write_text(json.dumps(document))
    # No post hooks: the generator would run ruff over the package (formatting only).
    (tmp_path / "config.json").write_text(json.dumps({"post_hooks": []}))

    generated = _run(
        [
            str(BIN / "openapi-python-client"),
            "generate",
            "--path",
            "openapi.json",
            "--config",
            "config.json",
            "--meta",
            "none",
            "--output-path",
            PACKAGE,
        ],
        cwd=tmp_path,
    )
    assert "Warning" not in generated, generated
    shutil.copy(FLOW, tmp_path / FLOW.name)
    checked = _run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--cache-dir",
            str(tmp_path / ".mypy_cache"),
            PACKAGE,
            FLOW.name,
        ],
        cwd=tmp_path,
    )
    ran = _run([sys.executable, FLOW.name, live_server], cwd=tmp_path)

    assert "Success: no issues found" in checked
    assert "the whole flow ran" in ran
