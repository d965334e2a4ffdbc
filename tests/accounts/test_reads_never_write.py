"""A GET never writes: no rows change when account pages are only looked at."""

import pytest

from tests.conftest import login_as
from tests.factories import make_answer, make_question, make_user

WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.mark.parametrize("signed_in", [False, True])
@pytest.mark.parametrize(
    "path", ["/sign-in", "/sign-up", "/users/ada", "/account/password", "/account/profile"]
)
def test_account_pages_only_read(client, count_queries, path, signed_in):
    ada = make_user("ada")
    make_answer(make_question(author=ada), author=ada)
    if signed_in:
        login_as(client, ada)

    with count_queries() as statements:
        response = client.get(path)

    assert response.status_code in (200, 302)
    assert [s for s in statements if s.lstrip().upper().startswith(WRITES)] == []
