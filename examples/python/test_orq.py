"""orq-ai-sdk against identity-mock: the namespace's API key makes the SDK's requests land in it."""

import pytest
from orq_ai_sdk import Orq, models


@pytest.fixture
def orq(identity_mock_namespace):
    return Orq(api_key=identity_mock_namespace.api_key, server_url=identity_mock_namespace.url)


def test_create_then_retrieve(orq):
    created = orq.identities.create(external_id="cust-katherine", display_name="Katherine Johnson",
                                    email="katherine@example.org", tags=["vip"])
    assert created.result.identity.external_id == "cust-katherine"
    assert orq.identities.retrieve(id="cust-katherine").identity.display_name == "Katherine Johnson"
    page = orq.identities.list(search="johnson")
    assert [item.external_id for item in page.data] == ["cust-katherine"]


def test_namespaces_do_not_meet(orq, identity_mock):
    orq.identities.create(external_id="cust-private", display_name="Private")
    stranger = Orq(api_key=identity_mock.namespace().api_key, server_url=identity_mock.url)
    with pytest.raises(models.ErrorResponse):
        stranger.identities.retrieve(id="cust-private")


def test_load_fixtures_into_the_namespace(orq, identity_mock_namespace):
    identity_mock_namespace.load_fixtures(
        {"orq": {"identities": [{"external_id": "cust-seeded", "display_name": "Seeded"}]}}
    )
    assert orq.identities.retrieve(id="cust-seeded").identity.display_name == "Seeded"
    statuses = [entry["status"] for entry in identity_mock_namespace.requests()]
    assert statuses == [200]


def test_list_with_search_tags_and_metrics(orq):
    orq.identities.create(external_id="cust-dorothy", display_name="Dorothy Vaughan", tags=["pro"])
    page = orq.identities.list(limit=10, search="dorothy", filter_by_tags=["pro"], include_metrics=True)
    assert [item.external_id for item in page.data] == ["cust-dorothy"]
    assert page.data[0].metrics.total_requests == 0  # metrics come from fixtures; a new identity has none
