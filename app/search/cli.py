"""``flask search reindex``: rebuild the search index from the questions and answers, then
every question's related questions."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.search import index

search_cli = AppGroup("search", help="Full-text search.")

# What the progress bars say: CLI output stays English, as every command's does (not the
# interface's, so not in the catalogue).
INDEXING, RELATING = "Indexing questions", "Relating questions"


@search_cli.command("reindex")
@click.option(
    "--related/--no-related",
    default=True,
    show_default=True,
    help="Then find every question's related questions again (the longer part).",
)
def reindex_command(related: bool) -> None:
    """Rebuild every question's search entry (searches keep working meanwhile)."""
    total = index.count_questions()
    with click.progressbar(length=total, label=INDEXING, show_pos=True) as bar:
        done = index.rebuild(progress=bar.update)
    click.echo(f"Indexed {done} question{'' if done == 1 else 's'}.")
    if related:
        with click.progressbar(length=total, label=RELATING, show_pos=True) as bar:
            index.rebuild_related(progress=bar.update)
        click.echo("Related questions found again.")
