"""Companies: the company pages, created unclaimed by anyone signed in."""

from flask import Blueprint

bp = Blueprint("companies", __name__)
