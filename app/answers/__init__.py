"""Answers: posting, editing, helpful votes, best answer."""

from flask import Blueprint

bp = Blueprint("answers", __name__)
