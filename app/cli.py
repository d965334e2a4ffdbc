"""Flask commands: ``flask create-admin``, ``flask create-moderator``, ``flask seed-demo``,
``flask rerender``, ``flask doctor`` (app/doctor.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click
import sqlalchemy as sa
from flask import Flask, current_app
from sqlalchemy import orm

from app import content
from app.accounts import services as account_services
from app.answers.models import Answer
from app.bench_data import seed_bench_command
from app.comments.models import Comment
from app.doctor import doctor_command
from app.errors import DomainError
from app.extensions import db
from app.questions.models import PRIVATE_DETAILS, Question
from app.questions.services import page_changed


def _make_account(make: Callable[..., Any], role: str, **credentials: str) -> None:
    """Run ``make`` (a service making an account, or giving an existing one the role) and
    say so; a refused field becomes the command's error message."""
    try:
        user = make(**credentials)
    except DomainError as error:
        details = "; ".join(f"{name}: {why}" for name, why in error.fields.items())
        raise click.ClickException(details or error.message) from error
    click.echo(f"{user.username} is {role}.")


@click.command("create-admin")
@click.option("--username", required=True)
@click.option("--email", required=True)
@click.option("--password", required=True, prompt=True, hide_input=True)
def create_admin_command(username: str, email: str, password: str) -> None:
    """Make a site admin (or make an existing account one)."""
    _make_account(
        account_services.create_site_admin,
        "a site admin",
        username=username,
        email=email,
        password=password,
    )


@click.command("create-moderator")
@click.option("--username", required=True)
@click.option("--email", required=True)
@click.option("--password", required=True, prompt=True, hide_input=True)
def create_moderator_command(username: str, email: str, password: str) -> None:
    """Make a moderator (or make an existing account one)."""
    _make_account(
        account_services.create_moderator,
        "a moderator",
        username=username,
        email=email,
        password=password,
    )


@click.command("seed-demo")
def seed_demo_command() -> None:
    """Load the demo data (idempotent: running it again changes nothing)."""
    from app.demo import seed_demo

    base_url = f"{current_app.config['PREFERRED_URL_SCHEME']}://127.0.0.1:5000"
    # POST: it writes, so on SQLite its transactions take the write lock up front (app.db).
    with current_app.test_request_context("/", base_url=base_url, method="POST"):
        created = seed_demo()
    click.echo("Demo data loaded." if created else "Demo data already present.")


@click.command("rerender")
@click.option("--batch-size", default=500, show_default=True)
def rerender_command(batch_size: int) -> None:
    """Re-render stored Markdown made by an older renderer (after app/content.py changed):
    the bodies of questions and answers, their private details, and comments."""
    for model in (Question, Answer, Comment):
        stale = model.body_renderer_version < content.RENDERER_VERSION
        if model is not Comment:
            stale = sa.or_(stale, model.private_details_renderer_version < content.RENDERER_VERSION)
        changed, last_id = 0, 0
        while rows := db.session.scalars(
            sa.select(model)
            .options(*([] if model is Comment else [orm.undefer_group(PRIVATE_DETAILS)]))
            .where(stale, model.id > last_id)
            .order_by(model.id)
            .limit(batch_size)
        ).all():
            for row in rows:
                _rerender_row(row)
            # A new renderer may be a sanitizer fix: no cached page keeps the old HTML.
            pages = {row.id if isinstance(row, Question) else row.question_id for row in rows}
            for question_id in sorted(pages):
                page_changed(question_id)
            db.session.commit()
            changed, last_id = changed + len(rows), rows[-1].id
        click.echo(f"{model.__tablename__}: {changed} re-rendered")


def _rerender_row(row: Question | Answer | Comment) -> None:
    """Render the row's Markdown again: a comment with the comments' renderer, a post's body
    and private details with the posts'."""
    if isinstance(row, Comment):
        rendered = content.render_comment(row.body)
        row.body_html, row.body_renderer_version = rendered.html, rendered.version
        return
    rendered = content.render(row.body)
    row.body_html, row.body_renderer_version = rendered.html, rendered.version
    if row.private_details is not None:
        rendered = content.render(row.private_details)
        row.private_details_html = rendered.html
        row.private_details_renderer_version = rendered.version


@click.command("scorecard-rank")
def scorecard_rank_command() -> None:
    """Rank every company for the directory's "Answers officially fastest" anew (run it every
    few minutes from cron: the 90-day window slides past old answers)."""
    from app.insights.scorecard import rank_all

    click.echo(f"{rank_all()} companies ranked")


def init_app(app: Flask) -> None:
    app.cli.add_command(create_admin_command)
    app.cli.add_command(create_moderator_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(seed_bench_command)
    app.cli.add_command(rerender_command)
    app.cli.add_command(scorecard_rank_command)
    app.cli.add_command(doctor_command)
