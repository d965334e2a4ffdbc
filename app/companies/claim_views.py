"""Claim pages: ask to claim a company, verify the work e-mail."""

from app.companies import bp  # noqa: F401
