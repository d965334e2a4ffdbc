"""What a person does on Helpsquare, step by step, through labels, roles and button names.

Journeys compose these; later features (claims, staff, search) add their own steps here.
"""

from __future__ import annotations

import itertools
import os

from playwright.sync_api import Locator, Page, expect

from app.demo import DEMO_PASSWORD

__all__ = ["DEMO_PASSWORD", "new_username", "sign_up", "sign_in", "sign_out"]

# A password no rule refuses: long, not common, not the username.
PASSWORD = "violet-harbour-lantern-42"
_serial = itertools.count(1)


def new_username(prefix: str) -> str:
    """A username no other test (or earlier run on the same server) has taken."""
    return f"{prefix}{os.getpid() % 10_000}x{next(_serial)}"


def sign_up(page: Page, username: str, password: str = PASSWORD) -> None:
    """From any page: the header's "Sign up", fill in the form, land signed in."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign up").click()
    page.get_by_label("Username").fill(username)
    page.get_by_label("E-mail address").fill(f"{username}@example.org")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text(f"Welcome to Helpsquare, {username}!")).to_be_visible()


def sign_in(page: Page, login: str, password: str = PASSWORD) -> None:
    """Open the sign-in page, sign in, and see the welcome."""
    page.goto("/sign-in")
    page.get_by_label("Username or e-mail address").fill(login)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Welcome back,")).to_be_visible()


def sign_out(page: Page) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out")).to_be_visible()


def open_company(page: Page, name: str) -> None:
    """Companies in the header, then the company's name in the list."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Companies").click()
    page.get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", level=1, name=name)).to_be_visible()


def answer_card(page: Page, author: str) -> Locator:
    """The answer written by ``author`` (its article is named "Answer by …")."""
    return page.get_by_role("article", name=f"Answer by {author}")


def post_answer(page: Page, text: str) -> None:
    """On a question page: write an answer and post it."""
    page.get_by_label("Your answer").fill(text)
    page.get_by_role("button", name="Post your answer").click()
    expect(page.get_by_text("Thanks, your answer is posted.")).to_be_visible()


def badge(within: Page | Locator, text: str) -> Locator:
    """A badge ("Best answer", "Answered", "Official"…) with this text, inside ``within``."""
    return within.locator(".badge").filter(has_text=text)
