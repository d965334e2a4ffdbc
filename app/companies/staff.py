"""Company staff: inviting people by work e-mail, joining, revoking, public titles.

The services (writes) and the reads the staff pages need live together here because
they share one small vocabulary: an *invitation* is pending until it is accepted,
withdrawn or expired; a *membership* is active until revoked, and its row stays
afterwards (earlier official answers keep their badge and title).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app, url_for
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app.accounts.models import User
from app.companies.models import TITLE_MAX, Company, Invitation, Membership, StaffRole
from app.companies.queries import forget_staff_roles
from app.companies.services import NUL_MESSAGE, check_work_email, too_long
from app.db import utcnow
from app.errors import Conflict, DomainError, NotFound, ValidationError
from app.extensions import db
from app.i18n import _, _l
from app.mail import queue_message
from app.moderation import audit
from app.notifications.models import NotificationKind
from app.notifications.services import Event, add_follow, notify
from app.pagination import BadCursor, Page, decode_cursor, encode_cursor
from app.policy import Permission, can, require
from app.text import name_problem, normalize_name
from app.tokens import InvalidToken, Purpose, make_token, read_token

# An invitation link works this long, once.
INVITATION_LIFETIME = timedelta(hours=48)
# The token's version while the invitation waits; any other state makes old links worthless.
PENDING = "pending"
# Fixed: the invitation goes to an address nobody has proven yet, so its subject carries no
# text a user typed (company and display names could say anything); the body names them.
INVITATION_SUBJECT = _l("You are invited to join a company's staff on Helpsquare")

ROLE_CHOICE = _l("Choose a role: admin or agent.")
LAST_ADMIN = _l(
    "%(name)s is %(company)s's only admin. Make someone else an admin first (invite them as "
    "admin), so that somebody can still manage %(company)s's staff."
)
ALREADY_STAFF = _l("You are already on %(company)s's staff.")
ALREADY_USED = _l("That invitation has already been used: each invitation link works once.")


class InvitationUnusable(DomainError):
    """An invitation link that cannot be used: unknown, tampered, expired, used or withdrawn.

    ``invitation`` is the invitation the link names, when the link itself was genuine.
    """

    status = 400
    code = "invitation_unusable"

    def __init__(self, message: str, invitation: Invitation | None = None) -> None:
        super().__init__(message)
        self.invitation = invitation


LINK_INVALID = _l(
    "That invitation link is not valid. Check that you opened the whole link from the e-mail."
)
LINK_EXPIRED = _l(
    "That invitation has expired: invitation links work for 48 hours. "
    "Ask the company's admins to invite you again."
)


# Reads -----------------------------------------------------------------------------------


def list_staff(company_id: int) -> list[Membership]:
    """The company's active staff with their users, admins first, then by joining date.

    One SELECT whatever the number of staff.
    """
    admins_first = sa.case((Membership.role == StaffRole.ADMIN, 0), else_=1)
    return list(
        db.session.execute(
            sa.select(Membership)
            .options(joinedload(Membership.user))
            .where(Membership.company_id == company_id, Membership.revoked_at.is_(None))
            .order_by(admins_first, Membership.created_at, Membership.id)
        ).scalars()
    )


def staff_page(company_id: int, *, cursor: str | None = None, limit: int = 20) -> Page[Membership]:
    """A page of the company's active staff, in ``list_staff``'s order (one SELECT).

    Keyset on (admins first, joining date, id); the cursor is the phase digit (0 for
    admins, 1 for agents) then an ordinary cursor. Raises ``BadCursor`` for a cursor
    this server did not issue.
    """
    phase = sa.case((Membership.role == StaffRole.ADMIN, 0), else_=1)
    query = (
        sa.select(Membership)
        .options(joinedload(Membership.user))
        .where(Membership.company_id == company_id, Membership.revoked_at.is_(None))
    )
    if cursor:
        if cursor[:1] not in {"0", "1"}:
            raise BadCursor("cursor is not valid")
        created_at, last_id = decode_cursor(cursor[1:], datetime)
        after = sa.tuple_(
            sa.literal(int(cursor[0])),
            sa.literal(created_at, Membership.created_at.type),
            sa.literal(last_id),
        )
        query = query.where(sa.tuple_(phase, Membership.created_at, Membership.id) > after)
    query = query.order_by(phase, Membership.created_at, Membership.id).limit(limit + 1)
    rows = list(db.session.execute(query).scalars())
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        first = "0" if last.role == StaffRole.ADMIN else "1"
        return Page(rows, first + encode_cursor(last.created_at, last.id))
    return Page(rows, None)


def pending_invitations(company_id: int) -> list[Invitation]:
    """Invitations still waiting (not accepted, not withdrawn, not expired), newest first,
    with who sent them. One SELECT."""
    return list(
        db.session.execute(
            sa.select(Invitation)
            .options(joinedload(Invitation.invited_by))
            .where(
                Invitation.company_id == company_id,
                Invitation.accepted_at.is_(None),
                Invitation.revoked_at.is_(None),
                Invitation.expires_at > utcnow(),
            )
            .order_by(Invitation.created_at.desc(), Invitation.id.desc())
        ).scalars()
    )


def get_invitation(invitation_id: int) -> Invitation:
    """The invitation with this id (its company loaded), or ``NotFound``."""
    invitation = db.session.execute(
        sa.select(Invitation)
        .options(joinedload(Invitation.company))
        .where(Invitation.id == invitation_id)
    ).scalar_one_or_none()
    if invitation is None:
        raise NotFound(_("There is no such invitation."))
    return invitation


def get_active_membership(company_id: int, user_id: int) -> Membership:
    """The user's active membership of the company (user loaded), or ``NotFound``."""
    membership = db.session.execute(
        sa.select(Membership)
        .options(joinedload(Membership.user))
        .where(
            Membership.company_id == company_id,
            Membership.user_id == user_id,
            Membership.revoked_at.is_(None),
        )
    ).scalar_one_or_none()
    if membership is None:
        raise NotFound(_("That person is not on this company's staff."))
    return membership


def _membership_row(company_id: int, user_id: int) -> Membership | None:
    """The one membership row of this user and company, active or revoked."""
    return db.session.execute(
        sa.select(Membership).where(
            Membership.company_id == company_id, Membership.user_id == user_id
        )
    ).scalar_one_or_none()


def _token_version(invitation: Invitation) -> str:
    if invitation.accepted_at is not None:
        return "accepted"
    if invitation.revoked_at is not None:
        return "revoked"
    return PENDING


def invitation_from_token(token: Any) -> Invitation:
    """The pending invitation a link names, or ``InvitationUnusable`` saying why not.

    A read only: showing the invitation page changes nothing. The link must be genuine
    (signed for staff invitations), younger than 48 hours, and its invitation still
    pending (not accepted, not withdrawn, not past ``expires_at``) for a company that is
    still claimed.
    """
    try:
        invitation_id, version = read_token(
            token, Purpose.STAFF_INVITATION, max_age=INVITATION_LIFETIME
        )
    except InvalidToken as error:
        expired = "expired" in str(error)
        raise InvitationUnusable(str(LINK_EXPIRED if expired else LINK_INVALID)) from None
    invitation = db.session.execute(
        sa.select(Invitation)
        .options(joinedload(Invitation.company), joinedload(Invitation.invited_by))
        .where(Invitation.id == invitation_id)
    ).scalar_one_or_none()
    if invitation is None or version != PENDING:
        raise InvitationUnusable(str(LINK_INVALID))
    company = invitation.company
    if invitation.accepted_at is not None:
        raise InvitationUnusable(str(ALREADY_USED), invitation)
    if invitation.revoked_at is not None:
        raise InvitationUnusable(
            _("That invitation was withdrawn by %(company)s's admins.", company=company.name),
            invitation,
        )
    if invitation.expires_at <= utcnow():
        raise InvitationUnusable(
            _(
                "That invitation has expired: invitation links work for 48 hours. "
                "Ask %(company)s's admins to invite you again.",
                company=company.name,
            ),
            invitation,
        )
    if not company.is_claimed:
        raise InvitationUnusable(
            _(
                "%(company)s has no verified staff any more, so it cannot take new staff.",
                company=company.name,
            ),
            invitation,
        )
    if not _inviter_still_may_invite(invitation):
        raise InvitationUnusable(
            _(
                "Whoever sent this invitation no longer manages %(company)s's staff, so it "
                "no longer counts. Ask %(company)s's admins to invite you again.",
                company=company.name,
            ),
            invitation,
        )
    return invitation


def _invitee_language(address: str) -> str:
    """The language of an invitation e-mail: the invitee's, never the inviter's request's.
    That is the e-mail language of the account that proved it owns the address (as its
    notification of the invitation goes to), else the site's default language."""
    invitee = db.session.execute(
        sa.select(User).where(User.email == address, User.email_verified_at.is_not(None))
    ).scalar_one_or_none()
    if invitee is None:
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    return invitee.email_language


def _inviter_still_may_invite(invitation: Invitation) -> bool:
    """Whether the invitation's sender still manages the company's staff: its active admin
    (or a site admin). An invitation is only as good as its sender's power (security.md,
    "Power ends when the role ends"); a deleted sender's invitations count for nothing."""
    inviter = invitation.invited_by
    return inviter is not None and can(inviter, Permission.STAFF_MANAGE, invitation.company)


# Invitations -----------------------------------------------------------------------------


def _refuse(message: str, *, field: str) -> ValidationError:
    """A refusal shown at one field of the invite form (``email`` or ``role``)."""
    return ValidationError(message, fields={field: message})


def _role(value: Any) -> StaffRole:
    try:
        return StaffRole(value)
    except ValueError:
        raise _refuse(str(ROLE_CHOICE), field="role") from None


def invitation_problems(company: Company, *, email: Any, role: Any = "agent") -> dict[str, str]:
    """What ``invite_staff`` would refuse in the address and the role, field by field (empty
    when nothing; it does not ask whether the address is already on the staff or invited):
    for the API, which reports them beside its own shape checks."""
    problems: dict[str, str] = {}
    for field, check in (
        ("email", lambda: check_work_email(email, company.domain)),
        ("role", lambda: _role(role)),
    ):
        try:
            check()
        except ValidationError as error:
            problems[field] = error.message
    return problems


def invite_staff(actor: Any, company: Company, *, email: Any, role: Any = "agent") -> Invitation:
    """A claimed company's admin staff (or a site admin) invite someone to its staff.

    The address must be a work e-mail at the company's domain or a subdomain of it; the
    role is admin or agent. Someone already active on the staff with that work address
    is not invited again, and an address that already has a pending invitation is
    refused (withdraw that one first to send a fresh link). The invitation e-mail carries
    a link that works for 48 hours, once, and is written in the invitee's language (the
    account that proved the address, else the site's default), whatever the inviter's.
    The invitation is written to the audit log, and someone whose Helpsquare account has
    that address is notified too.
    """
    require(actor, Permission.STAFF_MANAGE, company)
    if not company.is_claimed:
        raise Conflict(
            _(
                "%(company)s has not been claimed yet: staff join once a claim is approved.",
                company=company.name,
            )
        )
    try:
        address = check_work_email(email, company.domain)
    except ValidationError as error:
        raise _refuse(error.message, field="email") from None
    staff_role = _role(role)

    already_staff = db.session.execute(
        sa.select(Membership.id).where(
            Membership.company_id == company.id,
            Membership.revoked_at.is_(None),
            sa.func.lower(Membership.work_email) == address,
        )
    ).first()
    if already_staff is not None:
        raise _refuse(
            _("%(email)s is already on %(company)s's staff.", email=address, company=company.name),
            field="email",
        )
    now = utcnow()
    waiting = db.session.execute(
        sa.select(Invitation.expires_at).where(
            Invitation.company_id == company.id,
            Invitation.email == address,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > now,
        )
    ).first()
    if waiting is not None:
        raise _refuse(
            _(
                "%(email)s already has an invitation waiting. Withdraw it below to send a new one.",
                email=address,
            ),
            field="email",
        )

    invitation = Invitation(
        company_id=company.id,
        email=address,
        role=staff_role,
        invited_by_id=actor.id,
        created_at=now,
        expires_at=now + INVITATION_LIFETIME,
    )
    db.session.add(invitation)
    db.session.flush()  # the token names the invitation's id
    token = make_token(Purpose.STAFF_INVITATION, invitation.id, PENDING)
    audit.record(
        actor,
        "staff.invited",
        company_id=company.id,
        note=f"{address} as {staff_role.value}",
    )
    queue_message(
        address,
        INVITATION_SUBJECT,
        "staff_invitation",
        language=_invitee_language(address),
        company=company,
        inviter=actor,
        role=staff_role,
        email=address,
        link=url_for("companies.accept_invitation", token=token, _external=True),
        expires_at=invitation.expires_at,
    )
    notify(
        Event(
            NotificationKind.STAFF_INVITATION,
            actor_id=actor.id,
            company_id=company.id,
            invitation_id=invitation.id,
            recipient_email=address,
            detail=staff_role.value,
        )
    )
    db.session.commit()
    return invitation


def accept_invitation(user: Any, token: Any) -> Membership:
    """The signed-in user follows an invitation link and joins the company's staff.

    The link proves control of the invited work address, which need not be the
    account's own e-mail. It must be genuine, pending and younger than 48 hours, the
    company still claimed, and whoever sent it still its admin (or a site admin). The user
    joins with the invitation's role and address; a
    former (revoked) member gets their old row back, since a user has one membership per
    company. Someone already active on the staff is told so and nothing changes. New
    staff follow the company's new questions.
    """
    invitation = invitation_from_token(token)
    require(user, Permission.STAFF_JOIN, invitation)
    company = invitation.company
    membership = _membership_row(company.id, user.id)
    if membership is not None and membership.is_active:
        raise Conflict(str(ALREADY_STAFF) % {"company": company.name})

    now = utcnow()
    # Claimed in one conditional UPDATE: of two requests racing with the same link,
    # exactly one finds it still pending.
    taken = db.session.execute(
        sa.update(Invitation)
        .where(
            Invitation.id == invitation.id,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
        .values(accepted_at=now, accepted_by_id=user.id)
        .execution_options(synchronize_session=False, preserve_rowcount=True)
    )
    if taken.rowcount != 1:
        raise InvitationUnusable(str(ALREADY_USED), invitation)
    db.session.expire(invitation, ["accepted_at", "accepted_by_id"])

    if membership is None:
        membership = Membership(
            company_id=company.id,
            user_id=user.id,
            role=invitation.role,
            work_email=invitation.email,
            created_at=now,
        )
        try:
            with db.session.begin_nested():
                db.session.add(membership)
        except IntegrityError:
            # The same user joined through another link at the same moment.
            raise Conflict(str(ALREADY_STAFF) % {"company": company.name}) from None
    else:
        # Back on the staff: the same row, with the new role and address; "since" restarts.
        membership.role = invitation.role
        membership.work_email = invitation.email
        membership.revoked_at = None
        membership.revoked_by_id = None
        membership.created_at = now
    add_follow(user.id, company_id=company.id)
    audit.record(
        user,
        "staff.joined",
        company_id=company.id,
        subject_user_id=user.id,
        note=f"{invitation.email} as {invitation.role.value}",
    )
    forget_staff_roles(user.id)
    db.session.commit()
    return membership


def revoke_invitation(actor: Any, invitation: Invitation) -> Invitation:
    """A company's admin staff (or a site admin) withdraw a pending invitation; its link
    stops working at once. An accepted invitation cannot be withdrawn (remove the member
    instead); withdrawing one twice changes nothing."""
    company = invitation.company
    require(actor, Permission.STAFF_MANAGE, company)
    if invitation.accepted_at is not None:
        raise Conflict(
            _(
                "%(email)s already joined %(company)s's staff: remove them instead.",
                email=invitation.email,
                company=company.name,
            )
        )
    if invitation.revoked_at is not None:
        return invitation
    invitation.revoked_at = utcnow()
    audit.record(actor, "invitation.revoked", company_id=company.id, note=invitation.email)
    db.session.commit()
    return invitation


# Staff -----------------------------------------------------------------------------------


def revoke_staff(actor: Any, company: Company, member_user: Any) -> Membership:
    """A company's admin staff (or a site admin) remove someone from its staff.

    Their rights end at once; the membership row stays (revoked), so answers they posted
    as staff keep their official badge and title. The invitations they sent that are still
    pending are withdrawn with them (each one audit-logged), since an invitation is only as
    good as its sender's power. A company always keeps at least one active admin: the last
    one cannot be removed.
    """
    require(actor, Permission.STAFF_MANAGE, company)
    membership = get_active_membership(company.id, member_user.id)
    if membership.role == StaffRole.ADMIN:
        # Locked (on PostgreSQL), so two admins removing each other at the same moment
        # cannot both succeed and leave the company with nobody to manage it.
        admins = db.session.execute(
            sa.select(Membership.id)
            .where(
                Membership.company_id == company.id,
                Membership.role == StaffRole.ADMIN,
                Membership.revoked_at.is_(None),
            )
            .with_for_update()
        ).all()
        if len(admins) <= 1:
            raise Conflict(str(LAST_ADMIN) % {"name": member_user.label, "company": company.name})
    now = utcnow()
    membership.revoked_at = now
    membership.revoked_by_id = actor.id
    audit.record(
        actor,
        "staff.revoked",
        company_id=company.id,
        subject_user_id=member_user.id,
        note=membership.work_email,
    )
    for address in _withdraw_invitations_sent_by(member_user.id, company.id, now):
        audit.record(
            actor,
            "invitation.revoked",
            company_id=company.id,
            subject_user_id=member_user.id,
            note=f"{address} (sent by {member_user.name}, who left the staff)",
        )
    forget_staff_roles(member_user.id)
    db.session.commit()
    return membership


def _withdraw_invitations_sent_by(inviter_id: int, company_id: int, now: datetime) -> list[str]:
    """Withdraw the pending invitations ``inviter_id`` sent for the company; their addresses.

    One conditional UPDATE: an invitation accepted at the same moment is left as accepted.
    """
    addresses = db.session.execute(
        sa.update(Invitation)
        .where(
            Invitation.company_id == company_id,
            Invitation.invited_by_id == inviter_id,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > now,
        )
        .values(revoked_at=now)
        .returning(Invitation.email)
        .execution_options(synchronize_session=False)
    ).scalars()
    return sorted(addresses)


def sole_admin_id(members: list[Membership]) -> int | None:
    """The user id of the company's only active admin among ``members`` (its active staff),
    whom ``revoke_staff`` will not remove; None when there are several (or none)."""
    admins = [m.user_id for m in members if m.is_active and m.role == StaffRole.ADMIN]
    return admins[0] if len(admins) == 1 else None


def clean_title(value: Any) -> str:
    """A public title, cleaned as names are (``app.text``: NFKC, spaces collapsed, no
    control, bidi or invisible character), at most TITLE_MAX characters; may be empty.

    Raises ``ValidationError`` on the ``title`` field.
    """
    if value is None:
        value = ""
    if not isinstance(value, str):
        why = _("This must be text.")
        raise ValidationError(why, fields={"title": why})
    if "\x00" in value:
        why = str(NUL_MESSAGE)
        raise ValidationError(why, fields={"title": why})
    title = normalize_name(value)
    why = name_problem(title)
    if why:
        raise ValidationError(why, fields={"title": why})
    if len(title) > TITLE_MAX:
        why = too_long(TITLE_MAX, len(title))
        raise ValidationError(why, fields={"title": why})
    return title


def set_title(actor: Any, membership: Membership, *, title: Any) -> Membership:
    """Staff set their own public title ("Head of Support"); their company's admins and
    site admins may set it for them. Up to 80 characters; empty clears it."""
    require(actor, Permission.STAFF_EDIT_TITLE, membership)
    membership.title = clean_title(title)
    audit.record(
        actor,
        "staff.title_changed",
        company_id=membership.company_id,
        subject_user_id=membership.user_id,
        note=membership.title,
    )
    db.session.commit()
    return membership


__all__ = [
    "INVITATION_LIFETIME",
    "InvitationUnusable",
    "accept_invitation",
    "get_active_membership",
    "get_invitation",
    "invitation_from_token",
    "invite_staff",
    "list_staff",
    "pending_invitations",
    "revoke_invitation",
    "revoke_staff",
    "set_title",
    "sole_admin_id",
    "staff_page",
]
