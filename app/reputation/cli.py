"""``flask reputation recompute`` (prove the stored totals) and ``flask reputation rebuild``
(write them anew from the rows that cause points): app/reputation/recompute.py."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.db import SQLITE_BEGIN_OPTION
from app.extensions import db
from app.reputation import recompute

reputation_cli = AppGroup("reputation", help="Reputation: prove or rebuild the stored totals.")


@reputation_cli.command("recompute")
@click.option("--limit", default=50, show_default=True, help="Name at most this many people.")
def recompute_command(limit: int) -> None:
    """Recompute every person's points and compare them with the stored totals.

    Exits 0 when every stored total (reputation, company and monthly totals) equals the
    recomputation, 1 when one does not (naming the people). Reads only.
    """
    # Reads only: on SQLite it need not hold the write lock while it counts (a session that
    # has begun already keeps how it began).
    options = {} if db.session().in_transaction() else {SQLITE_BEGIN_OPTION: "DEFERRED"}
    connection = db.session.connection(execution_options=options)
    try:
        report = recompute.check(connection, db.metadata, limit=limit)
    finally:
        db.session.rollback()
    people = f"{report.users:,} {'person' if report.users == 1 else 'people'}"
    if report.ok:
        click.echo(f"Checked {people}: every stored total equals the recomputation.")
        return
    for wrong in report.mismatched:
        click.echo(
            f"@{wrong.username}: stored {wrong.stored}, ledger {wrong.ledger}, "
            f"recomputed {wrong.recomputed}"
        )
    if report.totals_mismatched:
        click.echo(f"{report.totals_mismatched} company or monthly total rows differ.")
    click.echo(f"Checked {people}: the stored totals differ from the recomputation.", err=True)
    raise click.exceptions.Exit(1)


@reputation_cli.command("rebuild")
def rebuild_command() -> None:
    """Write the points ledger and every stored total anew from the votes, best answers,
    endorsements and "me too"s (keeping what merges kept). Run once after upgrading a
    database from before reputation; not while the site is busy."""
    rows = recompute.rebuild(db.session.connection(), db.metadata)
    db.session.commit()
    click.echo(f"Rebuilt the ledger ({rows:,} rows) and every stored total.")
