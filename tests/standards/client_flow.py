"""Sign up → token → ask → answer → helpful → search, through the client generated from the
OpenAPI document, as typed code using it would be written.

Not a test module: tests/standards/test_generated_client.py copies it beside the generated
``helpsquare_client`` package, type-checks both with ``mypy --strict`` and runs it against a
live server (``python client_flow.py BASE_URL``). Any surprise exits non-zero, saying what.
"""

from __future__ import annotations

import secrets
import sys
from typing import TypeVar

from helpsquare_client import AuthenticatedClient, Client
from helpsquare_client.api.accounts import create_token, create_user
from helpsquare_client.api.answers import post_answer, vote_helpful
from helpsquare_client.api.companies import create_company
from helpsquare_client.api.questions import ask_question
from helpsquare_client.api.search import search
from helpsquare_client.models import (
    Answer,
    AnswerCreate,
    Company,
    CompanyCreate,
    Kind,
    Question,
    QuestionCreate,
    QuestionPage,
    SignUp,
    Status,
    StatusRequest,
    TokenRequest,
    TokenResponse,
    User,
)

T = TypeVar("T")
PASSWORD = "a long enough passphrase, not a common one"


def expect(value: object, kind: type[T]) -> T:
    if not isinstance(value, kind):
        raise SystemExit(f"expected a {kind.__name__}, got {value!r}")
    return value


def signed_up(base_url: str, anonymous: Client, name: str) -> AuthenticatedClient:
    """A new account (with its display name) and a client holding its token."""
    body = SignUp(
        username=name, email=f"{name}@example.org", password=PASSWORD, display_name=name.title()
    )
    user = expect(create_user.sync(client=anonymous, body=body), User)
    if user.display_name != name.title():
        raise SystemExit(f"the display name was not kept: {user.display_name!r}")
    request = TokenRequest(username=name, password=PASSWORD)
    token = expect(create_token.sync(client=anonymous, body=request), TokenResponse)
    return AuthenticatedClient(base_url=base_url, token=token.token)


def main(base_url: str) -> None:
    word = "zq" + secrets.token_hex(4)  # a word only this run's question holds
    anonymous = Client(base_url=base_url)
    asker = signed_up(base_url, anonymous, f"asker{word}")
    helper = signed_up(base_url, anonymous, f"helper{word}")

    company_body = CompanyCreate(name=f"Gizmo {word}", domain=f"gizmo{word}.com")
    company = expect(create_company.sync(client=asker, body=company_body), Company)
    question_body = QuestionCreate(
        title=f"Sync stops after the {word} update",
        body="Since the update nothing syncs.\n\n- laptop\n- phone",
        kind=Kind.PROBLEM,
    )
    question = expect(ask_question.sync(company.slug, client=asker, body=question_body), Question)
    if question.kind is not Kind.PROBLEM or question.status is not Status.OPEN:
        raise SystemExit(f"unexpected kind or status: {question.kind!r}, {question.status!r}")
    # A question's status is the very type the status operation takes.
    StatusRequest(status=question.status)

    answer_body = AnswerCreate(body="Sign out and in again: it resumes.")
    answer = expect(post_answer.sync(question.id, client=helper, body=answer_body), Answer)
    voted = expect(vote_helpful.sync(answer.id, client=asker), Answer)
    if voted.helpful_count != 1:
        raise SystemExit(f"helpful_count is {voted.helpful_count}, not 1")

    found = expect(search.sync(client=anonymous, q=word), QuestionPage)
    if [item.id for item in found.items] != [question.id]:
        raise SystemExit(f"search for {word} found {[item.id for item in found.items]}")
    print("the whole flow ran")


if __name__ == "__main__":
    main(sys.argv[1])
