"""Atom feeds for the site, each company, each product and each question; the sitemap;
robots.txt."""

from __future__ import annotations

from flask import Response, abort, url_for

from app.companies.queries import get_company
from app.feeds import atom, bp, queries, sitemap
from app.i18n import _, _l
from app.products.queries import get_product
from app.questions.models import Kind
from app.questions.queries import Sort, get_question, list_questions

FEED_ENTRIES = 30
QUESTION_FEED_ENTRIES = 50

# A question feed's subtitle: a sentence per kind, as languages give each its own article.
ANSWERS_TO = {
    Kind.QUESTION: _l("Answers to a question about %(company)s."),
    Kind.PROBLEM: _l("Answers to a problem about %(company)s."),
    Kind.IDEA: _l("Answers to an idea about %(company)s."),
    Kind.PRAISE: _l("Answers to a praise about %(company)s."),
}


@bp.get("/feeds/questions.atom")
def site() -> Response:
    """The newest questions on Helpsquare (two SELECTs)."""
    feed = atom.new_feed(
        title=_("Helpsquare: new questions"),
        page_url=url_for("questions.index", sort=Sort.NEWEST.value, _external=True),
        feed_url=url_for("feeds.site", _external=True),
        subtitle=_("The newest questions, problems, ideas and praise on Helpsquare."),
    )
    for question in list_questions(sort=Sort.NEWEST, limit=FEED_ENTRIES).items:
        atom.add_question(feed, question)
    return atom.response(feed)


@bp.get("/companies/<slug>/feed.atom")
def company(slug: str) -> Response:
    """The newest questions about one company."""
    found = get_company(slug)
    feed = atom.new_feed(
        title=_("%(name)s on Helpsquare", name=found.name),
        page_url=url_for("companies.show", slug=found.slug, _external=True),
        feed_url=url_for("feeds.company", slug=found.slug, _external=True),
        subtitle=_("New questions about %(name)s.", name=found.name),
        updated=found.created_at,
    )
    page = list_questions(company_id=found.id, sort=Sort.NEWEST, limit=FEED_ENTRIES)
    for question in page.items:
        atom.add_question(feed, question)
    return atom.response(feed)


@bp.get("/companies/<company_slug>/products/<product_slug>/feed.atom")
def product(company_slug: str, product_slug: str) -> Response:
    """The newest questions about one product."""
    found = get_product(company_slug, product_slug)
    names = f"{found.name} ({found.company.name})"
    feed = atom.new_feed(
        title=_("%(name)s on Helpsquare", name=names),
        page_url=url_for(
            "products.show",
            company_slug=found.company.slug,
            product_slug=found.slug,
            _external=True,
        ),
        feed_url=url_for(
            "feeds.product",
            company_slug=found.company.slug,
            product_slug=found.slug,
            _external=True,
        ),
        subtitle=_("New questions about %(name)s.", name=names),
        updated=found.created_at,
    )
    page = list_questions(product_id=found.id, sort=Sort.NEWEST, limit=FEED_ENTRIES)
    for question in page.items:
        atom.add_question(feed, question)
    return atom.response(feed)


@bp.get("/questions/<id:question_id>/feed.atom")
def question(question_id: int) -> Response:
    """A question's newest answers, after the question itself (two SELECTs)."""
    # A feed is a list, the same for every reader: a hidden question has none.
    found = get_question(question_id, viewer=None)
    feed = atom.new_feed(
        title=_("Answers to: %(title)s", title=found.title),
        page_url=url_for("questions.show", question_id=found.id, slug=found.slug, _external=True),
        feed_url=url_for("feeds.question", question_id=found.id, _external=True),
        subtitle=ANSWERS_TO[found.kind] % {"company": found.company.name},
    )
    for answer in queries.latest_answers(found.id, QUESTION_FEED_ENTRIES):
        atom.add_answer(feed, found, answer)
    atom.add_question(feed, found)
    return atom.response(feed)


@bp.get("/sitemap.xml")
def sitemap_index() -> Response:
    return sitemap.sitemap()


@bp.get("/sitemaps/<any(pages, companies, products, questions):section>-<id:first_id>.xml")
def sitemap_part(section: str, first_id: int) -> Response:
    found = sitemap.sitemap_part(section, first_id)
    if found is None:
        abort(404)
    return found


@bp.get("/robots.txt")
def robots() -> Response:
    """Crawlers are welcome everywhere. Search results are an endless space of pages, but
    they say ``noindex`` themselves (meta robots): a crawler kept out by robots.txt would
    never read that, and could index a linked result from its address alone."""
    lines = [
        "User-agent: *",
        "Allow: /",
        f"Sitemap: {url_for('feeds.sitemap_index', _external=True)}",
        "",
    ]
    return Response("\n".join(lines), mimetype="text/plain")
