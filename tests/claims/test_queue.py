"""The review queue and the audit log, as a site admin reads them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.companies.claim_queries import count_claims, list_claims
from app.companies.models import ClaimStatus
from app.db import utcnow
from app.moderation import audit
from app.pagination import BadCursor
from tests.claims.helpers import make_claim, save, text
from tests.conftest import login_as
from tests.factories import make_answer, make_company, make_question, make_user


@pytest.fixture
def keeper():
    return make_user("keeper", is_admin=True)


def _ids(page) -> list[int]:  # noqa: ANN001 - a Page of ClaimRows
    return [row.claim.id for row in page.items]


def test_the_queue_lists_verified_claims_oldest_first_with_activity(client, keeper):
    jane = make_user("jane", display_name="Jane Doe")
    for _ in range(2):
        make_question(author=jane)
    make_answer(author=jane)
    newer = make_claim(make_company("Newer", domain="newer.com"), age=timedelta(hours=1))
    older = make_claim(make_company("Acme", domain="acme.com"), jane, age=timedelta(hours=5))
    make_claim(
        make_company("Unverified", domain="unverified.com"), status=ClaimStatus.PENDING_EMAIL
    )
    save()
    login_as(client, keeper)

    page = text(client.get("/admin/claims"))

    assert page.index("Acme") < page.index("Newer")
    assert "Unverified" not in page
    assert "2 questions · 1 answer · joined" in page
    assert 'aria-current="page">Waiting for review (2)</a>' in page
    assert "Waiting for e-mail (1)" in page
    assert f'action="/admin/claims/{older.id}"' in page
    assert f'action="/admin/claims/{newer.id}"' in page
    assert f'<label class="field__label" for="claim-{older.id}-note">Note</label>' in page


def test_each_tab_shows_its_claims(client, keeper):
    claims_by_status = {
        status: make_claim(make_company(f"Firm {status.value}"), status=status)
        for status in ClaimStatus
    }
    # An unverified claim whose link ran out reads as expired, before anybody touched it.
    timed_out = make_claim(
        make_company("Timed Out"), status=ClaimStatus.PENDING_EMAIL, age=timedelta(hours=49)
    )
    save()
    login_as(client, keeper)

    for status, claim in claims_by_status.items():
        page = text(client.get(f"/admin/claims?status={status.value}"))
        assert claim.company.name in page
        others = [c for s, c in claims_by_status.items() if s is not status]
        assert not any(f'href="/companies/{c.company.slug}"' in page for c in others)
        assert ("Timed Out" in page) is (status is ClaimStatus.EXPIRED)
        # Only claims waiting for review carry the approve / reject form.
        assert ('value="approve"' in page) is (status is ClaimStatus.EMAIL_VERIFIED)
    assert list_claims(ClaimStatus.EXPIRED).items[0].claim.id in {
        timed_out.id,
        claims_by_status[ClaimStatus.EXPIRED].id,
    }
    counts = count_claims()
    assert counts[ClaimStatus.EXPIRED] == 2
    assert counts[ClaimStatus.PENDING_EMAIL] == 1


def test_an_unknown_tab_shows_the_claims_waiting_for_review(client, keeper):
    make_claim(make_company("Acme"))
    save()
    login_as(client, keeper)

    page = text(client.get("/admin/claims?status=nonsense"))

    assert 'aria-current="page">Waiting for review (1)</a>' in page
    assert "Acme" in page


def test_the_queue_pages_by_keyset():
    made = [make_claim(make_company(f"Firm {n}"), age=timedelta(hours=30 - n)) for n in range(5)]

    first = list_claims(ClaimStatus.EMAIL_VERIFIED, limit=2)
    second = list_claims(ClaimStatus.EMAIL_VERIFIED, cursor=first.next_cursor, limit=2)
    third = list_claims(ClaimStatus.EMAIL_VERIFIED, cursor=second.next_cursor, limit=2)

    assert _ids(first) + _ids(second) + _ids(third) == [claim.id for claim in made]
    assert third.next_cursor is None


def test_decided_claims_come_newest_first():
    older = make_claim(make_company("Older"), status=ClaimStatus.APPROVED, age=timedelta(days=2))
    newer = make_claim(make_company("Newer"), status=ClaimStatus.APPROVED, age=timedelta(days=1))

    assert _ids(list_claims(ClaimStatus.APPROVED)) == [newer.id, older.id]


def test_all_claims_come_verified_first_then_the_rest_oldest_first():
    old_pending = make_claim(
        make_company("A"), status=ClaimStatus.PENDING_EMAIL, age=timedelta(hours=9)
    )
    verified = make_claim(make_company("B"), age=timedelta(hours=1))
    old_verified = make_claim(make_company("C"), age=timedelta(hours=8))
    rejected = make_claim(make_company("D"), status=ClaimStatus.REJECTED, age=timedelta(hours=5))

    everything = list_claims()
    first = list_claims(limit=3)
    rest = list_claims(cursor=first.next_cursor, limit=3)

    expected = [old_verified.id, verified.id, old_pending.id, rejected.id]
    assert _ids(everything) == expected
    assert _ids(first) + _ids(rest) == expected


@pytest.mark.parametrize("cursor", ["x", "2abc", "0" + "A" * 50, "9eyJ"])
def test_a_cursor_the_server_did_not_issue_is_refused(client, keeper, cursor):
    with pytest.raises(BadCursor):
        list_claims(cursor=cursor)
    save()
    login_as(client, keeper)

    assert client.get(f"/admin/claims?cursor={cursor}").status_code == 400


@pytest.mark.parametrize("count", [2, 20])
def test_the_queue_runs_a_fixed_number_of_statements(client, keeper, count_queries, count):
    for n in range(count):
        claimant = make_user(f"claimant{n}")
        make_question(author=claimant)
        make_claim(make_company(f"Firm {n}", domain=f"firm{n}.com"), claimant)
    save()
    login_as(client, keeper)

    with count_queries() as statements:
        response = client.get("/admin/claims")

    assert response.status_code == 200
    assert text(response).count('value="approve"') == count
    # The signed-in admin, the tab counts, the page of claims with all it shows, and the
    # header's count of flags waiting (a site admin is a moderator).
    assert len(statements) == 4, statements


# The audit log -----------------------------------------------------------------------------


def test_the_audit_log_reads_newest_first_and_filters_by_company(client, keeper):
    acme = make_company("Acme", domain="acme.com")
    other = make_company("Other", domain="other.com")
    jane = make_user("jane", display_name="Jane Doe")
    audit.record(jane, "claim.requested", company_id=acme.id, subject_user_id=jane.id)
    audit.record(keeper, "claim.approved", company_id=acme.id, subject_user_id=jane.id, note="OK")
    audit.record(keeper, "staff.revoked", company_id=other.id, subject_user_id=jane.id)
    save()
    login_as(client, keeper)

    everything = text(client.get("/admin/audit"))
    only_acme = text(client.get("/admin/audit?company=acme"))

    assert everything.index("revoked staff") < everything.index("approved the claim")
    assert everything.index("approved the claim") < everything.index("asked to claim")
    assert "<h1>Audit log: Acme</h1>" in only_acme
    assert "revoked staff" not in only_acme
    assert "approved the claim" in only_acme
    assert "<td>OK</td>" in only_acme
    assert 'href="/admin/audit?company=acme">Acme</a>' in everything


def test_the_audit_log_pages_by_keyset(client, keeper, app):
    acme = make_company("Acme", domain="acme.com")
    for n in range(app.config["PAGE_SIZE"] + 3):
        audit.record(keeper, "staff.title_changed", company_id=acme.id, note=f"entry {n:02d}")
    save()
    login_as(client, keeper)

    first = text(client.get("/admin/audit"))
    next_link = first.split('<a rel="next" href="')[1].split('"')[0]
    second = text(client.get(next_link))

    assert "entry 22" in first and "entry 03" in first and "entry 02" not in first
    assert "entry 02" in second and "entry 00" in second and "entry 03" not in second


def test_an_unknown_company_filter_says_so(client, keeper):
    save()
    login_as(client, keeper)

    response = client.get("/admin/audit?company=nobody")

    assert response.status_code == 404
    assert "There is no company with that address name" in text(response)


def test_the_audit_log_runs_a_fixed_number_of_statements(client, keeper, count_queries):
    acme = make_company("Acme", domain="acme.com")
    for n in range(15):
        user = make_user(f"person{n}")
        audit.record(user, "claim.requested", company_id=acme.id, subject_user_id=user.id)
    save()
    login_as(client, keeper)

    with count_queries() as statements:
        response = client.get("/admin/audit?company=acme")

    assert response.status_code == 200
    # the admin, the company, the page of entries, the moderators' header count of flags
    assert len(statements) == 4, statements


def test_times_in_the_queue_read_relative_to_now(client, keeper):
    make_claim(make_company("Acme"), age=timedelta(hours=3))
    save()
    login_as(client, keeper)

    page = text(client.get("/admin/claims"))

    assert "requested <time" in page and "3 hours ago" in page
    assert utcnow()  # the clock the page used is the app's clock
