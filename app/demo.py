"""Demo data for ``flask seed-demo``: a small, realistic forum to click through.

Everything is created through the services, so the demo obeys the same rules
as real use. Running it twice changes nothing (the demo users are the marker).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa

from app.accounts import services as accounts
from app.accounts import verification
from app.accounts.models import User
from app.answers import services as answers
from app.answers.models import Answer
from app.companies import claims
from app.companies import services as companies
from app.companies import staff as staff_services
from app.db import utcnow
from app.extensions import db
from app.mail.models import OutboxMessage
from app.notifications import services as notifications
from app.notifications.models import EmailChoice, Notification
from app.products import services as products
from app.questions import services as questions
from app.questions.models import Feeling, Kind, Question
from app.reputation import champions
from app.tokens import Purpose, make_token

DEMO_PASSWORD = "helpsquare-demo"  # noqa: S105 - published in the README for the demo accounts

# username, display name; the README lists these.
DEMO_USERS = [
    ("alice", "Alice Moreau"),
    ("bruno", "Bruno Silva"),
    ("chen", "Chen Wei"),
    ("dana", "Dana Okafor"),
    ("emil", "Emil Larsen"),
    ("farah", "Farah Haddad"),
]
DEMO_ADMIN = ("sitekeeper", "Site Keeper")
# Acme Cloud's staff: Jane claimed the company, then invited Omar.
ACME_STAFF = [
    ("jane", "Jane Doe", "admin", "Head of Support"),
    ("omar", "Omar Haddou", "agent", "Support Engineer"),
]
# Kai's claim on Nimbus Bikes waits in the site admins' queue.
PENDING_CLAIMANT = ("kai", "Kai Nakamura")

COMPANIES = [
    {
        "name": "Acme Cloud",
        "domain": "acme.com",
        "description": "File storage, mail and calendars for small teams.",
        "products": [
            ("Acme Drive", "Sync and share files across devices."),
            ("Acme Mail", "Business e-mail on your own domain."),
            ("Acme Calendar", "Shared calendars and booking pages."),
        ],
    },
    {
        "name": "Nimbus Bikes",
        "domain": "nimbusbikes.com",
        "description": "Electric city bikes and the app that unlocks them.",
        "products": [
            ("Roam e-bike", "The commuter e-bike with a 90 km range."),
            ("Nimbus app", "Unlock, track and service your bike from your phone."),
        ],
    },
    {
        "name": "Lumen Home",
        "domain": "lumenhome.io",
        "description": "Smart lighting that works with every voice assistant.",
        "products": [
            ("Smart Bulb", "Colour bulbs, E27 and GU10."),
            ("Lumen Hub", "The bridge that connects your lights to the internet."),
        ],
    },
    {
        "name": "Paperleaf",
        "domain": "paperleaf.app",
        "description": "A note-taking app with handwriting recognition.",
        "products": [("Paperleaf Notes", "Notes for iPad, Android and the web.")],
    },
]


@dataclass
class DemoQuestion:
    company: str
    product: str | None
    author: str
    kind: Kind
    feeling: Feeling | None
    title: str
    body: str
    days_ago: int
    answers: list[tuple[str, str, list[str]]] = field(default_factory=list)  # author, body, voters
    me_too: list[str] = field(default_factory=list)
    best: int | None = None  # index into answers


QUESTIONS = [
    DemoQuestion(
        "Acme Cloud",
        "Acme Drive",
        "alice",
        Kind.PROBLEM,
        Feeling.FRUSTRATED,
        "Acme Drive stops syncing after the 4.2 update",
        "Since updating the desktop app to **4.2** on Windows 11, files stay on "
        "*Waiting to sync* forever.\n\nI tried:\n\n1. Restarting the app\n2. Signing out and "
        "in again\n\nNothing helps. Is anyone else seeing this?",
        9,
        answers=[
            (
                "bruno",
                "Same here. Pausing sync and resuming it from the tray icon got it "
                "going again for me, but only until the next restart.",
                ["chen", "dana"],
            ),
            (
                "chen",
                "It is the new *file-on-demand* setting. Go to **Settings → Sync** and "
                'switch off "Download files when opened"; sync resumes immediately.\n\n'
                "Details: https://example.com/acme-drive-4-2-notes",
                ["alice", "bruno", "dana", "emil"],
            ),
        ],
        me_too=["bruno", "dana", "emil", "farah"],
        best=1,
    ),
    DemoQuestion(
        "Acme Cloud",
        "Acme Mail",
        "dana",
        Kind.QUESTION,
        Feeling.CONFUSED,
        "How do I set up Acme Mail on my own domain?",
        "I bought `danaokafor.design` and want my Acme Mail address to use it. Which DNS "
        "records do I need?",
        20,
        answers=[
            (
                "emil",
                "You need the **MX** records from the admin console (Domains → DNS "
                "setup), plus the SPF `TXT` record. Give DNS an hour to propagate.",
                ["dana"],
            ),
        ],
        best=0,
    ),
    DemoQuestion(
        "Acme Cloud",
        "Acme Calendar",
        "farah",
        Kind.IDEA,
        Feeling.EXCITED,
        "Let clients pick a time zone on booking pages",
        "My clients are all over the world. It would be great if the booking page showed "
        "slots in *their* time zone, with a switch to pick another one.",
        4,
        answers=[
            (
                "alice",
                "Yes please. I currently add the time zone to the page title as a workaround.",
                [],
            ),
        ],
        me_too=["alice", "chen"],
    ),
    DemoQuestion(
        "Acme Cloud",
        None,
        "emil",
        Kind.PRAISE,
        Feeling.HAPPY,
        "The new Acme admin console is so much faster",
        "Just wanted to say the redesigned admin console loads in a second now. "
        "Adding users used to take me ten minutes.",
        2,
    ),
    DemoQuestion(
        "Nimbus Bikes",
        "Roam e-bike",
        "bruno",
        Kind.PROBLEM,
        Feeling.SAD,
        "Roam battery drains overnight when parked in the cold",
        "Parked outside at -5 °C, the battery goes from 80 % to 55 % overnight. "
        "Is that normal for lithium batteries or is my pack faulty?",
        14,
        answers=[
            (
                "farah",
                "Cold makes the *reading* drop more than the charge. Bring the battery "
                "inside overnight and check again once it is warm.",
                ["bruno", "chen"],
            ),
            (
                "chen",
                "Also check that the bike is really off: the alarm keeps the GPS awake "
                "and that costs about 10 % a night.",
                ["bruno"],
            ),
        ],
        me_too=["alice", "emil"],
        best=1,
    ),
    DemoQuestion(
        "Nimbus Bikes",
        "Nimbus app",
        "chen",
        Kind.QUESTION,
        None,
        "Can two people share one bike in the Nimbus app?",
        "My partner and I share a Roam. Can we both unlock it from our own phones?",
        6,
        answers=[
            (
                "dana",
                "Yes: in the app open the bike, then **Sharing → Invite rider**. The "
                "other person needs their own Nimbus account.",
                ["chen", "alice"],
            ),
        ],
    ),
    DemoQuestion(
        "Nimbus Bikes",
        "Nimbus app",
        "alice",
        Kind.IDEA,
        Feeling.HAPPY,
        "Show ride history on a map",
        "A map of past rides (with distance and elevation) would make the app much more "
        "fun to use.",
        11,
        me_too=["bruno", "chen", "dana", "emil", "farah"],
    ),
    DemoQuestion(
        "Lumen Home",
        "Lumen Hub",
        "emil",
        Kind.PROBLEM,
        Feeling.FRUSTRATED,
        "Lumen Hub goes offline every night around 3 am",
        "Every morning the hub shows *Offline* in the app and I have to unplug it. "
        "Firmware 2.8.1, router is a FritzBox 7590.",
        3,
        answers=[
            (
                "bruno",
                "The FritzBox reconnects to your ISP at night and hands out new "
                "addresses. Give the hub a fixed IP in the router's DHCP settings.",
                ["emil", "farah", "alice"],
            ),
        ],
        me_too=["farah"],
        best=0,
    ),
    DemoQuestion(
        "Lumen Home",
        "Smart Bulb",
        "dana",
        Kind.QUESTION,
        Feeling.CONFUSED,
        "Do Smart Bulbs work without the hub?",
        "I only want two bulbs in the bedroom. Do I really need to buy the hub too?",
        1,
    ),
    DemoQuestion(
        "Lumen Home",
        "Smart Bulb",
        "farah",
        Kind.PRAISE,
        Feeling.EXCITED,
        "Colour accuracy of the new GU10 bulbs is excellent",
        "Measured them with a colorimeter: whites are spot on at 2700 K. Well done!",
        16,
        answers=[("chen", "Good to know, thanks for measuring!", ["farah"])],
    ),
    DemoQuestion(
        "Paperleaf",
        "Paperleaf Notes",
        "chen",
        Kind.QUESTION,
        Feeling.CONFUSED,
        "How do I export handwritten notes as searchable PDF?",
        "Export gives me a PDF, but I cannot search the text in it. Is there an OCR option?",
        8,
        answers=[
            (
                "alice",
                "Use **Share → Export → PDF (with text layer)**. The plain *PDF* "
                "option exports images only.",
                ["chen", "dana", "bruno"],
            ),
            ("farah", "On Android the option is under the ⋮ menu instead of Share.", ["chen"]),
        ],
        best=0,
    ),
    DemoQuestion(
        "Paperleaf",
        None,
        "bruno",
        Kind.IDEA,
        None,
        "A Linux desktop app",
        "The web app works, but a native Linux app with offline notes would be great.",
        25,
        me_too=["emil", "chen"],
    ),
]


def _demo_present() -> bool:
    return (
        db.session.execute(sa.select(User.id).where(User.username == DEMO_USERS[0][0])).first()
        is not None
    )


def seed_demo() -> bool:
    """Create the demo forum; returns False (and changes nothing) when it is already there.

    Needs a request context (the services build e-mail links). The e-mails the demo's
    own actions queue (claim links, invitations) are deleted, not sent: nobody reads them.
    Its notifications stay, to read in the app (alice has some unread), and are never
    e-mailed either.
    """
    if _demo_present():
        return False
    _build_demo()
    db.session.execute(sa.delete(OutboxMessage))
    db.session.execute(
        sa.update(Notification)
        .where(Notification.emailed_at.is_(None), Notification.email != EmailChoice.OFF)
        .values(emailed_at=utcnow())
    )
    db.session.commit()
    return True


def _demo_account(username: str, display_name: str) -> User:
    """A demo account, signed up as anyone would; its address counts as verified (the
    demo's e-mails go nowhere, and its people ask, answer and vote at once)."""
    user = accounts.sign_up(
        username=username,
        email=f"{username}@example.org",
        password=DEMO_PASSWORD,
        display_name=display_name,
    )
    verification.mark_verified(user)
    db.session.commit()
    return user


def _build_demo() -> None:
    users = {
        username: _demo_account(username, display_name) for username, display_name in DEMO_USERS
    }
    accounts.create_site_admin(
        username=DEMO_ADMIN[0], email=f"{DEMO_ADMIN[0]}@example.org", password=DEMO_PASSWORD
    )
    creator = users["alice"]
    company_by_name, product_by_name = {}, {}
    for spec in COMPANIES:
        company = companies.create_company(
            creator, name=spec["name"], domain=spec["domain"], description=spec["description"]
        )
        company_by_name[company.name] = company
        for name, description in spec["products"]:
            product = products.create_product(creator, company, name=name, description=description)
            product_by_name[name] = product
    # Alice hears about every new question on Lumen Home (the rest follows from taking part).
    notifications.follow(creator, company=company_by_name["Lumen Home"])
    questions_by_title = {
        spec.title: _seed_question(spec, users, company_by_name, product_by_name)
        for spec in QUESTIONS
    }
    _seed_company_that_joined(company_by_name["Acme Cloud"], questions_by_title)
    _seed_pending_claim(company_by_name["Nimbus Bikes"])


def _seed_company_that_joined(acme, questions_by_title) -> None:
    """Acme Cloud claims its page, verifies its staff and starts answering officially."""
    keeper = db.session.execute(sa.select(User).where(User.username == DEMO_ADMIN[0])).scalar_one()
    staff = {
        username: _demo_account(username, display_name)
        for username, display_name, _role, _title in ACME_STAFF
    }
    jane, omar = staff["jane"], staff["omar"]
    claim = claims.request_claim(jane, acme, work_email="jane@acme.com")
    claims.verify_claim(jane, make_token(Purpose.CLAIM_VERIFY, claim.id, claim.status.value))
    claims.approve_claim(keeper, claim, note="Checked jane@acme.com and the company's site.")
    invitation = staff_services.invite_staff(jane, acme, email="omar@acme.com", role="agent")
    staff_services.accept_invitation(
        omar, make_token(Purpose.STAFF_INVITATION, invitation.id, "pending")
    )
    for username, _name, _role, title in ACME_STAFF:
        membership = staff_services.get_active_membership(acme.id, staff[username].id)
        staff_services.set_title(staff[username], membership, title=title)

    sync = questions_by_title["Acme Drive stops syncing after the 4.2 update"]
    answers.post_answer(
        jane,
        sync,
        body="Thanks for the reports, everyone. Chen's workaround is right; **4.2.1**, out "
        "this week, fixes sync with *Download files when opened* switched on.",
    )
    questions.set_status(jane, sync, "solved", "4.2.1")
    # Chen's workarounds help Acme's customers: Jane names him a champion of Acme Cloud.
    chen = db.session.execute(sa.select(User).where(User.username == "chen")).scalar_one()
    champions.name_champion(jane, acme, chen)

    calendar = questions_by_title["Let clients pick a time zone on booking pages"]
    answers.post_answer(
        omar,
        calendar,
        body="Good idea! Time-zone switching on booking pages is planned for the spring "
        "release; we will post here when it ships.",
    )
    questions.set_status(omar, calendar, "planned")

    mail = questions_by_title["How do I set up Acme Mail on my own domain?"]
    for answer in db.session.scalars(sa.select(Answer).where(Answer.question_id == mail.id)):
        answers.endorse_answer(omar, answer)

    praise = questions_by_title["The new Acme admin console is so much faster"]
    questions.set_status(jane, praise, "acknowledged")


def _seed_pending_claim(nimbus) -> None:
    """A verified claim waiting for a site admin's review."""
    username, display_name = PENDING_CLAIMANT
    kai = _demo_account(username, display_name)
    claim = claims.request_claim(kai, nimbus, work_email="kai@nimbusbikes.com")
    claims.verify_claim(kai, make_token(Purpose.CLAIM_VERIFY, claim.id, claim.status.value))


def _seed_question(spec: DemoQuestion, users, company_by_name, product_by_name) -> Question:
    question = questions.ask_question(
        users[spec.author],
        company_by_name[spec.company],
        title=spec.title,
        body=spec.body,
        kind=spec.kind,
        product=product_by_name[spec.product] if spec.product else None,
        feeling=spec.feeling,
    )
    asked_at = utcnow() - timedelta(days=spec.days_ago, hours=len(spec.title) % 7)
    _backdate(Question, question.id, asked_at, last_activity=True)
    posted = []
    for position, (author, body, voters) in enumerate(spec.answers, start=1):
        answer = answers.post_answer(users[author], question, body=body)
        answered_at = asked_at + timedelta(hours=3 * position)
        _backdate(Answer, answer.id, answered_at)
        _backdate(Question, question.id, answered_at, created=False, last_activity=True)
        for voter in voters:
            answers.vote_helpful(users[voter], answer)
        posted.append(answer)
    for username in spec.me_too:
        questions.add_me_too(users[username], question)
    if spec.best is not None:
        answers.choose_best_answer(users[spec.author], question, posted[spec.best])
    return question


def _backdate(model, row_id: int, when, *, created: bool = True, last_activity: bool = False):
    """Spread the demo over the past weeks, as a real forum would be."""
    values = {}
    if created:
        values.update(created_at=when, updated_at=when)
    if last_activity:
        values["last_activity_at"] = when
    db.session.execute(sa.update(model).where(model.id == row_id).values(**values))
    db.session.commit()
