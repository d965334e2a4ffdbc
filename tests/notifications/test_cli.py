"""``flask notifications send`` and ``flask notifications digest``."""

from __future__ import annotations

import os
import signal

import pytest

from app.answers import services as answers
from app.notifications import mailer
from app.questions import services as questions
from tests.checks import snapshot
from tests.factories import make_company, make_user
from tests.mail.helpers import links_in, read_mail, use_file_backend
from tests.notifications.helpers import save


def _answered(asker_email: str = "alice@example.org") -> None:
    asker = make_user("alice", email=asker_email)
    question = questions.ask_question(asker, make_company(), title="Why the beep?", body="?")
    answers.post_answer(make_user(), question, body="The battery.")
    save()


def test_send_queues_the_immediate_ones_and_delivers_them(app, monkeypatch, tmp_path):
    folder = use_file_backend(app, monkeypatch, tmp_path)
    _answered()
    runner = app.test_cli_runner()

    first = runner.invoke(args=["notifications", "send"])
    second = runner.invoke(args=["notifications", "send"])

    assert first.output == "Queued 1 e-mail.\n"
    assert second.output == "Queued 0 e-mails.\n"
    (message,) = read_mail(folder)
    assert message["To"] == "alice@example.org"


def test_links_need_the_sites_address(app, monkeypatch, tmp_path):
    folder = use_file_backend(app, monkeypatch, tmp_path)
    monkeypatch.setitem(app.config, "SERVER_NAME", None)
    _answered()
    runner = app.test_cli_runner()

    refused = runner.invoke(args=["notifications", "send"])
    assert refused.exit_code != 0
    assert "set SERVER_NAME, or pass --base-url" in refused.output
    assert read_mail(folder) == []

    done = runner.invoke(args=["notifications", "send", "--base-url", "https://help.example"])
    assert done.output == "Queued 1 e-mail.\n"
    (message,) = read_mail(folder)
    assert all(link.startswith("https://help.example/") for link in links_in(message))


def test_digest_twice_the_same_day(app, monkeypatch, tmp_path):
    use_file_backend(app, monkeypatch, tmp_path)
    fan = make_user("fan")
    asker = make_user("asker")
    question = questions.ask_question(asker, make_company(), title="Why the beep?", body="?")
    questions.add_me_too(fan, question)
    answers.post_answer(make_user(), question, body="The battery.")
    save()
    runner = app.test_cli_runner()

    assert runner.invoke(args=["notifications", "digest"]).output == "Queued 1 digest.\n"
    assert runner.invoke(args=["notifications", "digest"]).output == "Queued 0 digests.\n"


def test_send_loop_keeps_going_when_a_round_fails_and_stops_on_sigterm(app, monkeypatch):
    rounds: list[str] = []

    def flaky(limit: int) -> int:
        rounds.append("round")
        if len(rounds) == 1:
            raise ConnectionError("the database restarted")
        os.kill(os.getpid(), signal.SIGTERM)
        return 2

    monkeypatch.setattr(mailer, "send_due", flaky)
    monkeypatch.setattr("app.mail.cli.Stopper.wait", lambda self, seconds: None)
    handler_before = signal.getsignal(signal.SIGTERM)

    result = app.test_cli_runner().invoke(args=["notifications", "send", "--loop"])

    assert result.exit_code == 0, result.output
    assert rounds == ["round", "round"]
    assert result.output.splitlines()[-2:] == ["Queued 2 e-mails.", "Stopped."]
    assert signal.getsignal(signal.SIGTERM) == handler_before


def _digest_waiting() -> None:
    fan = make_user("fan")
    question = questions.ask_question(
        make_user("asker"), make_company(), title="Why the beep?", body="?"
    )
    questions.add_me_too(fan, question)
    answers.post_answer(make_user(), question, body="The battery.")
    save()


@pytest.mark.parametrize("command", ["send", "digest"])
@pytest.mark.parametrize(
    "base_url, why",
    [
        ("https://evil.example", "evil.example is not one of TRUSTED_HOSTS (help.example)"),
        ("https://help.example.evil.example", "is not one of TRUSTED_HOSTS"),
        ("https://help.example:99999", "is not one of TRUSTED_HOSTS"),
        ("help.example", "is not the site's address"),
        ("ftp://help.example", "is not the site's address"),
        ("https://user@help.example", "is not the site's address"),
        ("https://[::1", "is not the site's address"),
    ],
)
def test_a_base_url_outside_the_trusted_hosts_is_refused_and_nothing_is_sent(
    app, monkeypatch, tmp_path, command, base_url, why
):
    folder = use_file_backend(app, monkeypatch, tmp_path)
    monkeypatch.setitem(app.config, "SERVER_NAME", None)
    monkeypatch.setitem(app.config, "TRUSTED_HOSTS", ["help.example"])
    _digest_waiting()
    before = snapshot()

    refused = app.test_cli_runner().invoke(args=["notifications", command, "--base-url", base_url])

    assert refused.exit_code == 2, refused.output
    assert refused.exception is None or isinstance(refused.exception, SystemExit)
    assert "Invalid value for '--base-url'" in refused.output
    assert why in refused.output
    assert "Nothing was sent." in refused.output
    assert snapshot() == before
    assert read_mail(folder) == []


@pytest.mark.parametrize(
    "command, queued", [("send", "Queued 1 e-mail."), ("digest", "Queued 1 digest.")]
)
def test_a_trusted_base_url_is_used_for_the_links(app, monkeypatch, tmp_path, command, queued):
    folder = use_file_backend(app, monkeypatch, tmp_path)
    monkeypatch.setitem(app.config, "SERVER_NAME", None)
    monkeypatch.setitem(app.config, "TRUSTED_HOSTS", ["help.example", ".help.example"])
    _digest_waiting()

    done = app.test_cli_runner().invoke(
        args=["notifications", command, "--base-url", "https://eu.help.example"]
    )

    assert done.output.startswith(queued), done.output
    assert done.exit_code == 0
    (message, *_) = read_mail(folder)
    assert links_in(message)
    assert all(link.startswith("https://eu.help.example/") for link in links_in(message))
