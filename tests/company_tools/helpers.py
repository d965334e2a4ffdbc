"""Shared by the company-tools tests: a claimed company with staff, and page helpers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from app.companies.models import Membership
from app.db import utcnow
from tests.factories import make_company, make_product, make_staff, make_user


@dataclass
class Acme:
    """A claimed company with a product, an admin and an agent, plus people around it."""

    company: Any
    product: Any
    jane: Any  # agent, "Head of Support"
    jane_membership: Membership
    boss: Any  # admin, no title
    asker: Any
    peer: Any
    rival: Any  # staff of another (claimed) company
    keeper: Any  # site admin


def make_acme() -> Acme:
    company = make_company("Acme", domain="acme.com")
    product = make_product(company, "Drive")
    jane = make_user("jane", display_name="Jane Doe")
    membership = make_staff(company, jane, title="Head of Support")
    boss = make_user("boss", display_name="Bo Boss")
    make_staff(company, boss, role="admin")
    rival = make_user("rival", display_name="Rita Rival")
    make_staff(make_company("Globex", domain="globex.com"), rival, title="CEO")
    return Acme(
        company=company,
        product=product,
        jane=jane,
        jane_membership=membership,
        boss=boss,
        asker=make_user("asker", display_name="Ada Asker"),
        peer=make_user("peer", display_name="Pat Peer"),
        rival=rival,
        keeper=make_user("keeper", is_admin=True),
    )


def revoke(membership: Membership) -> None:
    """What revoking does to the row: it stays, with the time it ended."""
    membership.revoked_at = utcnow()


def error_at(page: str, field: str) -> str:
    """The error message shown next to a form field."""
    match = re.search(rf'<p class="field__error" id="{field}-error">(.*?)</p>', page, flags=re.S)
    assert match, f"no error at {field}"
    return match.group(1)


def listed_titles(page: str) -> list[str]:
    """The question titles of a question list, in page order."""
    return re.findall(r'<h3 class="question-item__title"><a href="[^"]*">(.*?)</a></h3>', page)
