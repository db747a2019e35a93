"""A server of the test's own, for snapshot tests: with a seed and a frozen clock, the same requests
give the same answers on every run."""

from identity_mock import IdentityMock
from letta_client import Letta

SNAPSHOT_OPTIONS = {"empty": True, "seed": 7, "clock": "fixed:2025-01-01T00:00:00Z"}


def create_one(url):
    letta = Letta(base_url=url, max_retries=0)
    return letta.identities.create(identifier_key="user-1", name="First", identity_type="user").model_dump()


def test_a_seeded_server_answers_the_same_every_time():
    answers = []
    for _ in range(2):
        with IdentityMock(**SNAPSHOT_OPTIONS) as mock:
            answers.append(create_one(mock.url))
    assert answers[0] == answers[1]
    assert answers[0]["id"].startswith("identity-")


def test_the_session_server_is_another_one(identity_mock):
    with IdentityMock(**SNAPSHOT_OPTIONS) as mock:
        assert mock.url != identity_mock.url
        assert mock.health()["letta"]["identities"] == 0
