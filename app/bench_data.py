"""Benchmark data for ``flask seed-bench``: a large, skewed, realistic forum, loaded in bulk.

The demo data (``app/demo.py``) goes through the services, one row at a time. A benchmark
needs 100,000 questions and a million answers, so this module writes rows directly, in
batches: COPY on PostgreSQL, SQLAlchemy Core ``insert()`` with executemany elsewhere. It
is tooling for ``bench/`` (see ``bench/README.md``), never used by a request.

What it makes, from one random seed:

- companies by a Zipf law (a few busy ones, a long tail), each in a sector that gives it
  products and words; products per company fall off with its rank, questions per product
  too; a few busy companies are claimed and their staff answer officially;
- users whose activity is Zipf-like (a few power users answer a lot);
- questions of every kind, with titles and Markdown bodies in the sector's words;
  answers per question heavy-tailed (some threads are long, some questions unanswered),
  exactly ``questions × answers-per-question`` of them, a few with exactly 50 answers
  for the question-page benchmark; helpful votes and me-toos heavy-tailed too;
- best answers chosen by askers, endorsements by staff, statuses set by staff.

Counters are computed from the rows they count (answer, me-too, helpful and question
counts), never guessed. Markdown is rendered with ``app.content.render`` once per
fragment: bodies are made of whole Markdown blocks separated by blank lines, so a body's
HTML is its blocks' HTML put together (the smoke test renders samples to prove it).
"""

from __future__ import annotations

import math
import random
import time
from array import array
from bisect import bisect
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache, lru_cache
from itertools import accumulate
from pathlib import Path
from typing import Any

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import with_appcontext

from app.confusables import name_cased_skeleton, name_skeleton

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite:///{ROOT / 'bench' / 'data' / 'bench.db'}"
# Every bench user signs in with this password (the hash is computed once for all of them).
BENCH_PASSWORD = "bench-password"  # noqa: S105 - published in bench/README.md
# The question-page benchmark reads questions with exactly this many answers.
BENCH_THREAD_ANSWERS = 50
BENCH_THREADS = 20
BATCH = 5000
DAY = 86400.0
SPAN_DAYS = 3 * 365

# --------------------------------------------------------------------------- vocabulary

FIRST_NAMES = """
alice bruno chen dana emil farah grace hugo ines jonas kai lena mateo nadia oskar priya
quinn rosa samir tara umar vera wei xena yusuf zoe amara bjorn carla diego elena felix
gita hana ivan julia kofi lars maya nils olga pablo rania sven tomas uma viktor wanda
yara zane aiko ben chloe dev eva finn gabe hiro isla jack kira leo mia noah omar pia
""".split()
LAST_NAMES = """
moreau silva wei okafor larsen haddad kim novak rossi garcia muller nakamura dubois
jensen costa ivanova smith brown patel nguyen kowalski berg santos lindqvist fischer
tanaka osei murphy ahmed kaya petrov ricci schmidt jones lopez wright evans hall young
""".split()
STAFF_TITLES = [
    "Support Engineer", "Head of Support", "Community Manager", "Product Specialist", ""
]  # fmt: skip

PREFIXES = """
Acme Nimbus Lumen Paperleaf Orbit Vertex Zenith Harbor Cobalt Maple Summit Pixel Quill
Atlas Beacon Cedar Delta Ember Falcon Granite Helix Indigo Juniper Kestrel Lotus Meridian
Nova Onyx Pioneer Quartz Raven Sierra Tundra Vivid Willow Zephyr Aurora Bramble Copper
Drift Echo Fable Glow Haven Iris Jade Kite Lark Mosaic North Opal Pebble Ripple Sable
Tidal Unity Vale Wren Alder Birch Comet Dune
""".split()


@dataclass(frozen=True)
class Sector:
    suffixes: tuple[str, ...]
    products: tuple[str, ...]
    things: tuple[str, ...]
    features: tuple[str, ...]
    symptoms: tuple[str, ...]
    symptoms_ing: tuple[str, ...]


# Word lists read best as the paragraphs they are.
# fmt: off
SECTORS = [
    Sector(
        ("Cloud", "Software", "Labs", "Apps"),
        ("Drive", "Mail", "Calendar", "Chat", "Notes", "Backup", "Docs", "Forms", "Invoicing",
         "Analytics", "Admin Console", "API", "Desktop", "Mobile", "Sync", "Photos"),
        ("shared folders", "file sync", "attachments", "calendar invites", "two-factor codes",
         "the desktop client", "offline mode", "CSV exports", "the search bar", "user roles",
         "single sign-on", "webhooks", "API keys", "notifications", "version history"),
        ("dark mode", "offline editing", "keyboard shortcuts", "a family plan", "bulk export",
         "shared inboxes", "a Linux client", "end-to-end encryption", "custom domains"),
        ("stops syncing", "crashes on start", "shows a blank screen", "logs me out",
         "duplicates my files", "loses my drafts", "is very slow"),
        ("crashing", "logging me out", "asking for my password", "duplicating files"),
    ),
    Sector(
        ("Bikes", "Motors", "Scooters", "Mobility"),
        ("Roam e-bike", "City e-bike", "Cargo bike", "app", "Charger", "Battery", "Smart Lock",
         "Helmet", "Kids bike", "Folding bike"),
        ("the battery", "the brakes", "pedal assist", "the display", "the motor", "GPS tracking",
         "unlock codes", "the charging port", "the firmware", "tyre pressure", "the kickstand",
         "the lights", "range estimates"),
        ("theft alerts", "a bigger battery", "ride statistics", "a phone mount",
         "Apple Watch support", "a rear rack", "automatic lights"),
        ("drains the battery overnight", "squeaks when braking", "cuts out uphill",
         "shows error lights", "won't unlock", "loses GPS"),
        ("rattling", "cutting out", "beeping", "losing range"),
    ),
    Sector(
        ("Home", "Living", "Smart"),
        ("Smart Bulb", "Hub", "Thermostat", "Doorbell", "Camera", "Plug", "Speaker", "Sensor",
         "Light Strip", "Lock", "Blinds"),
        ("Wi-Fi pairing", "the schedule", "voice assistant control", "brightness", "night mode",
         "motion detection", "scenes", "routines", "the hub", "geofencing", "the night light",
         "colour temperature"),
        ("Matter support", "sunrise alarms", "HomeKit support", "local control", "energy reports",
         "vacation mode", "guest access"),
        ("goes offline every night", "flickers", "ignores the schedule", "won't pair",
         "turns on by itself", "shows the wrong temperature"),
        ("flickering", "dropping off Wi-Fi", "resetting itself", "humming"),
    ),
    Sector(
        ("Audio", "Sound", "Acoustics"),
        ("Earbuds", "Headphones", "Soundbar", "Speaker", "Turntable", "Amp", "Subwoofer",
         "Studio Monitors"),
        ("Bluetooth pairing", "noise cancelling", "the charging case", "the equaliser",
         "battery life", "the microphone", "multipoint", "touch controls", "volume limits",
         "the companion app", "spatial audio"),
        ("an LDAC codec", "a custom EQ", "wear detection", "a low latency mode", "auracast",
         "replaceable ear tips"),
        ("crackles", "drops the connection", "won't charge in the case", "sounds muffled",
         "plays in one ear only", "lags behind the video"),
        ("crackling", "disconnecting", "buzzing", "draining the battery"),
    ),
    Sector(
        ("Bank", "Pay", "Finance"),
        ("Card", "App", "Savings", "Business Account", "Invoices", "Transfers", "Credit Card",
         "Crypto"),
        ("card payments", "international transfers", "statements", "the PIN", "currency exchange",
         "Apple Pay", "direct debits", "the spending limit", "account verification",
         "cashback", "standing orders", "interest payments"),
        ("joint accounts", "shared budgets", "round-ups", "virtual cards", "CSV statements",
         "instant notifications"),
        ("declines my card", "shows a pending payment twice", "locks my account",
         "charges a fee I did not expect", "never sends the code"),
        ("declining payments", "asking me to verify again", "charging twice"),
    ),
    Sector(
        ("Telecom", "Mobile", "Networks", "Fibre"),
        ("Fibre", "Router", "SIM", "Prepaid", "5G Plan", "TV", "Mesh Wi-Fi", "Landline"),
        ("roaming", "the router", "data usage", "the eSIM", "voicemail", "download speed",
         "billing", "number porting", "Wi-Fi calling", "the TV box", "parental controls"),
        ("a data rollover", "eSIM for watches", "a static IP", "IPv6", "family data sharing"),
        ("drops calls", "has no signal at home", "slows down every evening",
         "bills me for roaming", "reboots every night"),
        ("dropping calls", "buffering", "rebooting", "losing signal"),
    ),
    Sector(
        ("Fitness", "Health", "Sports"),
        ("Watch", "Tracker", "Scale", "App", "Ring", "Rower", "Treadmill"),
        ("heart rate", "sleep tracking", "GPS", "syncing", "the step count", "notifications",
         "the strap", "battery life", "workout detection", "calorie estimates", "water lock"),
        ("Strava export", "a barometer", "interval timers", "offline maps", "menstrual tracking",
         "a swim mode"),
        ("stops syncing", "counts steps while driving", "loses the GPS signal",
         "shows a flat heart rate", "fogs up in the pool"),
        ("miscounting steps", "disconnecting", "losing workouts"),
    ),
    Sector(
        ("Travel", "Airways", "Rail"),
        ("App", "Bookings", "Rewards", "Check-in", "Lounge", "Gift Cards"),
        ("seat selection", "refunds", "boarding passes", "baggage", "loyalty points",
         "the booking page", "name changes", "cancellations", "travel vouchers", "upgrades"),
        ("price alerts", "a seat map", "split payments", "a family account", "calendar export"),
        ("charges me twice", "loses my booking", "won't show my boarding pass",
         "refuses my voucher", "cancels my seat"),
        ("timing out", "charging twice", "losing bookings"),
    ),
]

VARIANTS = ["", " Pro", " Mini", " Max", " Go", " 2", " Plus", " Lite", " Air", " XL"]
VERBS = """export share reset delete restore update cancel transfer connect schedule download
upload rename move change merge disable enable""".split()
PLATFORMS = ["Windows 11", "macOS", "an iPhone", "Android", "an iPad", "Linux", "a Chromebook",
             "the web app", "Android 14", "iOS 18"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]

TITLES = {
    "question": [
        "How do I {verb} {thing} in {product}?",
        "Can {product} {verb} {thing} automatically?",
        "Is there a way to {verb} {thing} on {platform}?",
        "Where are the settings for {thing} in {product}?",
        "Does {product} support {feature}?",
        "What is the best way to {verb} {thing}?",
        "{product}: how to {verb} {thing} for the whole team",
    ],
    "problem": [
        "{product} {symptom} after the {version} update",
        "{thing} not working on {platform}",
        "{product} keeps {symptom_ing}",
        "Error {code} when I try to {verb} {thing}",
        "{thing} stopped working in {month}",
        "{product} {symptom} on {platform}",
    ],
    "idea": [
        "Please add {feature} to {product}",
        "Idea: {feature} for {product}",
        "Let us {verb} {thing} from {platform}",
        "{product} needs {feature}",
    ],
    "praise": [
        "Love the new {thing} in {product}",
        "Thanks for fixing {thing}!",
        "{product} support sorted it in minutes",
        "{product} {version} is a great update",
    ],
}

# Listed roughly from common to rare: they are drawn with Zipf-like weights, so the
# text of a thread repeats a few phrasings and rarely uses most of them, as people do.
SENTENCES = [
    "Since the last update it {symptom}.",
    "Is anyone else seeing this, or is it just me?",
    "I tried restarting and reinstalling, but nothing helped.",
    "This happens on {platform} and on {platform2}.",
    "Same here on {platform}: it {symptom} about once an hour.",
    "Thanks, that did the trick!",
    "What finally worked for me was to {verb} {thing} first and then restart.",
    "It worked fine until {month}, then it {symptom}.",
    "I had the same problem and it went away after the {version} update.",
    "Make sure {thing} is switched on: it is off by default after a reset.",
    "You can also {verb} {thing} from the settings page on the web.",
    "Support told me to wait for the next release.",
    "It says error {code} and then nothing happens.",
    "I would really like to {verb} {thing} without calling anyone.",
    "It looks like a known issue with version {version}.",
    "Turning {thing} off and on again fixed it for a day.",
    "My whole team depends on {thing}, so this is urgent for us.",
    "I have {n} devices on the same account and only one is affected.",
    "The status page says everything is fine.",
    "Check that your phone is not in power saving mode: it blocks {thing}.",
    "I asked in the chat and they escalated it to the engineers.",
    "We moved from a competitor last year mostly because of {thing}.",
    "The help centre article describes an older version.",
    "Mine {symptom} too, but only when {thing} is on.",
    "Did you try to {verb} {thing} while it is plugged in?",
    "Have you contacted them by phone? E-mail takes ages.",
    "Upvoted: we need {feature} as well.",
    "For what it is worth, {feature} would make me stay.",
    "I gave up and went back to version {version}.",
    "Our IT department blocked {thing} for everyone, check with yours.",
    "My partner has the same model and never had this.",
    "Warranty replaced mine after {n} weeks.",
    "The replacement {symptom} as well, so it is not the hardware.",
    "Factory reset, then {verb} {thing} again from scratch: fixed.",
    "It only happens at home, never at the office.",
    "Weirdly it is fine in the morning and {symptom} by the evening.",
    "Please post the exact model number and firmware version.",
    "Logs attached below, hope this helps the developers.",
    "Any workaround until they ship a fix?",
    "Same on the beta channel, by the way.",
    "Mine is from the first batch; the newer ones seem better.",
    "Customer service were friendly but had no answer.",
    "I read that {feature} is on their roadmap for next year.",
    "The community wiki has a guide for {thing}.",
    "After clearing the cache it started {symptom_ing} again.",
    "This is a dealbreaker for our small business.",
    "My grandmother uses it daily and loves it.",
    "The {month} release notes mention {thing} but not this bug.",
    "I measured it: about {n} minutes every time.",
    "Airplane mode for ten seconds fixes it temporarily.",
    "They credited my account, which was nice.",
    "Happens with the kids' profiles too.",
    "Could a moderator merge this with the older thread?",
    "It drives me mad on the commute.",
    "Resetting the network settings did nothing.",
    "It worked on my old phone, so I suspect the new one.",
    "Our landlord's Wi-Fi might be the culprit.",
    "Battery life went from {n} hours to half of that.",
    "The manual on page {n} explains {thing} badly.",
    "I returned it within the thirty days.",
    "Tried three different cables, same result.",
    "Confirmed in the shop: they could reproduce it.",
    "Honestly the competition is not better.",
    "The second unit works perfectly, oddly enough.",
    "Perhaps a regional rollout issue?",
    "Switching the language to English fixed the menu at least.",
]

STEP_SENTENCES = [
    "Open **Settings › {section}**.",
    "Switch *{option}* off.",
    "Wait {n} seconds and switch it on again.",
    "Restart the app.",
    "Sign out and sign in again.",
    "Choose **{verb_cap}** and confirm.",
    "Update to version {version} or later.",
    "Unplug it for {n} seconds.",
]
SECTIONS = ["General", "Account", "Privacy", "Devices", "Notifications", "Advanced", "Data",
            "Connections", "Security", "Display"]
OPTIONS = ["Background refresh", "Low power mode", "Auto-update", "Smart mode", "Bluetooth",
           "Location access", "Fast pairing", "Battery optimisation", "Beta features"]
LOG_LINES = [
    "ERROR net: connection reset by peer (code {code})",
    "WARN  retrying in {n}s",
    "INFO  device {n} paired",
    "ERROR auth: token expired at {n}",
    "DEBUG cache size {n} MB",
]

KIND_WEIGHTS = {"question": 50, "problem": 30, "idea": 14, "praise": 6}
FEELINGS = [None] * 6 + ["happy", "excited", "confused", "frustrated", "sad"]
STATUS_WEIGHTS = {
    "problem": {"open": 3, "acknowledged": 3, "in_progress": 2, "solved": 4},
    "idea": {"open": 4, "under_consideration": 3, "planned": 2, "implemented": 1, "declined": 1},
    "praise": {"open": 2, "acknowledged": 3},
}

# fmt: on


# --------------------------------------------------------------------------- helpers


def zipf_cum_weights(n: int, s: float) -> list[float]:
    """Cumulative weights of ranks 1..n under a Zipf law with exponent ``s``."""
    return list(accumulate(1.0 / (rank**s) for rank in range(1, n + 1)))


def _fill(rng: random.Random, template: str, words: dict[str, Sequence[str]]) -> str:
    """``template`` with each ``{name}`` replaced by a random choice among ``words[name]``."""
    values = {name: rng.choice(choices) for name, choices in words.items()}
    return template.format(**values)


def _text_words(sector: Sector) -> dict[str, Sequence[str]]:
    return {
        "symptom": sector.symptoms,
        "symptom_ing": sector.symptoms_ing,
        "feature": sector.features,
        "platform": PLATFORMS,
        "platform2": PLATFORMS,
        "month": MONTHS,
        "n": [str(n) for n in (2, 3, 4, 5, 10, 12, 15, 20, 30, 45)],
        "verb": VERBS,
        "verb_cap": [v.capitalize() for v in VERBS],
        "thing": sector.things,
        "code": [str(c) for c in (401, 403, 500, 502, 1004, 2203, 4012, 7001, 9001)],
        "version": ["4.2", "5.0", "5.1.3", "2.8", "3.0.1", "12.4", "7.7"],
        "section": SECTIONS,
        "option": OPTIONS,
    }


@dataclass
class Fragments:
    """Whole Markdown blocks with their rendered HTML; ``paragraphs`` index plain paragraphs."""

    markdown: list[str] = field(default_factory=list)
    html: list[str] = field(default_factory=list)
    paragraphs: list[int] = field(default_factory=list)
    others: list[int] = field(default_factory=list)

    def add(self, source: str, *, paragraph: bool) -> None:
        from app.content import render

        (self.paragraphs if paragraph else self.others).append(len(self.markdown))
        self.markdown.append(source)
        self.html.append(render(source).html)

    def body(self, rng: random.Random, blocks: int) -> tuple[str, str]:
        """A body of ``blocks`` blocks: paragraphs, with a list, quote or code between two.

        Two lists never touch (a blank line between them would merge them into one), so
        the body's HTML is exactly its blocks' HTML joined.
        """
        chosen = [rng.choice(self.paragraphs)]
        for position in range(1, blocks):
            pool = self.others if position % 2 == 1 and self.others and rng.random() < 0.5 else None
            chosen.append(rng.choice(pool or self.paragraphs))
        return (
            "\n\n".join(self.markdown[i] for i in chosen),
            "".join(self.html[i] for i in chosen),
        )


def build_fragments(rng: random.Random, count: int, sector: Sector) -> Fragments:
    """``count`` rendered Markdown blocks in the sector's words: mostly paragraphs, some
    lists, quotes, logs and links."""
    words = _text_words(sector)
    sentence_cw = zipf_cum_weights(len(SENTENCES), 1.0)

    def sentences(k: int) -> list[str]:
        picked = {bisect(sentence_cw, rng.random() * sentence_cw[-1]) for _ in range(k)}
        return [_fill(rng, SENTENCES[i], words) for i in sorted(picked)]

    fragments = Fragments()
    for _ in range(count):
        roll = rng.random()
        if roll < 0.70:
            paragraph = sentences(rng.randint(1, 4))
            if rng.random() < 0.15:
                article = rng.randint(100, 9999)
                paragraph.append(
                    f"See [the help article](https://help.example.com/articles/{article})."
                )
            fragments.add(" ".join(paragraph), paragraph=True)
        elif roll < 0.85:
            steps = [_fill(rng, s, words) for s in rng.sample(STEP_SENTENCES, rng.randint(2, 5))]
            ordered = rng.random() < 0.6
            lines = [f"{i}. {s}" if ordered else f"- {s}" for i, s in enumerate(steps, 1)]
            fragments.add("\n".join(lines), paragraph=False)
        elif roll < 0.93:
            fragments.add("> " + " ".join(sentences(2)), paragraph=False)
        else:
            lines = [_fill(rng, line, words) for line in rng.sample(LOG_LINES, rng.randint(1, 3))]
            fragments.add("```\n" + "\n".join(lines) + "\n```", paragraph=False)
    return fragments


# --------------------------------------------------------------------------- the plan


@dataclass
class Plan:
    """Everything to insert, decided before the first row is written."""

    now: float
    users: list[tuple] = field(default_factory=list)
    companies: list[tuple] = field(default_factory=list)
    products: list[tuple] = field(default_factory=list)
    memberships: list[tuple] = field(default_factory=list)
    claims: list[tuple] = field(default_factory=list)
    questions: list[tuple] = field(default_factory=list)
    best_answers: list[tuple[int, int]] = field(default_factory=list)
    answer_count: int = 0
    vote_count: int = 0
    me_too_count: int = 0
    thread_ids: list[int] = field(default_factory=list)
    answers: Callable[[], Iterator[tuple]] | None = None
    helpful_votes: Callable[[], Iterator[tuple]] | None = None
    me_toos: Callable[[], Iterator[tuple]] | None = None


@cache
def _password_hash() -> str:
    """One scrypt hash for every bench user (hashing each would take hours)."""
    from werkzeug.security import generate_password_hash

    return generate_password_hash(BENCH_PASSWORD, method="scrypt")


def _ts(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def _unique_slug(base: str, taken: set[str]) -> str:
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def plan_forum(
    *, companies: int, questions: int, answers_per_question: float, seed: int, now: float
) -> Plan:
    """Decide every row (ids included) from ``seed``; answers and votes are made lazily."""
    from slugify import slugify

    from app.content import RENDERER_VERSION
    from app.questions.services import question_slug

    rng = random.Random(seed)  # noqa: S311 - benchmark data, no secret
    plan = Plan(now=now)
    start = now - SPAN_DAYS * DAY

    # Users: customers first, staff of claimed companies appended below.
    password_hash = _password_hash()
    customer_count = max(30, questions // 4)
    usernames: set[str] = set()
    for user_id in range(1, customer_count + 1):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        username = f"{first}_{last}{user_id}"
        usernames.add(username)
        created = start - rng.random() * 365 * DAY
        plan.users.append(
            (user_id, username, f"{username}@example.net", f"{first.capitalize()} "
             f"{last.capitalize()}", password_hash, False, 1, _ts(created), _ts(created))
        )  # fmt: skip
    admin_id = customer_count + 1
    plan.users.append(
        (admin_id, "bench_admin", "bench_admin@example.net", "Bench Admin", password_hash,
         True, 1, _ts(start), _ts(start))
    )  # fmt: skip

    # Companies: Zipf-ranked; the busiest few (and a couple from the tail) are claimed.
    company_slugs: set[str] = set()
    company_rows: list[dict[str, Any]] = []
    names = [f"{p} {s}" for sector in SECTORS for s in sector.suffixes for p in PREFIXES]
    rng.shuffle(names)
    claimed_ranks = {1, 3, 4, 8} | {r for r in range(10, companies + 1) if rng.random() < 0.02}
    for rank in range(1, companies + 1):
        name = names[(rank - 1) % len(names)]
        if rank > len(names):
            name = f"{name} {rank // len(names) + 1}"
        sector = next(s for s in SECTORS if name.split(" ")[1] in s.suffixes)
        slug = _unique_slug(slugify(name, max_length=100), company_slugs)
        claimed_at = None
        if rank in claimed_ranks:
            claimed_at = start + rng.uniform(0.3, 0.6) * SPAN_DAYS * DAY
        company_rows.append(
            {"id": rank, "name": name, "slug": slug, "sector": sector, "claimed_at": claimed_at,
             "domain": f"{slug}.example.com", "products": [], "questions": 0, "staff": []}
        )  # fmt: skip

    # Products: busy companies make many, the tail one or two.
    product_id = 0
    product_rows: list[dict[str, Any]] = []
    for company in company_rows:
        sector: Sector = company["sector"]
        wanted = max(1, round(24 / math.sqrt(company["id"]) * rng.uniform(0.7, 1.3)))
        prefix = company["name"].split(" ")[0]
        candidates = [f"{prefix} {p}{v}" for v in VARIANTS for p in sector.products]
        slugs: set[str] = set()
        for name in candidates[:wanted]:
            product_id += 1
            product = {"id": product_id, "company": company, "name": name,
                       "slug": _unique_slug(slugify(name, max_length=100), slugs),
                       "questions": 0}  # fmt: skip
            company["products"].append(product)
            product_rows.append(product)

    # Staff of claimed companies: an admin who claimed it, and agents.
    user_id = admin_id
    membership_id = 0
    for company in company_rows:
        if company["claimed_at"] is None:
            continue
        for position in range(rng.randint(2, 6)):
            user_id += 1
            membership_id += 1
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            username = f"{first}_{company['slug'][:12]}{user_id}"
            joined = company["claimed_at"] + position * rng.uniform(0, 30) * DAY
            work_email = f"{first}.{last}{user_id}@{company['domain']}"
            plan.users.append(
                (user_id, username, work_email, f"{first.capitalize()} {last.capitalize()}",
                 password_hash, False, 1, _ts(joined), _ts(joined))
            )  # fmt: skip
            role = "admin" if position == 0 else "agent"
            plan.memberships.append(
                (membership_id, company["id"], user_id, role, rng.choice(STAFF_TITLES),
                 work_email, _ts(joined), None, None)
            )  # fmt: skip
            company["staff"].append((user_id, joined))
            if position == 0:
                decided = company["claimed_at"]
                plan.claims.append(
                    (len(plan.claims) + 1, company["id"], user_id, work_email, "approved",
                     _ts(decided - 2 * DAY), _ts(decided), _ts(decided - 1.9 * DAY),
                     _ts(decided), admin_id, "Verified work address.")
                )  # fmt: skip
    user_count = user_id

    # Questions: company by Zipf, product by Zipf within it, time growing towards now.
    company_cw = zipf_cum_weights(companies, 1.1)
    asker_cw = zipf_cum_weights(customer_count, 0.6)
    times = sorted(start + SPAN_DAYS * DAY * (rng.random() ** 0.8) for _ in range(questions))
    kinds = list(KIND_WEIGHTS)
    kind_cw = list(accumulate(KIND_WEIGHTS.values()))
    title_words_by_sector = {id(s): _text_words(s) for s in SECTORS}
    # Each sector writes in its own words (a search for "brakes" finds bike threads only).
    question_fragments = {
        id(s): build_fragments(rng, max(6, min(300, questions // 32)), s) for s in SECTORS
    }
    q_sector = array("b")
    slug_cache: dict[str, str] = {}

    # Answers per question: none for ~10%, lognormal for the rest, then nudged so the
    # total is exact; a few threads have exactly BENCH_THREAD_ANSWERS answers.
    total_answers = round(questions * answers_per_question)
    sigma = 0.9
    mean = answers_per_question / 0.9 if answers_per_question else 0
    mu = math.log(mean) - sigma**2 / 2 if mean else 0.0
    cap = 400
    counts = array("i", [0] * questions)
    if total_answers:
        for i in range(questions):
            if rng.random() >= 0.1:
                counts[i] = min(cap, max(1, round(rng.lognormvariate(mu, sigma))))
    threads = set()
    if total_answers >= BENCH_THREAD_ANSWERS * BENCH_THREADS * 4 and questions > BENCH_THREADS * 4:
        # Spread over time and companies: every 1/BENCH_THREADS of the id range.
        step = questions // BENCH_THREADS
        threads = {i * step + rng.randrange(step) for i in range(BENCH_THREADS)}
        for i in threads:
            counts[i] = BENCH_THREAD_ANSWERS
    free = [i for i in range(questions) if i not in threads]
    difference = total_answers - sum(counts)
    while difference and free:
        i = rng.choice(free)
        if difference > 0 and counts[i] < cap:
            counts[i] += 1
            difference -= 1
        elif difference < 0 and counts[i] > 0:
            counts[i] -= 1
            difference += 1
    plan.thread_ids = sorted(i + 1 for i in threads)

    # Per question: who, where, what, and its answers' times and authors.
    answerer_cw = zipf_cum_weights(customer_count, 0.9)
    answerer_order = list(range(1, customer_count + 1))
    rng.shuffle(answerer_order)
    q_meta: list[tuple] = []
    a_time = array("d")
    a_question = array("i")
    a_author = array("i")
    a_official = array("b")
    for index in range(questions):
        question_id = index + 1
        created = times[index]
        company = company_rows[bisect(company_cw, rng.random() * company_cw[-1])]
        company["questions"] += 1
        product = None
        if rng.random() < 0.88:
            products = company["products"]
            product = products[min(len(products) - 1, int(len(products) * rng.random() ** 2.5))]
            product["questions"] += 1
        kind = kinds[bisect(kind_cw, rng.random() * kind_cw[-1])]
        author = bisect(asker_cw, rng.random() * asker_cw[-1]) + 1
        sector: Sector = company["sector"]
        words = dict(title_words_by_sector[id(sector)])
        words["product"] = [product["name"] if product else company["name"]]
        q_sector.append(SECTORS.index(sector))
        title = _fill(rng, rng.choice(TITLES[kind]), words)
        title = title[0].upper() + title[1:]
        slug = slug_cache.get(title) or slug_cache.setdefault(title, question_slug(title))
        claimed_at = company["claimed_at"]
        staff_answers = (
            claimed_at is not None
            and created > claimed_at + DAY
            and counts[index] > 0
            and rng.random() < 0.45
        )
        official_position = rng.randrange(counts[index]) if staff_answers else -1
        for position in range(counts[index]):
            delay = min(rng.lognormvariate(math.log(8 * 3600), 1.8), (now - created) * rng.random())
            a_time.append(created + delay)
            a_question.append(question_id)
            if position == official_position:
                # Only someone already on staff when posting answers officially.
                on_staff = [user for user, joined in company["staff"] if joined < a_time[-1]]
                a_author.append(rng.choice(on_staff or [company["staff"][0][0]]))
                a_official.append(1)
            else:
                user = bisect(answerer_cw, rng.random() * answerer_cw[-1])
                a_author.append(answerer_order[user])
                a_official.append(0)
        q_meta.append((question_id, company, product, author, kind, title, slug, created))

    # Answer ids follow time, as in real life (a thread's answers are not neighbours on disk).
    order = sorted(range(len(a_time)), key=a_time.__getitem__)
    answer_ids = array("i", [0] * len(order))
    for answer_id, position in enumerate(order, 1):
        answer_ids[position] = answer_id
    plan.answer_count = len(order)
    helpful = array("i", [0] * len(order))
    endorsed_by = array("i", [0] * len(order))
    vote_cap = max(0, min(250, customer_count - 2))
    for position in range(len(order)):
        votes = int(rng.paretovariate(2.0)) - 1
        if a_official[position]:
            votes += rng.randint(0, 3)
        helpful[position] = min(vote_cap, votes)

    # Per question: counters, best answer, status, last activity.
    position = 0
    me_too_counts = array("i", [0] * questions)
    me_too_cap = max(0, min(1000, customer_count - 1))
    for question_id, company, product, author, kind, title, slug, created in q_meta:
        n = counts[question_id - 1]
        mine = range(position, position + n)
        position += n
        last_activity = max([created, *(a_time[p] for p in mine)])
        official = any(a_official[p] for p in mine)
        best = None
        if n and kind in ("question", "problem") and rng.random() < 0.35:
            # Askers pick the most helpful answer more often than not.
            pick = max(mine, key=helpful.__getitem__) if rng.random() < 0.6 else rng.choice(mine)
            best = answer_ids[pick]
            plan.best_answers.append((question_id, best))
        claimed_at = company["claimed_at"]
        if kind == "question":
            status = "answered" if best or official else "open"
        elif claimed_at is not None and created > claimed_at:
            weights = STATUS_WEIGHTS[kind]
            status = rng.choices(list(weights), weights=list(weights.values()))[0]
        else:
            status = "open"
        if claimed_at is not None and company["staff"]:
            for p in mine:
                if (
                    not a_official[p]
                    and helpful[p] >= 2
                    and a_time[p] > claimed_at
                    and rng.random() < 0.3
                ):
                    endorsed_by[p] = rng.choice(company["staff"])[0]
        factor = {"problem": 2.0, "praise": 0.3}.get(kind, 1.0)
        me_toos = min(me_too_cap, int((rng.paretovariate(1.5) - 1) * factor))
        me_too_counts[question_id - 1] = me_toos
        updated = created + rng.uniform(60, 3 * DAY) if rng.random() < 0.05 else created
        md, html = question_fragments[id(company["sector"])].body(rng, rng.choice((1, 2, 2, 3, 4)))
        plan.questions.append(
            (question_id, company["id"], product["id"] if product else None, author, kind,
             rng.choice(FEELINGS), status, title, slug, md, html, RENDERER_VERSION, None,
             official, False, n, me_toos, _ts(created), _ts(min(updated, now)),
             _ts(last_activity))
        )  # fmt: skip
    plan.vote_count = sum(helpful)
    plan.me_too_count = sum(me_too_counts)

    for company in company_rows:
        plan.companies.append(
            (company["id"], company["slug"], company["name"], name_skeleton(company["name"]),
             name_cased_skeleton(company["name"]), company["domain"],
             f"{company['name']} makes {', '.join(p['name'] for p in company['products'][:3])}.",
             f"https://{company['domain']}/", None, _ts(start - DAY),
             _ts(company["claimed_at"]) if company["claimed_at"] else None,
             len(company["products"]), company["questions"])
        )  # fmt: skip
    for product in product_rows:
        plan.products.append(
            (product["id"], product["company"]["id"], product["slug"], product["name"],
             name_skeleton(product["name"]), name_cased_skeleton(product["name"]),
             f"{product['name']} by {product['company']['name']}.", None, _ts(start - DAY),
             product["questions"])
        )  # fmt: skip

    bodies_per_sector = max(20, min(2500, plan.answer_count // 160))
    body_pools = []
    for sector in SECTORS:
        fragments = build_fragments(rng, max(10, min(400, plan.answer_count // 400)), sector)
        body_pools.append(
            [fragments.body(rng, rng.choice((1, 1, 1, 2, 2, 3))) for _ in range(bodies_per_sector)]
        )

    def answers() -> Iterator[tuple]:
        local = random.Random(seed + 1)  # noqa: S311 - benchmark data, no secret
        for answer_id, p in enumerate(order, 1):
            pool = body_pools[q_sector[a_question[p] - 1]]
            md, html = pool[local.randrange(len(pool))]
            created = a_time[p]
            endorser = endorsed_by[p] or None
            endorsed_at = None
            if endorser:
                endorsed_at = _ts(min(now, created + local.uniform(3600, 10 * DAY)))
            updated = created + local.uniform(60, DAY) if local.random() < 0.04 else created
            yield (
                answer_id, a_question[p], a_author[p], md, html, RENDERER_VERSION,
                bool(a_official[p]), endorser is not None, endorser, endorsed_at, helpful[p],
                _ts(created), _ts(min(now, updated)),
            )  # fmt: skip

    def helpful_votes() -> Iterator[tuple]:
        local = random.Random(seed + 2)  # noqa: S311 - benchmark data, no secret
        for answer_id, p in enumerate(order, 1):
            if not helpful[p]:
                continue
            voters = local.sample(range(1, customer_count + 1), helpful[p] + 1)
            voters = [v for v in voters if v != a_author[p]][: helpful[p]]
            for voter in voters:
                yield (answer_id, voter, _ts(min(now, a_time[p] + local.uniform(60, 20 * DAY))))

    def me_too_rows() -> Iterator[tuple]:
        local = random.Random(seed + 3)  # noqa: S311 - benchmark data, no secret
        for question_id, _c, _p, author, *_rest, created in q_meta:
            wanted = me_too_counts[question_id - 1]
            if not wanted:
                continue
            users = local.sample(range(1, customer_count + 1), wanted + 1)
            for user in [u for u in users if u != author][:wanted]:
                yield (question_id, user, _ts(min(now, created + local.uniform(60, 30 * DAY))))

    plan.answers = answers
    plan.helpful_votes = helpful_votes
    plan.me_toos = me_too_rows
    plan.users.sort(key=lambda row: row[0])
    assert len(plan.users) == user_count  # noqa: S101 - ids are 1..n without gaps
    return plan


# --------------------------------------------------------------------------- writing

COLUMNS = {
    # Every generated account has a verified address, as if it confirmed at sign-up.
    "users": ("id", "username", "email", "display_name", "password_hash", "is_admin",
              "session_version", "created_at", "email_verified_at"),
    "companies": ("id", "slug", "name", "name_skeleton", "name_cased_skeleton", "domain",
                  "description", "website", "created_by_id", "created_at", "claimed_at",
                  "product_count", "question_count"),
    "products": ("id", "company_id", "slug", "name", "name_skeleton", "name_cased_skeleton",
                 "description", "created_by_id", "created_at", "question_count"),
    "memberships": ("id", "company_id", "user_id", "role", "title", "work_email", "created_at",
                    "revoked_at", "revoked_by_id"),
    "claims": ("id", "company_id", "user_id", "work_email", "status", "created_at",
               "expires_at", "email_verified_at", "decided_at", "decided_by_id", "note"),
    "questions": ("id", "company_id", "product_id", "author_id", "kind", "feeling", "status",
                  "title", "slug", "body", "body_html", "body_renderer_version",
                  "best_answer_id", "has_official_answer", "locked", "answer_count",
                  "me_too_count", "created_at", "updated_at", "last_activity_at"),
    "answers": ("id", "question_id", "author_id", "body", "body_html", "body_renderer_version",
                "is_official", "is_endorsed", "endorsed_by_id", "endorsed_at", "helpful_count",
                "created_at", "updated_at"),
    "helpful_votes": ("answer_id", "user_id", "created_at"),
    "me_toos": ("question_id", "user_id", "created_at"),
}  # fmt: skip
# Tables with an id sequence to move past the ids written here (PostgreSQL).
SEQUENCED = ("users", "companies", "products", "memberships", "claims", "questions", "answers")


def _batches(rows: Iterable[tuple], size: int) -> Iterator[list[tuple]]:
    batch: list[tuple] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def write_rows(
    connection: sa.Connection,
    table: sa.Table,
    rows: Iterable[tuple],
    *,
    total: int,
    label: str,
    quiet: bool = False,
) -> int:
    """Insert ``rows`` (tuples in ``COLUMNS[table]`` order) with a progress bar.

    PostgreSQL: COPY through psycopg, streamed. Elsewhere: Core ``insert()`` executemany in
    batches of ``BATCH``, so each batch is one prepared statement run many times.
    """
    columns = COLUMNS[table.name]
    written = 0
    with click.progressbar(
        length=max(total, 1), label=f"{label:<14}", show_pos=True, file=_Null() if quiet else None
    ) as bar:
        if connection.dialect.name == "postgresql":
            cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
            copy_sql = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
            with cursor.copy(copy_sql) as copy:
                for batch in _batches(rows, BATCH):
                    for row in batch:
                        copy.write_row(row)
                    written += len(batch)
                    bar.update(len(batch))
            cursor.close()
        else:
            statement = table.insert()
            for batch in _batches(rows, BATCH):
                params = [dict(zip(columns, row, strict=True)) for row in batch]
                connection.execute(statement, params)
                written += len(batch)
                bar.update(len(batch))
    return written


class _Null:
    """A file that swallows the progress bar (``--quiet``)."""

    def write(self, _text: str) -> int:
        return 0

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


def _set_best_answers(connection: sa.Connection, pairs: list[tuple[int, int]]) -> None:
    """Questions reference answers and answers questions: best answers go in last."""
    if not pairs:
        return
    if connection.dialect.name == "postgresql":
        for batch in _batches(pairs, BATCH):
            values = ", ".join(f"({int(q)}, {int(a)})" for q, a in batch)
            connection.exec_driver_sql(
                "UPDATE questions SET best_answer_id = v.a FROM (VALUES "  # noqa: S608 - ints only
                f"{values}) AS v(q, a) WHERE questions.id = v.q"
            )
    else:
        questions = sa.table("questions", sa.column("id"), sa.column("best_answer_id"))
        connection.execute(
            questions.update()
            .where(questions.c.id == sa.bindparam("q"))
            .values(best_answer_id=sa.bindparam("a")),
            [{"q": q, "a": a} for q, a in pairs],
        )


@dataclass
class LoadReport:
    rows: dict[str, int]
    seconds: dict[str, float]
    thread_ids: list[int]


def load(
    engine: sa.Engine,
    plan: Plan,
    metadata: sa.MetaData,
    *,
    analyze: bool = True,
    quiet: bool = False,
) -> LoadReport:
    """Write the plan into an empty, migrated database in one transaction per table."""
    rows: dict[str, int] = {}
    seconds: dict[str, float] = {}
    sources: list[tuple[str, Iterable[tuple], int]] = [
        ("users", plan.users, len(plan.users)),
        ("companies", plan.companies, len(plan.companies)),
        ("products", plan.products, len(plan.products)),
        ("memberships", plan.memberships, len(plan.memberships)),
        ("claims", plan.claims, len(plan.claims)),
        ("questions", plan.questions, len(plan.questions)),
        ("answers", plan.answers(), plan.answer_count),  # type: ignore[misc]
        ("helpful_votes", plan.helpful_votes(), plan.vote_count),  # type: ignore[misc]
        ("me_toos", plan.me_toos(), plan.me_too_count),  # type: ignore[misc]
    ]
    for name, source, total in sources:
        started = time.perf_counter()
        with engine.begin() as connection:
            _fast_session(connection)
            rows[name] = write_rows(
                connection, metadata.tables[name], source, total=total, label=name, quiet=quiet
            )
            if name == "answers":
                _set_best_answers(connection, plan.best_answers)
        seconds[name] = time.perf_counter() - started
    started = time.perf_counter()
    with engine.begin() as connection:
        _fast_session(connection)
        rows["reputation_awards"] = _reputation(connection, metadata)
    seconds["reputation"] = time.perf_counter() - started
    started = time.perf_counter()
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            for table in SEQUENCED:
                connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                    f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
                )
    if analyze:
        _analyze(engine)
    seconds["analyze"] = time.perf_counter() - started
    return LoadReport(rows=rows, seconds=seconds, thread_ids=plan.thread_ids)


# Champions each claimed company names: the peers with the most points in its questions.
CHAMPIONS_PER_COMPANY = 5


def _reputation(connection: sa.Connection, metadata: sa.MetaData) -> int:
    """The points ledger and every stored total, from the votes, best answers, endorsements
    and me-toos just written (``flask reputation rebuild``'s code), then champions for each
    claimed company. How many ledger rows there are."""
    from app.reputation.models import ALL_TIME
    from app.reputation.recompute import write_ledger, write_totals

    # The ledger's six indexes (four unique) kept up row by row were most of the rebuild:
    # its INSERT … SELECT of 8.7 million rows at a million questions ran over 20 minutes.
    # Each table's indexes are built once, after its rows (a unique index still proves them
    # unique); the ledger's before the totals, which read it by person.
    ledger_indexes = list(metadata.tables["reputation_awards"].indexes)
    total_indexes = [
        index
        for name in ("reputation_company_totals", "reputation_monthly_totals")
        for index in metadata.tables[name].indexes
    ]
    for index in ledger_indexes + total_indexes:
        index.drop(connection)
    write_ledger(connection, metadata)
    for index in ledger_indexes:
        index.create(connection)
    awards = write_totals(connection, metadata)
    for index in total_indexes:
        index.create(connection)
    companies, totals = metadata.tables["companies"], metadata.tables["reputation_company_totals"]
    champions, memberships = metadata.tables["champions"], metadata.tables["memberships"]
    now = datetime.now(UTC)
    for (company_id,) in connection.execute(
        sa.select(companies.c.id).where(companies.c.claimed_at.is_not(None))
    ):
        staff = sa.select(memberships.c.user_id).where(memberships.c.company_id == company_id)
        best = connection.execute(
            sa.select(totals.c.user_id)
            .where(
                totals.c.company_id == company_id,
                totals.c.period == ALL_TIME,
                totals.c.points > 0,
                totals.c.user_id.not_in(staff),
            )
            .order_by(totals.c.points.desc(), totals.c.user_id)
            .limit(CHAMPIONS_PER_COMPANY)
        ).scalars()
        rows = [{"company_id": company_id, "user_id": user, "created_at": now} for user in best]
        if rows:
            connection.execute(sa.insert(champions), rows)
    return awards


def _fast_session(connection: sa.Connection) -> None:
    """Loading is repeatable from the seed, so it need not wait for the disk."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SET LOCAL synchronous_commit = off")
        connection.exec_driver_sql("SET LOCAL statement_timeout = 0")


def _analyze(engine: sa.Engine) -> None:
    """Planner statistics (and PostgreSQL's visibility map) as a live database would have."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("SET statement_timeout = 0")
            connection.exec_driver_sql("VACUUM ANALYZE")
    else:
        with engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")


# --------------------------------------------------------------------------- the command


def empty_database(url: str) -> None:
    """Drop everything in the target database (a file is deleted, a schema recreated)."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(parsed.database + suffix).unlink(missing_ok=True)
        return
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        schema = connection.exec_driver_sql("SELECT current_schema()").scalar_one()
        connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    engine.dispose()


def _question_rows(url: str) -> int | None:
    """How many questions the target holds (``None`` when it has no schema yet)."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            if not sa.inspect(connection).has_table("questions"):
                return None
            return connection.exec_driver_sql("SELECT count(*) FROM questions").scalar_one()
    finally:
        engine.dispose()


def bench_app(url: str) -> Flask:
    """The app, bound to the benchmark database (for migrations and the search index)."""
    from app import create_app
    from app.extensions import db

    if url == db.engine.url.render_as_string(hide_password=False):
        return current_app._get_current_object()  # type: ignore[attr-defined]
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False})


def rebuild_search_index(
    app: Flask,
    *,
    quiet: bool = False,
    related_for: list[int] | None = None,
    workers: int = 1,
    url: str | None = None,
) -> int | None:
    """Rebuild the search index when the search package exists; ``None`` when it does not.

    What ``app.search.index.rebuild`` does, with two changes for a bulk-loaded forum: the
    answers' plain text is cached (the loader draws answer bodies from a pool of a few
    thousand per sector, so ten million answers are some twenty thousand texts to parse),
    and on PostgreSQL ``workers`` processes (``url`` given) each index a contiguous range of
    question ids at once. At a million questions the serial rebuild took most of an hour on
    the shared 2-core machine, longer than loading every table (bench/RESULTS.md).

    Related questions are found for the questions of ``related_for`` only (the threads the
    benchmark opens): at 100,000 questions, finding them for all takes 20–40 minutes
    (``flask search reindex``), and a page reads its stored ids the same way whoever
    found them.
    """
    try:
        from app.search import index, terms
    except ImportError:
        return None
    from app.extensions import db
    from app.search.backends import backend_for

    with app.app_context():
        if db.engine.dialect.name != "postgresql" or url is None:
            workers = 1
        _postgres_batch_session()
        total = index.count_questions()
        last_id = db.session.execute(sa.text("SELECT coalesce(max(id), 0) FROM questions"))
        last_id = last_id.scalar_one()
        db.session.remove()
    ranges = _id_ranges(last_id, workers)
    done = 0
    with click.progressbar(
        length=max(total, 1), label=f"{'search index':<14}", show_pos=True,
        file=_Null() if quiet else None,
    ) as bar:  # fmt: skip
        if workers == 1:
            with app.app_context():
                done = _index_range(*ranges[0], progress=bar.update)
        else:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            context = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
                futures = [pool.submit(_index_range_in_process, url, a, b) for a, b in ranges]
                for future in futures:
                    indexed = future.result()
                    done += indexed
                    bar.update(indexed)
    with app.app_context():
        _postgres_batch_session()
        backend = backend_for(db.session)
        backend.remove_orphans(db.session)
        backend.optimize(db.session)
        db.session.commit()
        terms.refresh()
        db.session.commit()
        if related_for:
            index.rebuild_related(only=related_for)
        db.session.remove()
    return done


def _postgres_batch_session() -> None:
    """Rebuilding is a batch job, not a request: no request-sized statement timeout."""
    from app.extensions import db

    if db.engine.dialect.name == "postgresql":
        db.session.execute(sa.text("SET statement_timeout = 0"))


def _id_ranges(last_id: int, parts: int) -> list[tuple[int, int]]:
    """``parts`` contiguous ranges (first, last) covering ids 1..last_id."""
    step = max(1, math.ceil(last_id / parts))
    ranges = [(first, min(last_id, first + step - 1)) for first in range(1, last_id + 1, step)]
    return ranges or [(1, 0)]


def _index_range(first: int, last: int, progress: Callable[[int], None] | None = None) -> int:
    """Index the questions with ids in [first, last], in batches committed one by one (the
    loop of ``index.rebuild``), parsing each distinct answer text once."""
    from app.extensions import db
    from app.search import index
    from app.search.backends import backend_for
    from app.search.text import plain_text

    cached = lru_cache(maxsize=50_000)(plain_text)
    index.plain_text = cached  # type: ignore[attr-defined]
    try:
        _postgres_batch_session()
        backend = backend_for(db.session)
        done = 0
        start = first
        while start <= last:
            ids = list(
                db.session.execute(
                    sa.text(
                        "SELECT id FROM questions WHERE id BETWEEN :a AND :b ORDER BY id LIMIT :n"
                    ),
                    {"a": start, "b": last, "n": index.REBUILD_BATCH},
                ).scalars()
            )
            if not ids:
                break
            documents = index._documents(ids)
            backend.store(db.session, documents)
            unlisted = set(ids) - {document.question_id for document in documents}
            if unlisted:
                backend.remove(db.session, sorted(unlisted))
            db.session.commit()
            done += len(ids)
            start = ids[-1] + 1
            if progress is not None:
                progress(len(ids))
        return done
    finally:
        index.plain_text = plain_text  # type: ignore[attr-defined]
        cached.cache_clear()


def _index_range_in_process(url: str, first: int, last: int) -> int:
    """``_index_range`` in a worker process of its own, with its own app and connection."""
    from app import create_app
    from app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False})
    with app.app_context():
        try:
            return _index_range(first, last)
        finally:
            db.session.remove()
            db.engine.dispose()


@click.command("seed-bench")
@click.option("--companies", type=click.IntRange(1, 100_000), default=200, show_default=True)
@click.option("--questions", type=click.IntRange(1, 10_000_000), default=10_000, show_default=True)
@click.option(
    "--answers-per-question",
    type=click.FloatRange(0, 200),
    default=10,
    show_default=True,
    help="Average; the total is exactly questions × this.",
)
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same forum.")
@click.option(
    "--database-url",
    default=None,
    help=f"Where to load (default {DEFAULT_DATABASE_URL.replace(str(ROOT) + '/', '')}).",
)
@click.option(
    "--configured-db", is_flag=True, help="Load into the app's configured database instead."
)
@click.option("--reset", is_flag=True, help="Empty the target database first (drops everything).")
@click.option("--analyze/--no-analyze", default=True, show_default=True)
@click.option("--reindex/--no-reindex", default=True, show_default=True, help="Rebuild search.")
@click.option(
    "--index-workers",
    type=click.IntRange(1, 16),
    default=1,
    show_default=True,
    help="Processes building the search index at once (PostgreSQL).",
)
@click.option("--quiet", is_flag=True, help="No progress bars.")
@with_appcontext
def seed_bench_command(
    companies: int,
    questions: int,
    answers_per_question: float,
    seed: int,
    database_url: str | None,
    configured_db: bool,
    reset: bool,
    analyze: bool,
    reindex: bool,
    index_workers: int,
    quiet: bool,
) -> None:
    """Load a large benchmark forum in bulk (see bench/README.md)."""
    import flask_migrate

    from app.config import database_url_from_env
    from app.extensions import db

    if configured_db and database_url:
        raise click.UsageError("Give --database-url or --configured-db, not both.")
    if configured_db:
        # The engine's URL, not the setting: a relative SQLite path lives in the instance folder.
        url = db.engine.url.render_as_string(hide_password=False)
    else:
        url = database_url_from_env(database_url or DEFAULT_DATABASE_URL)
        if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
            raise click.UsageError("Give SQLite paths as absolute: sqlite:////abs/path.db")
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    shown = sa.engine.make_url(url).render_as_string(hide_password=True)
    if reset:
        empty_database(url)
    elif _question_rows(url):
        raise click.ClickException(
            f"{shown} already holds questions; add --reset to empty it first."
        )
    started = time.perf_counter()
    app = bench_app(url)
    with app.app_context():
        flask_migrate.upgrade()
        metadata = db.metadata
    click.echo(f"Planning {questions:,} questions for {shown} (seed {seed})…")
    plan = plan_forum(
        companies=companies,
        questions=questions,
        answers_per_question=answers_per_question,
        seed=seed,
        now=time.time(),
    )
    planned = time.perf_counter() - started
    engine = sa.create_engine(url)
    try:
        report = load(engine, plan, metadata, analyze=analyze, quiet=quiet)
    finally:
        engine.dispose()
    indexed = None
    index_seconds = 0.0
    if reindex:
        index_started = time.perf_counter()
        indexed = rebuild_search_index(
            app, quiet=quiet, related_for=report.thread_ids, workers=index_workers, url=url
        )
        index_seconds = time.perf_counter() - index_started
    if app is not current_app._get_current_object():  # type: ignore[attr-defined]
        with app.app_context():
            db.engine.dispose()  # the benchmark database's connections, not the app's own
    total = time.perf_counter() - started
    counts = ", ".join(f"{n:,} {name}" for name, n in report.rows.items())
    click.echo(f"Loaded {counts}.")
    timing = ", ".join(f"{name} {s:.1f}s" for name, s in report.seconds.items())
    click.echo(f"Planning {planned:.1f}s; {timing}; search index {index_seconds:.1f}s.")
    if indexed is None and reindex:
        click.echo("No search package: the search index was not built.")
    if report.thread_ids:
        ids = ", ".join(map(str, report.thread_ids))
        click.echo(f"Questions with {BENCH_THREAD_ANSWERS} answers: {ids}")
    click.echo(f"Done in {total:.1f}s.")
