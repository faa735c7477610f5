"""The permission matrix (issue 7, Done 7.2): every role × every path and page × every method × every place.

The expected answer of each cell is written in `tests/permissions/expected.py`, one line per path,
method and place, one code per role. This test asks every cell and compares; it fails when a path or
page of the project is missing from the table (walked from the URL resolver), and, independently of
the table, when any role gets a success on an object outside the agencies it works for, or sees one
in a list or a search.

After a deliberate change (a new path, a right given or taken), regenerate the table and review the
diff line by line: `MATRIX_WRITE=1 .venv/bin/pytest tests/permissions -k write_the_table`.
"""

import os
import pprint
from pathlib import Path

import pytest
from django.db import transaction
from rest_framework.test import APIClient

from tests.permissions import expected
from tests.permissions.urls import PARAMETER, PERSONAL, fill, object_kind, project_patterns
from tests.permissions.world import OTHER_AGENCY, OTHER_REGION, PLACES, SAME_AGENCY, build_world
from tests.workflow.conftest import wf  # noqa: F401 - the workflow's categories and rules

METHODS = ("GET", "POST", "PATCH", "PUT", "DELETE")
ROLES = expected.ROLES
# Where each role's agency rights reach (written by hand, from DESIGN.md section 4): every role works
# at Lille; the regional back office covers the region's agencies; the admin covers everything.
COVERS = {
    "reception": {SAME_AGENCY}, "back_office": {SAME_AGENCY, OTHER_AGENCY}, "sales": {SAME_AGENCY},
    "telesales": {SAME_AGENCY}, "telemarketing": {SAME_AGENCY}, "marketing": {SAME_AGENCY},
    "manager": {SAME_AGENCY}, "delegate": {SAME_AGENCY}, "admin": set(PLACES), "outsider": set(),
    "anonymous": set(),
}  # fmt: skip
# Objects that belong to a client, and so to its agency.
CLIENT_BOUND = {"client", "contact", "interaction", "request", "lead", "sale", "dispute", "intake"}
# Reporting objects placed on one agency (issue 10): seen by those who see the agency's dashboards. Campaigns,
# their targets and potentials are not here: marketing works for a whole region (DESIGN.md section 2).
UNIT_BOUND = {"objective", "alert"}
# Lists and searches: the API collection, the kind of its rows.
LISTS = {
    "/api/v1/clients/": "client", "/api/v1/contacts/": "contact", "/api/v1/interactions/": "interaction",
    "/api/v1/service-requests/": "request", "/api/v1/leads/": "lead", "/api/v1/sales/": "sale",
    "/api/v1/disputes/": "dispute", "/api/v1/intakes/": "intake",
}  # fmt: skip
SEARCHES = {"/api/v1/clients/?q=Pharmacie": OTHER_REGION, "/api/v1/clients/?q=Garage": OTHER_AGENCY}
LOGOUT = "accounts/logout/"
WRITE = os.environ.get("MATRIX_WRITE") == "1"


def places_of(route: str, world) -> tuple[str, ...]:
    kind = object_kind(route)
    if kind in PERSONAL:
        return ("own", "someone else's")
    if kind and len(world.ids.get(kind, {})) > 1:
        return PLACES
    return ("-",)


def observe(world, role: str) -> dict[tuple[str, str, str], int]:
    """Every cell of one role's row: {(route, method, place): status code}."""
    person = world.people[role]
    client = APIClient()
    if person is not None:
        client.force_login(person)
    answers = {}
    for route in project_patterns():  # the Django admin is one route (`admin/`), its index page
        for place in places_of(route, world):
            where = {"-": SAME_AGENCY, "someone else's": "other"}.get(place, place)
            url = fill(route, world.ids, where, own=role) if PARAMETER.search(route) else "/" + route
            for method in METHODS:
                savepoint = transaction.savepoint()  # each write is undone: every cell sees the same world
                response = client.generic(method, url, "{}", content_type="application/json")
                answers[(route, method, place)] = response.status_code
                if response.streaming:  # read to the end, so the test client closes it (the CSV statement)
                    b"".join(response.streaming_content)
                transaction.savepoint_rollback(savepoint)
                if route == LOGOUT and person is not None:
                    client.force_login(person)
    return answers


def test_the_table_names_every_path_and_page_of_the_project():
    written = {route for route, _method, _place in expected.TABLE}

    missing = [route for route in project_patterns() if route not in written]
    gone = sorted(written - set(project_patterns()))

    assert not missing, f"paths or pages missing from tests/permissions/expected.py: {missing}"
    assert not gone, f"the table names paths the project no longer has: {gone}"


@pytest.mark.parametrize("role", ROLES)
def test_every_cell_of_the_role_answers_as_the_table_says(org, wf, role):  # noqa: F811
    world = build_world(org, wf)
    answers = observe(world, role)
    column = ROLES.index(role)

    missing = sorted({route for route, _method, _place in answers} - {route for route, *_ in expected.TABLE})
    wrong = {
        cell: (code, int(expected.TABLE[cell].split()[column]))
        for cell, code in answers.items()
        if cell in expected.TABLE and code != int(expected.TABLE[cell].split()[column])
    }

    # Independent of the table: a 2xx on another agency's object is a leak, whatever the table says.
    leaks = {
        cell: code
        for cell, code in answers.items()
        if cell[2] in PLACES and object_kind(cell[0]) in CLIENT_BOUND | UNIT_BOUND
        and cell[2] not in COVERS[role] and 200 <= code < 300
    }  # fmt: skip

    assert not missing, f"paths or pages missing from tests/permissions/expected.py: {missing}"
    assert not leaks, f"{role} reached objects outside its agencies: {leaks}"
    assert not wrong, f"{role}: (path, method, place): (answered, expected)\n{pprint.pformat(wrong)}"


@pytest.mark.parametrize("role", [role for role in ROLES if role != "anonymous"])
def test_no_list_or_search_shows_an_object_outside_the_roles_agencies(org, wf, role):  # noqa: F811
    world = build_world(org, wf)
    client = APIClient()
    client.force_login(world.people[role])

    shown = {}
    for url, kind in LISTS.items():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        ids = {row["id"] for row in response.json()["results"]}
        outside = {world.ids[kind][place] for place in PLACES if place not in COVERS[role]}
        shown[url] = ids & outside
    for url, place in SEARCHES.items():
        ids = {row["id"] for row in client.get(url).json()["results"]}
        shown[url] = ids & ({world.ids["client"][place]} if place not in COVERS[role] else set())
    page = client.get("/clients/search/", {"q": "Pharmacie"}).content.decode()
    if OTHER_REGION not in COVERS[role]:
        shown["/clients/search/?q=Pharmacie"] = {"Pharmacie du Port"} if "Pharmacie du Port" in page else set()

    assert not {url: ids for url, ids in shown.items() if ids}


@pytest.mark.skipif(not WRITE, reason="writes the table: MATRIX_WRITE=1")
def test_write_the_table(org, wf):  # noqa: F811
    world = build_world(org, wf)
    rows: dict[tuple[str, str, str], list[int]] = {}
    for role in ROLES:
        for cell, code in observe(world, role).items():
            rows.setdefault(cell, []).append(code)
    lines = [f"    ({route!r}, {method!r}, {place!r}): {' '.join(f'{c:>3}' for c in codes)!r},"
             for (route, method, place), codes in rows.items()]  # fmt: skip
    path = Path(expected.__file__)
    text = path.read_text(encoding="utf-8")
    head = text[: text.index("TABLE = {") + len("TABLE = {\n")]
    path.write_text(head + "\n".join(lines) + "\n}  # fmt: skip\n", encoding="utf-8")
