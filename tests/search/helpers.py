"""A small fixed corpus for search tests, indexed the way the services index it."""

from __future__ import annotations

from dataclasses import dataclass

from app.answers.models import Answer
from app.companies.models import Company
from app.extensions import db
from app.products.models import Product
from app.questions.models import Kind, Question, Status
from app.search import index as search_index
from tests.factories import make_answer, make_company, make_product, make_question


def indexed(*questions: Question) -> None:
    """Index questions made by the factories (the services do this themselves)."""
    for question in questions:
        search_index.refresh_question(question.id)


def ask(company: Company, title: str, body: str = "Details.", **fields) -> Question:
    """A question made by the factories, indexed and related as asking it would."""
    question = make_question(company, title=title, body=body, **fields)
    indexed(question)
    search_index.refresh_related(question)
    return question


def answer(question: Question, body: str, **fields) -> Answer:
    made = make_answer(question, body=body, **fields)
    indexed(question)
    return made


@dataclass
class Corpus:
    acme: Company
    globex: Company
    drive: Product
    mail: Product
    crash_title: Question
    crash_body: Question
    crash_answer: Question
    sync_phrase: Question
    sync_apart: Question
    billing: Question
    idea: Question
    globex_crash: Question


def corpus() -> Corpus:
    """Questions whose words sit in titles, bodies and answers, over two companies."""
    acme = make_company("Acme")
    globex = make_company("Globex")
    drive = make_product(acme, "Drive")
    mail = make_product(acme, "Mail")
    crash_title = ask(
        acme, "App crashes when opening settings", "Every time I tap the gear it closes.",
        product=drive,
    )  # fmt: skip
    crash_body = ask(
        acme,
        "How do I export my calendar?",
        "I looked through the menus, and the app crashed twice before I gave up.",
        product=mail,
    )
    crash_answer = ask(acme, "Where are my invoices kept?", "I need last year's ones.")
    answer(crash_answer, "They moved to Billing. The old page just crashed for me too.")
    sync_phrase = ask(
        acme, "Sync stops after the 4.2 update", "Files no longer upload.", product=drive
    )
    sync_apart = ask(
        acme,
        "Music stops at night",
        "Playback ends after an hour; the lyrics sync is fine though.",
        kind=Kind.PROBLEM,
        status=Status.ACKNOWLEDGED,
    )
    billing = ask(acme, "Billing page shows the wrong currency", "It says dollars, I pay euros.")
    idea = ask(acme, "Dark mode for the mobile app", "Please add it.", kind=Kind.IDEA)
    globex_crash = ask(globex, "Globex console crashes on start", "Nothing shows up.")
    db.session.commit()
    return Corpus(
        acme, globex, drive, mail, crash_title, crash_body, crash_answer, sync_phrase,
        sync_apart, billing, idea, globex_crash,
    )  # fmt: skip
