"""Helpsquare served by gunicorn on a loopback port, for tests that talk to it over HTTP
(tests/e2e in a browser, tests/standards with a generated API client)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_flask(env: dict[str, str], *args: str) -> str:
    """Run a ``flask --app wsgi`` command with ``env``; its output."""
    command = [sys.executable, "-m", "flask", "--app", "wsgi", *args]
    done = subprocess.run(  # noqa: S603 - a fixed command of our own
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def server_env(database_url: str, mail_dir: Path, **settings: str) -> dict[str, str]:
    """The server's environment: the caller's, less the settings of its own app (a test
    database's server name, production mode), with no rate limits and mail in files."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"APP_ENV", "FLASK_ENV", "SERVER_NAME", "TRUSTED_HOSTS"}
    }
    env.update(
        DATABASE_URL=database_url,
        RATELIMIT_ENABLED="false",
        RATELIMIT_STORAGE_URI="memory://",
        MAIL_BACKEND="file",
        MAIL_FILE_DIR=str(mail_dir),
        PYTHONDONTWRITEBYTECODE="1",
        **settings,
    )
    return env


@contextmanager
def gunicorn(env: dict[str, str], log: Path, *, threads: int = 1) -> Iterator[str]:
    """gunicorn serving ``wsgi:app`` with ``env``, its output in ``log``; yields its URL.

    The listening socket is opened here and handed to gunicorn (``fd://``): the port is
    never free for someone else to take, and the first request simply waits in the
    socket's backlog until the worker is up, so nothing polls or sleeps.
    """
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    port = listener.getsockname()[1]
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
                "--threads",
                str(threads),
                "--no-control-socket",
                "--access-logfile",
                "-",
                "wsgi:app",
            ],
            cwd=ROOT,
            env=env,
            pass_fds=[listener.fileno()],
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    listener.close()  # gunicorn holds its own copy
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
