"""Questions: kinds, feelings, statuses, me-too, lists."""

from flask import Blueprint

bp = Blueprint("questions", __name__)
