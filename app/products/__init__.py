"""Products of a company, and their pages."""

from flask import Blueprint

bp = Blueprint("products", __name__)
