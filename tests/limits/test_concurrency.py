"""Posts racing for the last places: the limits on writing never let more through than
they allow, however many arrive at once.

Real threads, each in a request of its own, released together by a barrier. Once with
the limits as they run (each tested, then taken), and once with every test passing, so
that only the atomic taking of a place stands between the racers and the bound.
"""

from __future__ import annotations

import threading
from datetime import timedelta
from types import SimpleNamespace

import pytest
from flask import Flask
from limits.strategies import MovingWindowRateLimiter

from app import limits
from app.errors import RateLimited, ValidationError

THREADS = 16


def _race(app: Flask, post) -> tuple[list[int], list[int], list[BaseException]]:  # noqa: ANN001
    """Every thread posts at once; which were let in, which refused, what else broke."""
    start = threading.Barrier(THREADS, timeout=10)
    admitted: list[int] = []
    refused: list[int] = []
    errors: list[BaseException] = []

    def one(n: int) -> None:
        try:
            with app.test_request_context(environ_base={"REMOTE_ADDR": f"198.51.100.{n}"}):
                start.wait()
                post(n)
            admitted.append(n)
        except (RateLimited, ValidationError):
            refused.append(n)
        except BaseException as error:  # reported by the test, not lost in a thread
            errors.append(error)

    threads = [threading.Thread(target=one, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return admitted, refused, errors


@pytest.fixture(params=["tested first", "every test passes"])
def racing(request, monkeypatch):  # noqa: ANN001, ANN201
    if request.param == "every test passes":
        monkeypatch.setattr(MovingWindowRateLimiter, "test", lambda *args, **kwargs: True)
    return request.param


def _author(clock, *, days_old: int = 30) -> SimpleNamespace:  # noqa: ANN001
    # What the limits read of an account, without an ORM object shared between threads.
    return SimpleNamespace(
        id=7, is_admin=False, reputation=0, created_at=clock.now - timedelta(days=days_old)
    )


def test_sixteen_questions_at_once_let_exactly_five_in(app, clock, racing):
    ada = _author(clock)

    admitted, refused, errors = _race(
        app, lambda n: limits.admit_question(ada, body=f"Question {n}")
    )

    assert errors == []
    assert len(admitted) == 5
    assert len(refused) == THREADS - 5


def test_sixteen_answers_at_once_on_the_first_day_let_exactly_ten_in(app, clock, racing):
    newbie = _author(clock, days_old=0)

    admitted, refused, errors = _race(app, lambda n: limits.admit_answer(newbie, body=f"A{n}"))

    assert errors == []
    assert (len(admitted), len(refused)) == (10, THREADS - 10)


def test_the_same_text_sixteen_times_at_once_is_let_in_once(app, clock, racing):
    ada = _author(clock)

    admitted, refused, errors = _race(app, lambda n: limits.admit_answer(ada, body="Buy now"))

    assert errors == []
    assert (len(admitted), len(refused)) == (1, THREADS - 1)
