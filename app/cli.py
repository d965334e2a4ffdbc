"""Flask commands: ``flask create-admin``, ``flask seed-demo``."""

from __future__ import annotations

import click
from flask import Flask, current_app

from app.accounts import services as account_services
from app.errors import DomainError


@click.command("create-admin")
@click.option("--username", required=True)
@click.option("--email", required=True)
@click.option("--password", required=True, prompt=True, hide_input=True)
def create_admin_command(username: str, email: str, password: str) -> None:
    """Make a site admin (or make an existing account one)."""
    try:
        user = account_services.create_site_admin(username=username, email=email, password=password)
    except DomainError as error:
        details = "; ".join(f"{name}: {why}" for name, why in error.fields.items())
        raise click.ClickException(details or error.message) from error
    click.echo(f"{user.username} is a site admin.")


@click.command("seed-demo")
def seed_demo_command() -> None:
    """Load the demo data (idempotent: running it again changes nothing)."""
    from app.demo import seed_demo

    base_url = f"{current_app.config['PREFERRED_URL_SCHEME']}://127.0.0.1:5000"
    with current_app.test_request_context("/", base_url=base_url):
        created = seed_demo()
    click.echo("Demo data loaded." if created else "Demo data already present.")


def init_app(app: Flask) -> None:
    app.cli.add_command(create_admin_command)
    app.cli.add_command(seed_demo_command)
