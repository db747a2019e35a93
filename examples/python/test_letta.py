"""letta-client against identity-mock, through the pytest plugin: each test gets a namespace of
its own (`identity_mock_namespace`) on the session's server (`identity_mock`)."""

import pytest
from letta_client import InternalServerError, Letta


@pytest.fixture
def letta(identity_mock_namespace):
    # The namespace's headers route every request of this client into it.
    return Letta(
        base_url=identity_mock_namespace.url,
        default_headers=identity_mock_namespace.headers,
        max_retries=0,
    )


def test_create_then_list(letta):
    ada = letta.identities.create(identifier_key="user-ada", name="Ada", identity_type="user")
    assert ada.id.startswith("identity-")
    found = letta.identities.list(identifier_key="user-ada").items
    assert [identity.id for identity in found] == [ada.id]
    assert letta.identities.retrieve(ada.id).name == "Ada"


# The next two tests create the same identity: without a namespace each, the second would get 409.
@pytest.mark.parametrize("run", ["first", "second"])
def test_each_test_starts_from_the_fixtures(letta, run):
    assert len(letta.identities.list().items) == 5  # the bundled fixtures
    letta.identities.create(identifier_key="user-shared", name=f"Shared ({run})", identity_type="user")
    assert len(letta.identities.list().items) == 6


def test_a_fault_then_recovery(letta, identity_mock_namespace):
    # A fault of this namespace only: parallel tests on the same server do not meet it.
    identity_mock_namespace.add_fault(method="POST", path="/v1/identities/", status=503,
                                      body={"detail": "maintenance"}, times=1)
    with pytest.raises(InternalServerError):
        letta.identities.create(identifier_key="user-retry", name="Retry", identity_type="user")
    retried = letta.identities.create(identifier_key="user-retry", name="Retry", identity_type="user")
    assert retried.identifier_key == "user-retry"


def test_the_journal_shows_what_the_sdk_sent(letta, identity_mock_namespace):
    letta.identities.create(identifier_key="user-journal", name="Journal", identity_type="org")
    [post] = identity_mock_namespace.requests(method="POST")
    assert (post["path"], post["status"]) == ("/v1/identities/", 200)
    assert '"identifier_key":"user-journal"' in post["request_body"].replace(" ", "")
