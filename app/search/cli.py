"""``flask search reindex``: rebuild the search index from the questions and answers, then
every question's related questions; ``flask search terms``: count the common title words
again; ``flask search relate [--loop]``: the worker that finds new questions' related ones."""

from __future__ import annotations

import logging

import click
from flask.cli import AppGroup

from app.extensions import db
from app.mail.cli import Stopper, sender_options
from app.search import deferred, index, terms

log = logging.getLogger("app.search")

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


@search_cli.command("terms")
def terms_command() -> None:
    """Count again how many titles hold each word (similar questions leave out the words in
    more than a fifth of them). Reindexing does it too; cron may run this alone."""
    kept = terms.refresh()
    db.session.commit()
    share = f"{terms.STORED_SHARE:.0%}"
    click.echo(f"Counted the title words: {kept} in at least {share} of questions.")


@search_cli.command("relate")
@sender_options(interval=2.0, waiting="no question waits", batch="Questions")
def relate_command(loop: bool, interval: float, limit: int) -> None:
    """Find the related questions of questions asked or retitled (MAIL_SEND=worker; inline,
    each request does its own). Several may run at once."""
    if not loop:
        done = deferred.relate_pending(limit)
        click.echo(f"Related {done} question{'' if done == 1 else 's'}; {deferred.pending()} wait.")
        return
    stopper = Stopper()
    with stopper.on_signals():
        click.echo(f"Relating questions every {interval:g} s. Stop with Ctrl-C or SIGTERM.")
        while not stopper.requested:
            try:
                done = deferred.relate_pending(limit, stop=lambda: stopper.requested)
            except Exception:
                # The database went away, most likely: keep going, it comes back.
                log.exception("relating questions failed; trying again in %g s", interval)
                db.session.remove()
                done = 0
            if done < limit:
                stopper.wait(interval)
    click.echo("Stopped.")
