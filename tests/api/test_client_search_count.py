"""Issue 8, item 9: the API's client search no longer stops silently at 20: it pages its best matches."""

from tests.factories import ClientFactory


def test_the_api_search_pages_past_twenty_and_counts(api_as, org):
    for n in range(30):
        ClientFactory(agency=org.agency_a, name=f"Boulangerie numéro {n:02d}")
    first = api_as(org.reception_a).get("/api/v1/clients/", {"q": "boulangerie"}).json()
    assert first["count"] == 31 and len(first["results"]) == 25 and first["next"]
    second = api_as(org.reception_a).get(first["next"]).json()
    assert len(second["results"]) == 6
