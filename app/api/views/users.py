"""Accounts moderated and deleted through the API: the moderator role, suspensions, and
deleting one's own account."""

from __future__ import annotations

from typing import Any

from flask import Response

from app.accounts import deletion, queries
from app.accounts.models import User
from app.api import bp
from app.api.auth import operation, signed_in_user
from app.api.schemas import DeleteMeSchema, ModeratorRoleSchema, SuspendSchema, UserSchema
from app.api.target import acting_on, target
from app.moderation import accounts
from app.policy import Permission


def _user(username: str) -> User:
    return queries.get_user_by_username(username)


@bp.route("/users/<username>/moderator", methods=["PUT"])
@operation(bp, signed_in=True, errors=(400, 403, 404, 413, 422))
@acting_on(_user, Permission.MODERATOR_GRANT)
@bp.arguments(ModeratorRoleSchema)
@bp.response(200, UserSchema)
def set_moderator(body: dict[str, Any], username: str) -> User:
    """Grant (true) or withdraw (false) the moderator role. Site admins only; an audit
    entry records it. Site admins are moderators whatever this says."""
    return accounts.set_moderator(signed_in_user(), target(), body["moderator"])


@bp.route("/users/<username>/suspend", methods=["POST"])
@operation(bp, signed_in=True, errors=(400, 403, 404, 413, 422))
@acting_on(_user, Permission.USER_SUSPEND)
@bp.arguments(SuspendSchema)
@bp.response(200, UserSchema)
def suspend_user(body: dict[str, Any], username: str) -> User:
    """Suspend an account until a time or for good, with a public reason.

    Moderators; never oneself, never a site admin. Every session and API token of the
    account stops at once; sign-in and its tokens answer 403 ``suspended`` saying until
    when and why. ``delete_spammer`` also hides every post of the account and refuses its
    e-mail address for new accounts (for good). A line goes to the public moderation log.
    """
    return accounts.suspend_user(
        signed_in_user(),
        target(),
        reason=body["reason"],
        until=body.get("until"),
        forever=body["forever"],
        delete_spammer=body["delete_spammer"],
    )


@bp.route("/users/<username>/suspend", methods=["DELETE"])
@operation(bp, signed_in=True, errors=(403, 404))
@acting_on(_user, Permission.USER_SUSPEND)
@bp.response(200, UserSchema)
def lift_suspension(username: str) -> User:
    """Lift a suspension now (moderators). Lifting where none holds changes nothing."""
    return accounts.lift_suspension(signed_in_user(), target())


@bp.route("/me", methods=["DELETE"])
@operation(bp, signed_in=True, errors=(400, 403, 409, 413, 422, 429))
@bp.arguments(DeleteMeSchema)
@bp.response(204, description="Deleted: the account is “a former member” now.")
def delete_me(body: dict[str, Any]) -> Response:
    """Delete your account, giving its password. Posts stay, signed "a former member"; the
    username, display name and e-mail address are erased, and every session and token
    ends (this one too). The last site admin is refused (409)."""
    deletion.delete_account(signed_in_user(), body["password"])
    return Response(status=204)
