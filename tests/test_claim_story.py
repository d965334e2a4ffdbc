"""The claim workflow as one story, through the pages and the e-mails a person gets.

request → e-mail (file backend) → verify → a site admin approves → the new staff
member's answer is official → she invites a second admin, who joins by the e-mailed
link and revokes her → her later answer is not official, the earlier one still is.
"""

from urllib.parse import urlsplit

from app.answers.models import Answer
from app.extensions import db
from app.moderation.queries import ACTION_LABELS
from tests.checks import person
from tests.conftest import login_as
from tests.factories import make_company, make_question, make_user
from tests.mail.helpers import links_in, read_mail, text_of, use_file_backend

JANE = person("jane", "Jane Doe")


def _path(url: str) -> str:
    return urlsplit(url).path


def test_a_company_joins_answers_officially_and_history_survives_a_revoke(
    app, client, monkeypatch, tmp_path
):
    mailbox = use_file_backend(app, monkeypatch, tmp_path)
    acme = make_company("Acme", domain="acme.com")
    jane = make_user("jane", display_name="Jane Doe", email="jane.doe@gmail.example")
    keeper = make_user("keeper", is_admin=True)
    question = make_question(acme, title="Does Acme Drive work offline?")
    db.session.commit()

    # Jane asks to claim Acme with her work e-mail; the link arrives there.
    login_as(client, jane)
    response = client.post("/companies/acme/claim", data={"work_email": "jane@acme.com"})
    assert response.status_code == 303
    (verification,) = read_mail(mailbox)
    assert verification["To"] == "jane@acme.com"
    assert "48 hours" in text_of(verification)
    link = _path(links_in(verification)[0])

    # Following the link shows a button; pressing it verifies the address.
    page = client.get(link)
    assert page.status_code == 200 and "jane@acme.com" in page.get_data(as_text=True)
    verified = client.post(link, data={"token": link.rsplit("/", 1)[1]}, follow_redirects=True)
    assert "site admin will review" in verified.get_data(as_text=True)

    # A site admin sees the claim in the queue and approves it.
    admin = app.test_client()
    login_as(admin, keeper)
    queue = admin.get("/admin/claims").get_data(as_text=True)
    assert "jane@acme.com" in queue and "Acme" in queue
    claim_id = int(queue.split('action="/admin/claims/')[1].split('"')[0])
    decided = admin.post(
        f"/admin/claims/{claim_id}",
        data={f"claim-{claim_id}-decision": "approve", f"claim-{claim_id}-note": "Checked."},
    )
    assert decided.status_code == 303
    company_page = client.get("/companies/acme").get_data(as_text=True)
    assert "Claimed by Acme on" in company_page and "staff verified at acme.com" in company_page

    # Jane sets her title and answers: the answer is official.
    client.post("/companies/acme/staff/title", data={"title": "Head of Support"})
    client.post(f"/questions/{question.id}/answers", data={"body": "Yes, since version 4."})
    page = client.get(f"/questions/{question.id}", follow_redirects=True).get_data(as_text=True)
    badge = f'Official answer · <span class="person">{JANE}</span>, Head of Support at Acme'
    assert badge in page

    # Jane invites Sam as a second admin; Sam follows the e-mailed link and joins.
    sam = make_user("sam", display_name="Sam Lee")
    db.session.commit()
    client.post(
        "/companies/acme/staff/invitations", data={"email": "sam@acme.com", "role": "admin"}
    )
    invitation = read_mail(mailbox)[-1]
    assert invitation["To"] == "sam@acme.com"
    join = _path(links_in(invitation)[0])
    sams = app.test_client()
    login_as(sams, sam)
    assert "Join Acme" in sams.get(join).get_data(as_text=True)
    assert sams.post(join, data={"token": join.rsplit("/", 1)[1]}).status_code == 303

    # Sam, now an admin of Acme, removes Jane from the staff.
    assert sams.post(f"/companies/acme/staff/{jane.id}/revoke").status_code == 303
    client.post(f"/questions/{question.id}/answers", data={"body": "Still true in version 5."})

    answers = db.session.scalars(
        db.select(Answer).where(Answer.question_id == question.id).order_by(Answer.id)
    ).all()
    assert [a.is_official for a in answers] == [True, False]
    page = client.get(f"/questions/{question.id}", follow_redirects=True).get_data(as_text=True)
    assert page.count(f'Official answer · <span class="person">{JANE}</span>, Head of') == 1
    audit = admin.get("/admin/audit").get_data(as_text=True)
    for action in ("claim.requested", "claim.verified", "claim.approved", "staff.joined"):
        assert str(ACTION_LABELS[action]) in audit
    assert "Checked." in audit
