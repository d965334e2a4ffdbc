"""What a person does on Helpsquare, step by step, through labels, roles and button names.

Journeys compose these; later features (claims, staff, search) add their own steps here.
"""

from __future__ import annotations

import itertools
import os
import re
from email.message import EmailMessage
from typing import TYPE_CHECKING

from playwright.sync_api import Locator, Page, expect

from app.demo import DEMO_PASSWORD

if TYPE_CHECKING:
    from tests.e2e.conftest import Browsing, LiveServer

__all__ = ["DEMO_PASSWORD", "new_username", "sign_up", "verify_email", "sign_in", "sign_out"]

# A password no rule refuses: long, not common, not the username.
PASSWORD = "violet-harbour-lantern-42"
# The subject of the e-mail that sign-up sends (fixed: it carries nothing a user typed).
VERIFY_SUBJECT = "Verify your e-mail address for Helpsquare"
_serial = itertools.count(1)


def new_username(prefix: str) -> str:
    """A username no other test (or earlier run on the same server) has taken."""
    return f"{prefix}{os.getpid() % 10_000}x{next(_serial)}"


def sign_up(page: Page, username: str, password: str = PASSWORD) -> None:
    """From any page: the header's "Sign up", fill in the form, land signed in (with the
    address still to verify: ``verify_email`` before writing anything others see)."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign up").click()
    page.get_by_label("Username").fill(username)
    page.get_by_label("E-mail address").fill(f"{username}@example.org")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Create account").click()
    # Without a display name, a person is named by the @username.
    expect(page.get_by_text(f"Welcome to Helpsquare, @{username}!")).to_be_visible()


def verify_email(page: Page, server: LiveServer, username: str) -> None:
    """Open the link of the e-mail sign-up sent (to ``username``@example.org) and press its
    button: the address is verified, and the notice asking for it is gone."""
    address = f"{username}@example.org"
    (message,) = [m for m in mails_to(server, address) if m["Subject"] == VERIFY_SUBJECT][-1:]
    page.goto(links_in(server, message)[0])
    expect(page.get_by_role("heading", level=1)).to_have_text("Verify your e-mail address")
    page.get_by_role("button", name=f"Verify {address}").click()
    expect(page.get_by_text(f"Thanks — {address} is verified. You can post now.")).to_be_visible()
    expect(page.locator(".verify-notice")).to_have_count(0)


def sign_in(page: Page, login: str, password: str = PASSWORD) -> None:
    """Open the sign-in page, sign in, and see the welcome."""
    page.goto("/sign-in")
    page.get_by_label("Username or e-mail address").fill(login)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Welcome back,")).to_be_visible()


def sign_out(page: Page) -> None:
    """The avatar in the header opens the account menu; "Sign out" is in it."""
    page.locator("details.account-menu > summary").click()
    page.get_by_role("navigation", name="Main").get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out")).to_be_visible()


def open_company(page: Page, name: str) -> None:
    """Companies in the header, then the company's name in the list."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Companies").click()
    page.get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", level=1, name=name)).to_be_visible()


def answer_card(page: Page, author: str) -> Locator:
    """The answer written by ``author``, a display name or a username (its article is named
    "Answer by <display name> @<username>", or "Answer by @<username>", after the badge
    "Official answer · …" when it is official)."""
    return page.get_by_role("article", name=re.compile(rf"(^|\s)Answer by @?{re.escape(author)}\b"))


def post_answer(page: Page, text: str) -> None:
    """On a question page: write an answer and post it (a "reply" under an idea or praise)."""
    page.get_by_label(re.compile(r"^Your (answer|reply)$")).fill(text)
    page.get_by_role("button", name=re.compile(r"^Post your (answer|reply)$")).click()
    expect(page.get_by_text("Thanks, your answer is posted.")).to_be_visible()


def badge(within: Page | Locator, text: str) -> Locator:
    """A badge ("Best answer", "Answered", "Official"…) with this text, inside ``within``."""
    return within.locator(".badge").filter(has_text=text)


def add_company(page: Page, name: str, domain: str) -> None:
    """Companies in the header, "Add a company", fill in the form, land on its new page."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Companies").click()
    page.get_by_role("link", name="Add a company").click()
    page.get_by_label("Company name").fill(name)
    page.get_by_label("Web domain").fill(domain)
    page.get_by_role("button", name="Add company").click()
    expect(page.get_by_text(f"{name} has a page now.")).to_be_visible()
    expect(page.get_by_role("heading", level=1, name=name)).to_be_visible()


def ask(page: Page, kind: str, title: str, details: str) -> str:
    """On a company's page: "Ask a question", pick the kind, write it, post it; its URL."""
    page.get_by_role("link", name="Ask a question").click()
    page.get_by_role("radio", name=kind).check()
    page.get_by_label("Title").fill(title)
    page.get_by_label("Details", exact=True).fill(details)
    page.get_by_role("button", name="Post").click()
    expect(page.get_by_text("Your question is posted.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    return page.url


def mailed_link(server: LiveServer, to: str) -> str:
    """The link in the latest e-mail to ``to``, as a person would click it: it must lead
    back to this server."""
    messages = [message for message in server.mails() if message["To"] == to]
    assert messages, f"no e-mail to {to}"
    text = messages[-1].get_body(preferencelist=("plain",)).get_content()
    links = re.findall(r"https?://[^\s<>\"]+", text)
    assert links and links[0].startswith(server.url + "/"), f"no link to Helpsquare in {text!r}"
    return links[0]


def mails_to(server: LiveServer, to: str) -> list[EmailMessage]:
    """Every e-mail the server sent to ``to`` so far, oldest first."""
    return [message for message in server.mails() if message["To"] == to]


def links_in(server: LiveServer, message: EmailMessage) -> list[str]:
    """The links of an e-mail's plain-text part, in order; every one leads to this server."""
    text = message.get_body(preferencelist=("plain",)).get_content()
    links = re.findall(r"https?://[^\s<>\"]+", text)
    assert links, f"no link in {text!r}"
    for link in links:
        assert link.startswith(server.url + "/"), f"{link} does not lead to Helpsquare"
    return links


def request_claim(page: Page, company: str, work_email: str) -> None:
    """On an unclaimed company's page: "Claim this company", give the work e-mail."""
    page.get_by_role("link", name="Claim this company").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Claim {company}")
    page.get_by_label("Your work e-mail").fill(work_email)
    page.get_by_role("button", name="Send the link").click()


def verify_claim(page: Page, link: str, company: str, work_email: str) -> None:
    """Open the link from the e-mail and press its button: the address is verified."""
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Verify your work e-mail")
    page.get_by_role("button", name=f"Verify {work_email}").click()
    expect(page.get_by_text(f"Thanks — {work_email} is verified.")).to_be_visible()
    expect(page.get_by_text(f"A site admin will review your claim on {company}")).to_be_visible()


def new_site_admin(browsing: Browsing) -> Page:
    """A new site admin (``flask create-admin`` on the server's database), signed in."""
    username = new_username("keeper")
    browsing.server.flask(
        "create-admin",
        "--username",
        username,
        "--email",
        f"{username}@example.org",
        "--password",
        PASSWORD,
    )
    page = browsing.new_page()
    sign_in(page, username)
    return page


def approve_claim(admin: Page, company: str, claimant: str, note: str) -> None:
    """A site admin opens the claims queue, opens the claim, approves it with a note."""
    admin.goto("/admin/claims")
    expect(admin.get_by_role("heading", level=1)).to_have_text("Claims")
    admin.get_by_role("link", name=f"Open the claim on {company}", exact=True).click()
    expect(admin.get_by_role("heading", level=1)).to_have_text(f"Claim on {company}")
    admin.get_by_label("Note").fill(note)
    admin.get_by_role("button", name=f"Approve: make @{claimant} admin of {company}").click()
    expect(
        admin.get_by_text(f"Approved: @{claimant} is now an admin of {company}, which is claimed.")
    ).to_be_visible()


def company_joins(browsing: Browsing, page: Page, company: str, domain: str, claimant: str) -> None:
    """``claimant`` (signed in on ``page``, on the company's page) claims it with a work
    e-mail at ``domain``, follows the mailed link, and a new site admin approves."""
    work_email = f"{claimant}@{domain}"
    request_claim(page, company, work_email)
    expect(page.get_by_text(f"We sent a link to {work_email}.")).to_be_visible()
    verify_claim(page, mailed_link(browsing.server, work_email), company, work_email)
    approve_claim(new_site_admin(browsing), company, claimant, f"Checked {work_email}.")
    page.reload()
    expect(page.get_by_text(f"Claimed by {company} on")).to_be_visible()


def open_staff_page(page: Page, company: str) -> None:
    """From the company's page: the "staff verified at …" link of the claimed notice."""
    page.get_by_role("link", name=re.compile(r"^staff verified at ")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{company} staff")


def set_own_title(page: Page, title: str) -> None:
    """On the staff page: type one's public title and save it."""
    page.get_by_label("Your public title").fill(title)
    page.get_by_role("button", name="Save title").first.click()
    expect(page.get_by_text(f"Your title is “{title}”.")).to_be_visible()


def invite_staff(page: Page, work_email: str, role: str = "Agent") -> None:
    """On the staff page: the work e-mail, the role, "Send invitation"."""
    invite = page.get_by_role("region", name="Invite staff")
    invite.get_by_label("Work e-mail").fill(work_email)
    invite.get_by_role("radio", name=re.compile(f"^{role}:")).check()
    invite.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text(f"Invitation sent to {work_email}.")).to_be_visible()


def join_staff(page: Page, link: str, company: str) -> None:
    """Open the invitation link (signed in) and join."""
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Join {company}'s staff")
    page.get_by_role("button", name=f"Join {company}").click()
    expect(page.get_by_text(f"Welcome to {company}'s staff.")).to_be_visible()


def set_status(page: Page, status: str) -> None:
    """On a question page, as staff: choose the status and set it."""
    page.get_by_label(re.compile(r"^Status of this ")).select_option(label=status)
    page.get_by_role("button", name="Set status").click()
    expect(page.get_by_text(f"Status set to {status}.")).to_be_visible()


def bell(page: Page) -> Locator:
    """The header's notifications link; its name says how many are unread."""
    return page.get_by_role("navigation", name="Main").get_by_role(
        "link", name=re.compile(r"^Notifications, ")
    )


def expect_unread(page: Page, count: int) -> None:
    """The bell says ``count`` unread, to the ear (its name) and to the eye (its badge)."""
    expect(bell(page)).to_have_accessible_name(f"Notifications, {count or 'none'} unread")
    if count:
        expect(bell(page)).to_have_text(str(count))
    else:
        expect(bell(page)).to_have_text("")


def open_notifications(page: Page) -> None:
    """The bell in the header opens the latest few; "All notifications" is the page."""
    bell(page).click()
    page.locator("#bell-panel").get_by_role("link", name="All notifications").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")


def follow(page: Page, what: str) -> None:
    """On a question, product or company page: press "Follow …"; it turns to "Unfollow …"."""
    page.get_by_role("button", name=f"Follow {what}", exact=True).click()
    flash = f"You follow {what} now: new activity shows under Notifications."
    expect(page.get_by_text(flash)).to_be_visible()
    expect(page.get_by_role("button", name=f"Unfollow {what}", exact=True)).to_be_visible()


def unfollow(page: Page, what: str) -> None:
    """Press "Unfollow …"; the button turns back to "Follow …"."""
    page.get_by_role("button", name=f"Unfollow {what}", exact=True).click()
    expect(page.get_by_text(f"You no longer follow {what}.")).to_be_visible()
    expect(page.get_by_role("button", name=f"Follow {what}", exact=True)).to_be_visible()
