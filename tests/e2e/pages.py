"""The key pages: checked by axe and photographed at phone and desktop width, light and dark.

Later features add theirs here (search, claim, staff, admin queue) and the accessibility
and screenshot test picks them up.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class KeyPage:
    name: str  # also the screenshot's file name
    path: str
    follow: str | None = None  # then click the link with this name (ids are not guessed)
    user: str | None = None  # a demo user signed in to see it; None: a visitor
    heading: str | None = None  # the h1 that proves the right page opened


DEMO_QUESTION = "Acme Drive stops syncing after the 4.2 update"

KEY_PAGES = [
    KeyPage("home", "/", heading="Answers about the products you use"),
    KeyPage("companies", "/companies/", heading="Companies"),
    KeyPage("company", "/companies/acme-cloud", heading="Acme Cloud"),
    KeyPage("product", "/companies/acme-cloud/products/acme-drive", heading="Acme Drive"),
    KeyPage(
        "question",
        "/companies/acme-cloud/products/acme-drive",
        follow=DEMO_QUESTION,
        heading=DEMO_QUESTION,
    ),
    # Signed in, the question page grows its buttons (me too, helpful) and the answer form.
    KeyPage(
        "question-signed-in",
        "/companies/acme-cloud/products/acme-drive",
        follow=DEMO_QUESTION,
        user="bruno",
        heading=DEMO_QUESTION,
    ),
    KeyPage("ask", "/companies/acme-cloud/ask", user="dana", heading="Ask Acme Cloud"),
    # Issue 13: "Ask" from anywhere starts with "Which company is it about?" (words typed).
    KeyPage("ask-start", "/ask?company=acme", user="dana", heading="Ask a question"),
    KeyPage("sign-in", "/sign-in", heading="Sign in to Helpsquare"),
    KeyPage("sign-up", "/sign-up", heading="Create your Helpsquare account"),
    KeyPage("profile", "/users/alice", heading="Alice Moreau @alice"),
    KeyPage("own-profile", "/users/chen", user="chen", heading="Chen Wei @chen"),
    # Companies joining: the claim form, a claim waiting for review (Kai's, on Nimbus Bikes),
    # the staff page as a company admin sees it (Jane, Acme Cloud's admin), and the site
    # admin's queue and one claim's review page (Site Keeper). Looking changes nothing.
    KeyPage("claim", "/companies/lumen-home/claim", user="bruno", heading="Claim Lumen Home"),
    KeyPage(
        "claim-waiting", "/companies/nimbus-bikes/claim", user="kai", heading="Claim Nimbus Bikes"
    ),
    KeyPage("staff", "/companies/acme-cloud/staff", user="jane", heading="Acme Cloud staff"),
    KeyPage("claims-queue", "/admin/claims", user="sitekeeper", heading="Claims"),
    KeyPage(
        "claim-review",
        "/admin/claims",
        follow="Open the claim on Nimbus Bikes",
        user="sitekeeper",
        heading="Claim on Nimbus Bikes",
    ),
    # Notifications as Alice has them and her e-mail settings. The first look reads what the
    # page shows (issue 13): later widths and schemes show them read, her bell at none;
    # journeys use new users for unread ones.
    KeyPage("notifications", "/notifications", user="alice", heading="Notifications"),
    KeyPage("email-settings", "/notifications/settings", user="alice", heading="E-mail settings"),
    # The moderators' review queue (Site Keeper is a site admin, hence a moderator).
    KeyPage("flags-queue", "/moderation/flags", user="sitekeeper", heading="Flags"),
    # Issue 12's other pages: reporting a post, the public log, the moderator list, and
    # deleting one's account (looked at, never submitted).
    KeyPage("report", "/questions/1/flag", user="dana", heading="Report this question"),
    KeyPage("moderation-log", "/moderation/log", heading="Moderation log"),
    KeyPage("moderators", "/admin/moderators", user="sitekeeper", heading="Moderators"),
    KeyPage("delete-account", "/account/delete", user="farah", heading="Delete your account"),
    # Issue 15: the company's own site: its admin's page, and the widget's embedded page.
    KeyPage(
        "integrations",
        "/companies/acme-cloud/integrations",
        user="jane",
        heading="Acme Cloud on your own site",
    ),
    KeyPage("embed", "/embed/companies/acme-cloud?q=sync", heading="Help from Acme Cloud"),
    # Issue 14: a company's insights, as its admin (Jane, Acme Cloud) sees them: the charts
    # drawn on the server, their legends and tables.
    KeyPage(
        "insights", "/companies/acme-cloud/insights", user="jane", heading="Insights for Acme Cloud"
    ),
    # Issue 16: the leaderboards, the badges and their rules, and a company's champions as
    # its admin sees them (Jane named Chen, whose answer on the demo question carries the
    # badge: the "question" pages above show it).
    KeyPage("leaderboard", "/leaderboard", heading="Leaderboard"),
    KeyPage(
        "company-leaderboard",
        "/companies/acme-cloud/leaderboard?period=month",
        heading="Acme Cloud leaderboard",
    ),
    KeyPage("badges", "/badges", user="chen", heading="Badges and points"),
    KeyPage(
        "champions", "/companies/acme-cloud/champions", user="jane", heading="Acme Cloud champions"
    ),
    # Issue 17: the accessibility statement and the site's other footer pages, and the
    # profile settings with the language choice.
    KeyPage("accessibility", "/accessibility", heading="Accessibility statement"),
    KeyPage("about", "/about", heading="About Helpsquare"),
    KeyPage("edit-profile", "/account/profile", user="chen", heading="Edit your profile"),
]
