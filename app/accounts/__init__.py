"""Accounts: sign-up, sign-in and out, passwords, profiles."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)
