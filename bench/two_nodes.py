#!/usr/bin/env python
"""Two app nodes on one PostgreSQL and one Redis, proved: sessions, rate limits, the page
cache, the outbox and the notification senders behave as one site.

    .venv/bin/python bench/two_nodes.py

It starts, on 127.0.0.1 only: two gunicorns (2 sync workers each, ports of their own, the
same SECRET_KEY, TRUSTED_PROXY_COUNT=1 as behind nginx) on one scratch PostgreSQL database
(``hs_two_nodes``, EMPTIED first; ``--database`` to change) migrated once before any worker
starts, with the limiter and the page cache in Redis (``redis://127.0.0.1:6379/7``, under a
key prefix of this run); two ``flask mail send --loop``, two ``flask notifications send
--loop`` and two ``flask webhooks send --loop``; a small SMTP server
(tests/mail/smtp_server.py) and a webhook receiver (tests/servers.py) that keep what they
receive.

Then it drives a mixed load through both nodes, every step on the node the last one did not
use: sign-ups, tokens, a company, questions, answers from every user to everyone else's
questions, helpful votes, anonymous reads; and checks:

- sessions: a browser signed in on node A is signed in on node B, and a form posted on B
  with the token A's page gave it is accepted; a token made on one node works on the other;
- rate limits: one new account asks 8 questions alternately through both nodes and exactly
  ``FIRST_DAY_QUESTION_LIMITS`` (3) get through (per-process counts would let 3 per worker);
- the page cache: a question page cached through A shows an answer posted through B at once;
- e-mail: once the outboxes are empty (/metrics), every outbox row reached the SMTP server
  exactly once (Message-IDs name the row): none twice, none lost;
- webhooks: the company's endpoint (registered before the load) received every delivery
  exactly once (``webhook-id`` names it), each signed as Standard Webhooks says, and every
  delivery row says delivered: none twice, none lost;
- counters equal rows: answer_count, helpful_count, unread_notification_count against
  COUNT(*), and each node's /metrics request count against the requests sent to it.

At most about three minutes (``--deadline``); it prints its figures for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import contextlib
import http.cookiejar
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
VENV_BIN = Path(sys.executable).parent

import redis  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from flood import empty_postgresql, gunicorn  # noqa: E402
from prometheus_client.parser import text_string_to_metric_families  # noqa: E402
from standardwebhooks.webhooks import Webhook, WebhookVerificationError  # noqa: E402

from app.config import database_url_from_env  # noqa: E402
from tests.mail.smtp_server import smtp_server  # noqa: E402
from tests.servers import http_receiver  # noqa: E402

REDIS = "redis://127.0.0.1:6379/7"
PASSWORD = "two-nodes-bench-password"  # noqa: S105 - throwaway accounts, scratch database
USERS = 6
QUESTIONS_EACH = 2
LIMIT_TRIES = 8
FIRST_DAY_QUESTIONS = 3


class Node:
    """One app node: its base URL and the requests sent to it."""

    def __init__(self, name: str, base: str) -> None:
        self.name, self.base = name, base
        self.sent = 0
        self.statuses: Counter[int] = Counter()
        self._lock = threading.Lock()

    def request(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        form: dict[str, str] | None = None,
        token: str | None = None,
        address: str | None = None,
        opener: urllib.request.OpenerDirector | None = None,
    ) -> tuple[int, str, str]:
        """(status, body, final path); JSON for ``body``, a form for ``form``."""
        headers = {}
        data = None
        if body is not None:
            data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if address:
            headers["X-Forwarded-For"] = address  # as our nginx would add it
        request = urllib.request.Request(self.base + path, data, headers, method=method)  # noqa: S310
        with self._lock:
            self.sent += 1
        try:
            with (opener or urllib.request.build_opener()).open(request, timeout=30) as response:
                status, text, url = response.status, response.read().decode(), response.url
                # A redirect that was followed is one more request.
                if urllib.parse.urlsplit(url).path != urllib.parse.urlsplit(path).path:
                    with self._lock:
                        self.sent += 1
        except urllib.error.HTTPError as error:
            status, text, url = error.code, error.read().decode(), error.url
        with self._lock:
            self.statuses[status] += 1
        return status, text, urllib.parse.urlsplit(url).path

    def api(self, method: str, path: str, body: Any = None, **kwargs: Any) -> tuple[int, Any]:
        status, text, _ = self.request(method, "/api/v1" + path, body=body, **kwargs)
        try:
            return status, json.loads(text) if text else None
        except ValueError:
            return status, text


def created(answer: tuple[int, Any], what: str) -> Any:
    status, body = answer
    if status != 201:
        raise SystemExit(f"could not {what}: {status} {str(body)[:300]}")
    return body


def metrics(node: Node) -> dict[tuple[str, tuple], float]:
    """The node's /metrics (asked directly on loopback: no X-Forwarded-For)."""
    with urllib.request.urlopen(node.base + "/metrics", timeout=30) as response:  # noqa: S310
        text = response.read().decode()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def requests_counted(found: dict[tuple[str, tuple], float]) -> float:
    return sum(
        value for (name, _), value in found.items() if name == "helpsquare_http_requests_total"
    )


def settled_count(node: Node, tries: int = 20) -> int:
    """The requests the node has counted, this scrape included, once nothing else is in
    flight."""
    last = None
    for _ in range(tries):
        counted = int(requests_counted(metrics(node)))
        if last is not None and counted == last + 1:
            return counted + 1
        last = counted
        time.sleep(1)
    raise SystemExit(f"node {node.name} kept counting requests nobody sent")


@contextlib.contextmanager
def workers(env: dict[str, str], base_url: str) -> Iterator[list[subprocess.Popen]]:
    """Two mail, two notification and two webhook senders, stopped with SIGTERM at the end."""
    flask = [str(VENV_BIN / "flask"), "--app", "wsgi"]
    commands = [
        [*flask, "mail", "send", "--loop", "--interval", "0.5"],
        [*flask, "mail", "send", "--loop", "--interval", "0.5"],
        [*flask, "notifications", "send", "--loop", "--interval", "0.5", "--base-url", base_url],
        [*flask, "notifications", "send", "--loop", "--interval", "0.5", "--base-url", base_url],
        [*flask, "webhooks", "send", "--loop", "--interval", "0.5"],
        [*flask, "webhooks", "send", "--loop", "--interval", "0.5"],
    ]
    log = tempfile.TemporaryFile()  # noqa: SIM115 - closed below
    processes = [
        subprocess.Popen(  # noqa: S603 - our own command lines
            command,
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=log,
            stderr=log,
        )  # fmt: skip
        for command in commands
    ]
    try:
        yield processes
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.seek(0)
        errors = [line for line in log.read().decode().splitlines() if "Traceback" in line]
        if errors:
            print(f"  (the senders logged {len(errors)} tracebacks)")
        log.close()


def csrf_token(page: str) -> str:
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    if not found:
        raise SystemExit("no CSRF token on the page")
    return found.group(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="postgresql://postgres@127.0.0.1:5432/hs_two_nodes")
    parser.add_argument("--deadline", type=float, default=180.0, help="seconds, at most")
    args = parser.parse_args()
    os.chdir(ROOT)  # gunicorn reads gunicorn.conf.py from where it starts
    started = time.monotonic()
    url = database_url_from_env(args.database)
    empty_postgresql(url)
    prefix = f"hs2n{secrets.token_hex(4)}"
    store = redis.Redis.from_url(REDIS)
    for key in store.scan_iter("helpsquare:*"):  # pages of an earlier run (same ids)
        store.delete(key)
    checks: list[tuple[str, bool, str]] = []
    figures: dict[str, Any] = {}

    def check(name: str, passed: bool, detail: str = "") -> None:
        checks.append((name, passed, detail))
        print(f"  {'ok  ' if passed else 'FAIL'}  {name}{': ' + detail if detail else ''}")

    with smtp_server() as (smtp_port, mailbox), http_receiver() as receiver:
        env = {
            "DATABASE_URL": args.database,
            "SECRET_KEY": "two-nodes-" + secrets.token_hex(24),
            "TRUSTED_PROXY_COUNT": "1",
            "TRUSTED_HOSTS": "127.0.0.1",
            "RATELIMIT_STORAGE_URI": REDIS,
            "RATELIMIT_KEY_PREFIX": prefix,
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": REDIS,
            "PAGE_CACHE_SECONDS": "60",
            "MAIL_BACKEND": "smtp",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": str(smtp_port),
            "MAIL_SEND": "worker",
            "MAIL_DEFAULT_SENDER": "Helpsquare <no-reply@two-nodes.example>",
            "FIRST_DAY_QUESTION_LIMITS": f"{FIRST_DAY_QUESTIONS} per day",
            "FIRST_DAY_ANSWER_LIMITS": "50 per day",
            "ANSWER_LIMITS": "50 per hour",
            # Every notification e-mailed on its own: none waits an hour for its summary.
            "NOTIFICATION_EMAILS_PER_HOUR": "100",
            # Deliveries only by the two webhook senders, to a receiver on loopback.
            "WEBHOOKS_SEND": "worker",
            "WEBHOOKS_ALLOW_PRIVATE": "true",
        }
        engine = sa.create_engine(url)
        # flood.gunicorn migrates, then starts gunicorn: node A's upgrade makes the schema
        # before any worker exists; node B's finds nothing to do.
        with gunicorn(env) as base_a, gunicorn(env) as base_b, workers(env, base_a):
            a, b = Node("A", base_a), Node("B", base_b)
            nodes = (a, b)
            print(f"nodes: {a.base} and {b.base}; SMTP on 127.0.0.1:{smtp_port}", flush=True)
            for node in nodes:
                status, text, _ = node.request("GET", "/readyz")
                check(f"node {node.name} ready (database and Redis)", status == 200, text.strip())
            for node in nodes:
                # run.py's helper asked for / until it answered, and a slow first answer
                # is asked again (the first one still counts when it ends): start from what
                # the node counts once two scrapes a second apart differ by the first alone.
                node.sent = settled_count(node)
            load_started = time.monotonic()

            # Sign-ups on alternating nodes, each user from an address of its own.
            users = []
            for i in range(USERS):
                node, address = nodes[i % 2], f"10.20.0.{i + 1}"
                login = {"username": f"node-user-{i}", "password": PASSWORD}
                created(node.api("POST", "/users", {**login, "email": f"u{i}@example.org"},
                                 address=address), "sign up")  # fmt: skip
                users.append({"login": login, "address": address})
            with engine.begin() as connection:  # as if they had followed the e-mailed link
                connection.exec_driver_sql("UPDATE users SET email_verified_at = now()")
            for i, user in enumerate(users):  # each token from the other node
                user["token"] = created(
                    nodes[(i + 1) % 2].api("POST", "/tokens", user["login"],
                                           address=user["address"]), "get a token",
                )["token"]  # fmt: skip
            company = created(
                a.api("POST", "/companies",
                      {"name": "Two Nodes Co", "domain": "twonodes.example", "description": "."},
                      token=users[0]["token"], address=users[0]["address"]),
                "create the company",
            )  # fmt: skip
            # As if its claim had been approved: user 0 is the company's admin, and
            # registers a webhook endpoint for what the load does.
            with engine.begin() as connection:
                connection.exec_driver_sql(
                    "UPDATE companies SET claimed_at = now() WHERE slug = %(slug)s",
                    {"slug": company["slug"]},
                )
                connection.exec_driver_sql(
                    "INSERT INTO memberships (company_id, user_id, role, title, work_email,"
                    " created_at) SELECT c.id, u.id, 'admin', '', 'admin@twonodes.example',"
                    " now() FROM companies c, users u"
                    " WHERE c.slug = %(slug)s AND u.username = 'node-user-0'",
                    {"slug": company["slug"]},
                )
            endpoint = created(
                b.api("POST", f"/companies/{company['slug']}/webhooks",
                      {"url": receiver.url(), "events": ["question.created", "answer.created"]},
                      token=users[0]["token"], address=users[0]["address"]),
                "register a webhook endpoint",
            )  # fmt: skip

            def ask(i: int) -> list[int]:
                ids = []
                for n in range(QUESTIONS_EACH):
                    node = nodes[(i + n) % 2]
                    reply = node.api(
                        "POST",
                        f"/companies/{company['slug']}/questions",
                        {
                            "title": f"Question {n} of user {i}: does it sync?",
                            "body": f"User {i} asks, {n}: it stops syncing after a while.",
                        },
                        token=users[i]["token"],
                        address=users[i]["address"],
                    )
                    ids.append(created(reply, "ask")["id"])
                return ids

            with ThreadPoolExecutor(USERS) as pool:
                asked = list(pool.map(ask, range(USERS)))
            questions = [(i, q) for i, ids in enumerate(asked) for q in ids]

            def answer(i: int) -> list[int]:
                ids = []
                for n, (asker, question_id) in enumerate(questions):
                    if asker == i:
                        continue
                    node = nodes[(i + n) % 2]
                    posted = node.api(
                        "POST",
                        f"/questions/{question_id}/answers",
                        {"body": f"User {i} on question {question_id}: restart the sync."},
                        token=users[i]["token"],
                        address=users[i]["address"],
                    )
                    ids.append(created(posted, "answer")["id"])
                return ids

            with ThreadPoolExecutor(USERS) as pool:
                answered = list(pool.map(answer, range(USERS)))
            answers = [(i, a_id) for i, ids in enumerate(answered) for a_id in ids]

            def vote(i: int) -> int:
                votes = 0
                for n, (author, answer_id) in enumerate(answers[: len(answers) // 2]):
                    if author == i:
                        continue
                    status, _ = nodes[(i + n) % 2].api(
                        "POST", f"/answers/{answer_id}/helpful",
                        token=users[i]["token"], address=users[i]["address"],
                    )  # fmt: skip
                    votes += status in (200, 201, 204)
                return votes

            with ThreadPoolExecutor(USERS) as pool:
                votes = sum(pool.map(vote, range(USERS)))

            def read(n: int) -> int:
                question_id = questions[n % len(questions)][1]
                status, _, _ = nodes[n % 2].request("GET", f"/questions/{question_id}")
                return status

            with ThreadPoolExecutor(4) as pool:
                reads = Counter(pool.map(read, range(8 * len(questions))))
            load_seconds = time.monotonic() - load_started
            figures.update(
                users=USERS, questions=len(questions), answers=len(answers), votes=votes,
                reads=sum(reads.values()), load_seconds=load_seconds,
            )  # fmt: skip
            check("anonymous reads all 200 (after redirects to the slug)", set(reads) == {200})

            # Sessions: sign in through A's form, then act through B.
            jar = http.cookiejar.CookieJar()
            browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
            _, page, _ = a.request("GET", "/sign-in", opener=browser)
            form = {"csrf_token": csrf_token(page), **users[1]["login"]}
            form["login"] = form.pop("username")
            status, _, landed = a.request("POST", "/sign-in", form=form, opener=browser)
            check("signed in through node A's form", status == 200 and landed != "/sign-in")
            status, page, landed = b.request("GET", "/notifications", opener=browser)
            check(
                "node B knows the browser signed in on A",
                status == 200 and landed == "/notifications" and "node-user-1" in page,
                f"{status} {landed}",
            )
            target = questions[0][1]
            _, page, _ = b.request("GET", f"/questions/{target}", opener=browser)
            status, _, _ = b.request(
                "POST", f"/questions/{target}/follow",
                form={"csrf_token": csrf_token(page), "action": "add"}, opener=browser,
            )  # fmt: skip
            with engine.connect() as connection:
                follows = connection.exec_driver_sql(
                    "SELECT count(*) FROM follows f JOIN users u ON u.id = f.user_id "
                    "WHERE u.username = 'node-user-1' AND f.question_id = %(q)s",
                    {"q": target},
                ).scalar()
            check("a form posted on B with A's session is accepted", follows == 1, f"{status}")

            # Rate limits in Redis: a new account asks through both nodes in turn.
            login = {"username": "node-limited", "password": PASSWORD}
            created(a.api("POST", "/users", {**login, "email": "limited@example.org"},
                          address="10.30.0.1"), "sign up")  # fmt: skip
            with engine.begin() as connection:
                connection.exec_driver_sql("UPDATE users SET email_verified_at = now()")
            token = created(b.api("POST", "/tokens", login, address="10.30.0.1"), "token")["token"]
            outcomes = Counter(
                nodes[n % 2].api(
                    "POST", f"/companies/{company['slug']}/questions",
                    {"title": f"Limited question {n} about syncing",
                     "body": f"Attempt {n} to ask about syncing."},
                    token=token, address="10.30.0.1",
                )[0]
                for n in range(LIMIT_TRIES)
            )  # fmt: skip
            expected = Counter({201: FIRST_DAY_QUESTIONS, 429: LIMIT_TRIES - FIRST_DAY_QUESTIONS})
            check(
                f"{LIMIT_TRIES} questions through both nodes: exactly {FIRST_DAY_QUESTIONS} let in",
                outcomes == expected,
                str(dict(outcomes)),
            )

            # The page cache: cached through A, changed through B, read again through A.
            target = questions[-1][1]
            path = f"/questions/{target}"
            a.request("GET", path)
            _, first, _ = a.request("GET", path)
            pages = sum(1 for _ in store.scan_iter("helpsquare:page:*"))
            check("question pages are cached in Redis", pages > 0, f"{pages} pages")
            fresh = f"Posted through node B at {time.time():.6f}"
            posted = b.api(
                "POST",
                f"/questions/{target}/answers",
                {"body": fresh},
                token=users[0]["token"],
                address=users[0]["address"],
            )
            created(posted, "answer")
            _, again, _ = a.request("GET", path)
            check(
                "node A shows at once the answer posted through node B",
                fresh not in first and fresh in again,
            )

            # E-mail and webhooks: wait until the outboxes are empty, as /metrics reports them.
            mail_deadline = started + args.deadline
            while True:
                found = metrics(a)
                a.sent += 1
                waiting = {
                    name: found.get(("helpsquare_outbox_backlog", (("outbox", name),)), -1)
                    for name in ("mail", "notifications", "webhooks")
                }
                if all(count == 0 for count in waiting.values()):
                    break
                if time.monotonic() > mail_deadline:
                    check("the outboxes emptied in time", False, str(waiting))
                    break
                time.sleep(0.5)
            figures["drained_seconds"] = time.monotonic() - load_started
            with engine.connect() as connection:
                outbox = {
                    row[0]: row[1]
                    for row in connection.exec_driver_sql(
                        "SELECT id, sent_at IS NOT NULL FROM outbox_messages"
                    )
                }
                notified = connection.exec_driver_sql(
                    "SELECT count(*) FROM notifications WHERE emailed_at IS NOT NULL"
                ).scalar()
            received = Counter(
                int(match.group(1))
                for message in mailbox.received
                if (match := re.search(rb"Message-ID: <helpsquare\.(\d+)\.", message.data))
            )
            figures.update(emails=len(outbox), notified=notified)
            twice = sorted(id_ for id_, times in received.items() if times > 1)
            lost = sorted(set(outbox) - set(received))
            check(
                f"{len(outbox)} e-mails in the outbox, each received exactly once",
                not twice and not lost and all(outbox.values())
                and sum(received.values()) == len(mailbox.received) == len(outbox),
                f"twice {twice[:5]}, lost {lost[:5]}",
            )  # fmt: skip

            # Webhooks: each delivery received once, signed, and logged as delivered.
            with engine.connect() as connection:
                states = Counter(
                    dict(
                        connection.exec_driver_sql(
                            "SELECT state, count(*) FROM webhook_deliveries GROUP BY state"
                        ).all()
                    )
                )
                rows = set(
                    connection.exec_driver_sql("SELECT message_id FROM webhook_deliveries")
                    .scalars()
                    .all()
                )
            hooks = Counter(sent.headers.get("webhook-id") for sent in receiver.requests)
            verifier = Webhook(endpoint["secret"])
            unsigned = 0
            for sent in receiver.requests:
                try:
                    verifier.verify(sent.body, sent.headers)
                except WebhookVerificationError:
                    unsigned += 1
            twice = sorted(id_ for id_, times in hooks.items() if times > 1)
            lost = sorted(rows - set(hooks))
            figures.update(webhooks=len(rows))
            check(
                f"{len(rows)} webhook deliveries, each received exactly once and signed",
                rows and not twice and not lost and not unsigned and set(hooks) == rows
                and states == Counter({"delivered": len(rows)}),
                f"twice {twice[:3]}, lost {lost[:3]}, unsigned {unsigned}, states {dict(states)}",
            )  # fmt: skip

            # Counters equal rows.
            with engine.connect() as connection:
                wrong = {
                    "answer_count": "SELECT count(*) FROM questions q WHERE answer_count <> "
                    "(SELECT count(*) FROM answers a WHERE a.question_id = q.id)",
                    "helpful_count": "SELECT count(*) FROM answers a WHERE helpful_count <> "
                    "(SELECT count(*) FROM helpful_votes v WHERE v.answer_id = a.id)",
                    "unread_notification_count": "SELECT count(*) FROM users u WHERE "
                    "unread_notification_count <> (SELECT count(*) FROM notifications n "
                    "WHERE n.user_id = u.id AND n.read_at IS NULL)",
                }
                for counter, sql in wrong.items():
                    bad = connection.exec_driver_sql(sql).scalar()
                    check(f"{counter} equals the rows it counts", bad == 0, f"{bad} differ")
            for node in nodes:
                counted = requests_counted(metrics(node))  # counted after it answers
                check(
                    f"node {node.name}'s /metrics counted every request sent to it "
                    "(summed over its 2 workers)",
                    counted == node.sent,
                    f"{counted:.0f} counted, {node.sent} sent",
                )
                node.sent += 1
                figures[f"requests_{node.name}"] = node.sent
                figures[f"statuses_{node.name}"] = dict(sorted(node.statuses.items()))
        engine.dispose()
    for key in store.scan_iter(f"{prefix}*"):
        store.delete(key)
    figures["total_seconds"] = time.monotonic() - started
    print()
    print(
        f"{figures['users']} users, {figures['questions']} questions, {figures['answers']} "
        f"answers, {figures['votes']} helpful votes, {figures['reads']} anonymous reads in "
        f"{figures['load_seconds']:.1f} s; requests: A {figures['requests_A']}, "
        f"B {figures['requests_B']}"
    )
    print(f"statuses: A {figures['statuses_A']}, B {figures['statuses_B']}")
    print(
        f"{figures['emails']} e-mails ({figures['notified']} notifications e-mailed) delivered "
        f"by 2 mail and 2 notification senders, {figures['webhooks']} webhook deliveries by 2 "
        f"webhook senders; outboxes empty "
        f"{figures['drained_seconds']:.1f} s after the load began"
    )
    print(f"{sum(passed for _, passed, _ in checks)}/{len(checks)} checks passed in "
          f"{figures['total_seconds']:.0f} s")  # fmt: skip
    if not all(passed for _, passed, _ in checks):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
