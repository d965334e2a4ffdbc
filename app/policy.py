"""Who may do what: the table of product.md as code.

``can(user, permission, obj)`` is the only policy function. Services call it
(through ``require``) before every change; views and templates ask it to decide
what to show. Each rule's docstring says it in plain words.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any

from app.accounts.verification import unverified_message, verification_required
from app.companies.models import StaffRole
from app.companies.queries import staff_roles
from app.errors import EmailUnverified, PermissionDenied
from app.i18n import _


class Permission(StrEnum):
    COMPANY_CREATE = "company:create"
    COMPANY_EDIT = "company:edit"
    PRODUCT_CREATE = "product:create"
    PRODUCT_EDIT = "product:edit"
    QUESTION_ASK = "question:ask"
    QUESTION_EDIT = "question:edit"
    QUESTION_ME_TOO = "question:me_too"
    QUESTION_CHOOSE_BEST = "question:choose_best_answer"
    QUESTION_SET_STATUS = "question:set_status"
    QUESTION_STILL_BROKEN = "question:still_broken"
    QUESTION_CHANGE_KIND = "question:change_kind"
    QUESTION_CHANGE_PRODUCT = "question:change_product"
    ANSWER_CREATE = "answer:create"
    ANSWER_EDIT = "answer:edit"
    ANSWER_VOTE_HELPFUL = "answer:vote_helpful"
    ANSWER_ENDORSE = "answer:endorse"
    ANSWER_PRIVATE_DETAILS = "answer:private_details"  # obj: the question answered
    CLAIM_CREATE = "claim:create"
    CLAIM_REVIEW = "claim:review"
    CLAIM_LIST = "claim:list"
    STAFF_MANAGE = "staff:manage"
    STAFF_EDIT_TITLE = "staff:edit_title"
    STAFF_JOIN = "staff:join"
    COMPANY_VIEW_UNANSWERED = "company:view_unanswered"
    COMPANY_VIEW_INSIGHTS = "company:view_insights"
    AUDIT_READ = "audit:read"
    FOLLOW = "follow:toggle"
    NOTIFICATIONS_OWN = "notifications:own"
    # Keeping it clean (issue 12); ``obj`` is the post, the question or the account acted on.
    POST_FLAG = "post:flag"
    POST_DELETE = "post:delete"
    QUESTION_MERGE = "question:merge"
    POST_HIDE = "post:hide"  # hide and restore
    QUESTION_LOCK = "question:lock"  # lock and unlock
    FLAG_REVIEW = "flag:review"
    USER_SUSPEND = "user:suspend"  # suspend, lift a suspension, delete a spammer
    MODERATOR_GRANT = "moderator:grant"  # grant and withdraw the moderator role
    # Bringing the company's own site (issue 15).
    WEBHOOKS_MANAGE = "webhooks:manage"
    # Bringing the company's own site (issue 15); ``obj`` is the company.
    COMPANY_SSO = "company:sso"  # create (and rotate) the SSO secret
    COMPANY_EXPORT = "company:export"  # download everything of the company
    # Reputation (issue 16): name and remove a company's champions.
    CHAMPION_NAME = "champion:name"
    # Issue 13: comments under questions and answers (``obj``: the post commented on, or
    # the comment edited); a Markdown preview while writing (``obj``: None).
    COMMENT_CREATE = "comment:create"
    COMMENT_EDIT = "comment:edit"
    CONTENT_PREVIEW = "content:preview"


# Writes that other people see. Until its e-mail address is confirmed (with
# EMAIL_VERIFICATION=required) an account is refused these, with EmailUnverified, by
# ``require``: every service asks it, so both doors (pages and API) get the same answer.
# Every other permission (reading, following, one's own notifications and e-mails) stays
# open; so do what needs no permission here: editing one's profile, API tokens, confirming
# the address and asking for a new link. A new permission goes in one set or the other
# (tests/accounts/test_verification_gate.py checks that none is left out).
WRITES_NEEDING_VERIFIED_EMAIL = frozenset(
    {
        Permission.COMPANY_CREATE,
        Permission.COMPANY_EDIT,
        Permission.PRODUCT_CREATE,
        Permission.PRODUCT_EDIT,
        Permission.QUESTION_ASK,
        Permission.QUESTION_EDIT,
        Permission.QUESTION_ME_TOO,
        Permission.QUESTION_CHOOSE_BEST,
        Permission.QUESTION_SET_STATUS,
        # Can reopen a solved problem and notifies its company's staff.
        Permission.QUESTION_STILL_BROKEN,
        Permission.QUESTION_CHANGE_KIND,
        Permission.QUESTION_CHANGE_PRODUCT,
        Permission.ANSWER_CREATE,
        Permission.ANSWER_EDIT,
        Permission.ANSWER_VOTE_HELPFUL,
        Permission.ANSWER_ENDORSE,
        # Private details in an answer are read by the asker.
        Permission.ANSWER_PRIVATE_DETAILS,
        # Sends mail to the address typed, and leads to speaking for a company.
        Permission.CLAIM_CREATE,
        Permission.CLAIM_REVIEW,
        # Inviting sends mail; the staff list and titles are public.
        Permission.STAFF_MANAGE,
        Permission.STAFF_EDIT_TITLE,
        Permission.STAFF_JOIN,
        # Issue 12: a flag can hide someone's post; reviewing flags hides and restores.
        Permission.POST_FLAG,
        Permission.FLAG_REVIEW,
        # Keeping it clean (issue 12): what moderators do is seen by everybody.
        Permission.POST_HIDE,
        Permission.QUESTION_LOCK,
        # Issue 12: moderating accounts.
        Permission.USER_SUSPEND,
        Permission.MODERATOR_GRANT,
        # Moves other people's answers, me-toos and followers; notifies the followers.
        Permission.QUESTION_MERGE,
        # Makes Helpsquare send the company's events to an address the admin typed.
        Permission.WEBHOOKS_MANAGE,
        # Issue 15: a secret that signs people in.
        Permission.COMPANY_SSO,
        # Issue 16: a champion badge on someone's answers, in the company's name.
        Permission.CHAMPION_NAME,
        # Issue 13: comments are read by everybody; a preview is the posting form's, and
        # costs a render, so it is for those who may post.
        Permission.COMMENT_CREATE,
        Permission.COMMENT_EDIT,
        Permission.CONTENT_PREVIEW,
    }
)
ALLOWED_BEFORE_VERIFIED_EMAIL = frozenset(
    {
        Permission.CLAIM_LIST,
        Permission.COMPANY_VIEW_UNANSWERED,
        Permission.COMPANY_VIEW_INSIGHTS,
        Permission.AUDIT_READ,
        Permission.FOLLOW,
        Permission.NOTIFICATIONS_OWN,
        # Taking one's own words down is never refused for want of a confirmed address.
        Permission.POST_DELETE,
        # Issue 15: reading the company's own data (its admins were verified at the door).
        Permission.COMPANY_EXPORT,
    }
)

Rule = Callable[[Any, Any], bool]
_RULES: dict[Permission, Rule] = {}


def rule(permission: Permission) -> Callable[[Rule], Rule]:
    def register(fn: Rule) -> Rule:
        _RULES[permission] = fn
        return fn

    return register


def _signed_in(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated)


def _site_admin(user: Any) -> bool:
    return _signed_in(user) and bool(user.is_admin)


def is_moderator(user: Any) -> bool:
    """Whether the user looks after content site-wide (product.md, "Keeping it clean"):
    the moderator role, granted by a site admin. Site admins are moderators."""
    return _signed_in(user) and bool(user.is_admin or user.is_moderator)


def is_company_staff(user: Any, company: Any, *, admin: bool = False) -> bool:
    """Whether the user is active verified staff of the company (its admin, if asked)."""
    if not _signed_in(user) or company is None:
        return False
    role = staff_roles(user.id).get(company.id)
    return role == StaffRole.ADMIN if admin else role is not None


@rule(Permission.COMPANY_CREATE)
def _company_create(user: Any, obj: Any) -> bool:
    """Anyone signed in may create an (unclaimed) company."""
    return _signed_in(user)


@rule(Permission.COMPANY_EDIT)
def _company_edit(user: Any, company: Any) -> bool:
    """A claimed company's profile is edited by its admin staff or a site admin.

    An unclaimed company's profile is kept by site admins only: nobody speaks for it yet.
    """
    if _site_admin(user):
        return True
    return company.is_claimed and is_company_staff(user, company, admin=True)


@rule(Permission.PRODUCT_CREATE)
def _product_create(user: Any, company: Any) -> bool:
    """Anyone signed in adds products to an unclaimed company; a claimed one's admin staff
    (or a site admin) do it for a claimed company."""
    if not _signed_in(user):
        return False
    if _site_admin(user) or not company.is_claimed:
        return True
    return is_company_staff(user, company, admin=True)


@rule(Permission.PRODUCT_EDIT)
def _product_edit(user: Any, product: Any) -> bool:
    """Products of an unclaimed company are edited by their creator or a site admin;
    a claimed company's products by its admin staff or a site admin."""
    if not _signed_in(user):
        return False
    if _site_admin(user):
        return True
    company = product.company
    if company.is_claimed:
        return is_company_staff(user, company, admin=True)
    return product.created_by_id == user.id


@rule(Permission.QUESTION_ASK)
def _question_ask(user: Any, company: Any) -> bool:
    """Anyone signed in may ask about any company."""
    return _signed_in(user)


@rule(Permission.QUESTION_EDIT)
def _question_edit(user: Any, question: Any) -> bool:
    """The author edits their own question; a moderator edits any."""
    return _signed_in(user) and (user.id == question.author_id or is_moderator(user))


@rule(Permission.QUESTION_ME_TOO)
def _question_me_too(user: Any, question: Any) -> bool:
    """Anyone signed in says "me too" (and takes it back), except on their own question and
    on a locked question (moderators still may)."""
    if not _signed_in(user) or user.id == question.author_id:
        return False
    return not question.locked or is_moderator(user)


@rule(Permission.QUESTION_CHOOSE_BEST)
def _question_choose_best(user: Any, question: Any) -> bool:
    """The asker (or a moderator) chooses the best answer."""
    return _signed_in(user) and (user.id == question.author_id or is_moderator(user))


@rule(Permission.QUESTION_SET_STATUS)
def _question_set_status(user: Any, question: Any) -> bool:
    """Staff of a claimed company (or a site admin) set a question's status.

    Statuses are the company's word (product.md): on an unclaimed company nobody sets one,
    site admins included; the asker's best answer is the only resolution there.
    """
    company = question.company
    if not company.is_claimed:
        return False
    return _site_admin(user) or is_company_staff(user, company)


@rule(Permission.QUESTION_STILL_BROKEN)
def _question_still_broken(user: Any, question: Any) -> bool:
    """The asker and the people it affects ("me too") say a problem is still broken;
    nobody on a locked question. Whether it is a solved problem is the service's to say
    (a sentence, not a refusal of the person)."""
    if not _signed_in(user) or question.locked:
        return False
    if user.id == question.author_id:
        return True
    from app.questions.queries import has_me_too  # the questions package imports policy

    return has_me_too(user.id, question.id)


def _files_the_question(user: Any, question: Any) -> bool:
    """The author, staff of the question's company while it is claimed, or a moderator."""
    if not _signed_in(user):
        return False
    if user.id == question.author_id or is_moderator(user):
        return True
    company = question.company
    return company.is_claimed and is_company_staff(user, company)


@rule(Permission.QUESTION_CHANGE_KIND)
def _question_change_kind(user: Any, question: Any) -> bool:
    """The author, staff of the question's claimed company, or a moderator changes whether it
    is a question, a problem, an idea or praise (staff file what customers post)."""
    return _files_the_question(user, question)


@rule(Permission.QUESTION_CHANGE_PRODUCT)
def _question_change_product(user: Any, question: Any) -> bool:
    """The author, staff of the question's claimed company, or a moderator moves it to another
    of the company's products, or to the company in general."""
    return _files_the_question(user, question)


@rule(Permission.ANSWER_CREATE)
def _answer_create(user: Any, question: Any) -> bool:
    """Anyone signed in answers, unless the question is locked (moderators still may)."""
    if not _signed_in(user):
        return False
    return not question.locked or is_moderator(user)


@rule(Permission.ANSWER_EDIT)
def _answer_edit(user: Any, answer: Any) -> bool:
    """The author edits their own answer; a moderator (a site admin) edits any.

    An official answer speaks for its company, so its author edits it only while still
    active staff of the question's company: power ends when the role ends (security.md).
    The official badge itself stays on the answer.
    """
    if not _signed_in(user):
        return False
    if is_moderator(user):
        return True
    if user.id != answer.author_id:
        return False
    return not answer.is_official or is_company_staff(user, answer.question.company)


@rule(Permission.ANSWER_VOTE_HELPFUL)
def _answer_vote_helpful(user: Any, answer: Any) -> bool:
    """Anyone signed in votes an answer helpful (and withdraws the vote), except their own
    and on a locked question (moderators still may)."""
    if not _signed_in(user) or user.id == answer.author_id:
        return False
    return not answer.question.locked or is_moderator(user)


@rule(Permission.ANSWER_ENDORSE)
def _answer_endorse(user: Any, answer: Any) -> bool:
    """Staff of the question's claimed company (or a site admin) endorse an answer, and
    withdraw an endorsement.

    An endorsement speaks for the company, so there is none on an unclaimed company, from
    anybody (site admins included).
    """
    company = answer.question.company
    if not company.is_claimed:
        return False
    return _site_admin(user) or is_company_staff(user, company)


@rule(Permission.ANSWER_PRIVATE_DETAILS)
def _answer_private_details(user: Any, question: Any) -> bool:
    """Active staff of the question's claimed company answer with private details (for the
    asker, the staff and moderators only), and moderators may too. Staff who are revoked
    may no longer write them, nor read them (``app.visibility.can_read_private_details``).

    Whether the company is claimed is the service's to say: a field error (422), since the
    same person may post the answer itself.
    """
    return is_moderator(user) or is_company_staff(user, question.company)


@rule(Permission.CLAIM_CREATE)
def _claim_create(user: Any, company: Any) -> bool:
    """Anyone signed in may ask to claim a company (with a work e-mail at its domain);
    an already claimed company is refused by the service with an explanation."""
    return _signed_in(user)


@rule(Permission.CLAIM_REVIEW)
def _claim_review(user: Any, claim: Any) -> bool:
    """Only site admins approve or reject claims and see the queue."""
    return _site_admin(user)


@rule(Permission.CLAIM_LIST)
def _claim_list(user: Any, obj: Any) -> bool:
    """Only site admins read the claims waiting for review (deciding is ``claim:review``)."""
    return _site_admin(user)


@rule(Permission.STAFF_MANAGE)
def _staff_manage(user: Any, company: Any) -> bool:
    """A claimed company's admin staff (or a site admin) invite and revoke staff."""
    if _site_admin(user):
        return True
    return company.is_claimed and is_company_staff(user, company, admin=True)


@rule(Permission.WEBHOOKS_MANAGE)
def _webhooks_manage(user: Any, company: Any) -> bool:
    """A claimed company's admin staff (or a site admin) register, test and delete its
    webhook endpoints and read their delivery logs."""
    if _site_admin(user):
        return True
    return company.is_claimed and is_company_staff(user, company, admin=True)


@rule(Permission.STAFF_JOIN)
def _staff_join(user: Any, invitation: Any) -> bool:
    """Anyone signed in may follow an invitation link: the link itself proves control of
    the invited work address, which need not be the account's own e-mail."""
    return _signed_in(user)


@rule(Permission.STAFF_EDIT_TITLE)
def _staff_edit_title(user: Any, membership: Any) -> bool:
    """Staff choose their own public title; their company's admins and site admins may too."""
    if not _signed_in(user) or not membership.is_active:
        return False
    if user.id == membership.user_id or _site_admin(user):
        return True
    return is_company_staff(user, membership.company, admin=True)


@rule(Permission.COMPANY_VIEW_UNANSWERED)
def _company_view_unanswered(user: Any, company: Any) -> bool:
    """The "Waiting for an answer from <company>" tool is for its staff (and site admins)."""
    if _site_admin(user):
        return True
    return company.is_claimed and is_company_staff(user, company)


@rule(Permission.COMPANY_VIEW_INSIGHTS)
def _company_view_insights(user: Any, company: Any) -> bool:
    """A company's insights are for its active staff, admins and agents alike, and for site
    moderators (product.md: "insights: all staff"). Staff whose role is revoked lose them
    at once: the role is read from the memberships on every request."""
    if is_moderator(user):
        return True
    return company.is_claimed and is_company_staff(user, company)


@rule(Permission.AUDIT_READ)
def _audit_read(user: Any, obj: Any) -> bool:
    """Only site admins read the audit log."""
    return _site_admin(user)


@rule(Permission.FOLLOW)
def _follow(user: Any, target: Any) -> bool:
    """Anyone signed in follows (and unfollows) a question, a product or a company."""
    return _signed_in(user)


@rule(Permission.NOTIFICATIONS_OWN)
def _notifications_own(user: Any, obj: Any) -> bool:
    """Anyone signed in reads their own notifications and chooses their e-mails; each
    service touches only the acting user's rows."""
    return _signed_in(user)


@rule(Permission.POST_FLAG)
def _post_flag(user: Any, post: Any) -> bool:
    """Anyone signed in flags someone else's question or answer (once: the service says so)."""
    return _signed_in(user) and user.id != post.author_id


@rule(Permission.POST_DELETE)
def _post_delete(user: Any, post: Any) -> bool:
    """The author deletes their own answer or question, a moderator any. (A question
    someone else has answered is refused by the service, with a sentence saying why.)"""
    return _signed_in(user) and (user.id == post.author_id or is_moderator(user))


@rule(Permission.QUESTION_MERGE)
def _question_merge(user: Any, question: Any) -> bool:
    """Staff of the question's claimed company, or a moderator, merge it into an earlier
    question of the same company (the service checks the other question)."""
    if is_moderator(user):
        return True
    company = question.company
    return company.is_claimed and is_company_staff(user, company)


@rule(Permission.POST_HIDE)
def _post_hide(user: Any, post: Any) -> bool:
    """Moderators hide and restore posts. Company staff never can: they flag like anyone."""
    return is_moderator(user)


@rule(Permission.QUESTION_LOCK)
def _question_lock(user: Any, question: Any) -> bool:
    """Moderators lock and unlock questions."""
    return is_moderator(user)


@rule(Permission.FLAG_REVIEW)
def _flag_review(user: Any, obj: Any) -> bool:
    """Moderators read the review queue and resolve flags."""
    return is_moderator(user)


@rule(Permission.USER_SUSPEND)
def _user_suspend(user: Any, account: Any) -> bool:
    """Moderators suspend (and lift suspensions of) other accounts; never their own, and
    never a site admin's."""
    if not is_moderator(user) or account is None:
        return False
    return account.id != user.id and not account.is_admin


@rule(Permission.CHAMPION_NAME)
def _champion_name(user: Any, company: Any) -> bool:
    """A claimed company's admin staff (or a site admin) name and remove its champions.

    A champion badge speaks for the company, so there is none on an unclaimed company, from
    anybody (site admins included), as with endorsements.
    """
    if not company.is_claimed:
        return False
    return _site_admin(user) or is_company_staff(user, company, admin=True)


@rule(Permission.MODERATOR_GRANT)
def _moderator_grant(user: Any, account: Any) -> bool:
    """Only site admins grant and withdraw the moderator role."""
    return _site_admin(user)


@rule(Permission.COMMENT_CREATE)
def _comment_create(user: Any, post: Any) -> bool:
    """Who may answer a question may comment on it and on its answers (moderators on a
    locked one too); nobody comments on a hidden or deleted post, or under a hidden
    question. A suspended account is signed out and its tokens refused before it gets here.
    """
    question = getattr(post, "question", None) or post
    if post.hidden_at is not None or question.hidden_at is not None:
        return False
    return _answer_create(user, question)


@rule(Permission.COMMENT_EDIT)
def _comment_edit(user: Any, comment: Any) -> bool:
    """The author edits their own comment while it is shown (a moderator edits any)."""
    if not _signed_in(user):
        return False
    if is_moderator(user):
        return True
    return user.id == comment.author_id and comment.hidden_at is None


@rule(Permission.CONTENT_PREVIEW)
def _content_preview(user: Any, obj: Any) -> bool:
    """Anyone signed in previews what they write (a verified address, as for posting)."""
    return _signed_in(user)


def _company_admin_or_site_admin(user: Any, company: Any) -> bool:
    if _site_admin(user):
        return True
    return company.is_claimed and is_company_staff(user, company, admin=True)


@rule(Permission.COMPANY_SSO)
def _company_sso(user: Any, company: Any) -> bool:
    """A claimed company's admin staff (or a site admin) create and rotate its SSO secret."""
    return _company_admin_or_site_admin(user, company)


@rule(Permission.COMPANY_EXPORT)
def _company_export(user: Any, company: Any) -> bool:
    """A claimed company's admin staff (or a site admin) download everything of it."""
    return _company_admin_or_site_admin(user, company)


def can(user: Any, permission: Permission | str, obj: Any = None) -> bool:
    """Whether ``user`` may do ``permission`` on ``obj``: the one question every layer asks."""
    return _RULES[Permission(permission)](user, obj)


def require(user: Any, permission: Permission | str, obj: Any = None) -> None:
    """Raise ``PermissionDenied`` unless ``can(user, permission, obj)``.

    A write that others see, by an account whose e-mail address is not confirmed yet,
    raises ``EmailUnverified`` instead (unless EMAIL_VERIFICATION is off): the account is
    allowed, once it follows the link it was sent.
    """
    if not can(user, permission, obj):
        raise PermissionDenied(_("You are not allowed to do that."))
    if (
        Permission(permission) in WRITES_NEEDING_VERIFIED_EMAIL
        and not user.is_email_verified
        and verification_required()
    ):
        raise EmailUnverified(unverified_message(user))
