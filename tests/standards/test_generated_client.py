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
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.standards

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
FLOW = Path(__file__).with_name("client_flow.py")
PACKAGE = "helpsquare_client"


@pytest.fixture
def _transaction() -> None:
    """Replaces the fast suite's per-test rollback: this test talks to a server over HTTP."""


def _server_env(workdir: Path) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"APP_ENV", "FLASK_ENV", "SERVER_NAME", "TRUSTED_HOSTS"}
    }
    env.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'client.db'}")
    env.update(
        RATELIMIT_ENABLED="false",
        SECRET_KEY="generated-client-test-secret-key",
        EMAIL_VERIFICATION="off",
        MAIL_BACKEND="file",
        MAIL_FILE_DIR=str(workdir / "mail"),
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def _run(command: list[str], *, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(  # noqa: S603 - fixed commands of our own
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=240, check=False
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{output}"
    return output


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """gunicorn on a loopback port; the socket is opened here and handed over (fd://), so
    the first request waits in its backlog until the worker is up."""
    workdir = tmp_path_factory.mktemp("client-server")
    env = _server_env(workdir)
    _run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    port = listener.getsockname()[1]
    log = workdir / "server.log"
    with log.open("wb") as log_file:
        server = subprocess.Popen(  # noqa: S603 - a fixed command of our own
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--bind",
                f"fd://{listener.fileno()}",
                "--workers",
                "1",
                "--no-control-socket",
                "wsgi:app",
            ],
            cwd=ROOT,
            env=env,
            pass_fds=[listener.fileno()],
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    listener.close()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


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
