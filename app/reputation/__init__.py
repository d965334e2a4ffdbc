"""Reputation (product.md, "Reputation"): the points peers earn, their badges, the champions
companies name, and the leaderboards.

Points change in the transaction of their cause (``points``, called by the answers,
questions and moderation services); badges are awarded once (``badges``); champions are
named by a company's admins (``champions``); ``queries`` reads the stored totals;
``recompute`` proves them equal a recomputation (``flask reputation recompute``).
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("reputation", __name__)
