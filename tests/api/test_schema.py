import json

from openapi_spec_validator import validate
from rest_framework.test import APIClient

CONTRACT_PATHS = [
    "/api/v1/auth/token/",
    "/api/v1/regions/", "/api/v1/regions/{id}/",
    "/api/v1/agencies/", "/api/v1/agencies/{id}/",
    "/api/v1/teams/", "/api/v1/teams/{id}/",
    "/api/v1/users/", "/api/v1/users/{id}/",
    "/api/v1/memberships/", "/api/v1/memberships/{id}/end/", "/api/v1/memberships/{id}/reassign/",
    "/api/v1/clients/", "/api/v1/clients/{id}/", "/api/v1/clients/{id}/timeline/", "/api/v1/clients/lookup/",
    "/api/v1/contacts/", "/api/v1/contacts/{id}/",
    "/api/v1/interactions/", "/api/v1/interactions/{id}/",
    "/api/v1/products/", "/api/v1/products/{id}/",
    "/api/v1/service-requests/", "/api/v1/service-requests/{id}/",
    *(f"/api/v1/service-requests/{{id}}/{action}/" for action in (
        "claim", "assign", "start", "transfer", "comment", "wait", "resolve", "reopen", "close", "cancel",
        "requalify", "repeat_contact", "comments", "history")),
    "/api/v1/leads/", "/api/v1/leads/{id}/",
    *(f"/api/v1/leads/{{id}}/{action}/" for action in (
        "status", "accept", "start", "requalify", "reassign", "won", "lost", "comment", "comments", "history")),
    "/api/v1/categories/", "/api/v1/categories/{id}/", "/api/v1/routing-rules/", "/api/v1/routing-rules/{id}/",
    "/api/v1/trace/", "/api/v1/trace/verify/",
    "/api/v1/notifications/", "/api/v1/notifications/{id}/read/", "/api/v1/notifications/unread-count/",
]  # fmt: skip


def test_the_schema_is_valid_openapi_3_and_lists_every_path(db):
    response = APIClient().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    validate(schema)
    assert schema["openapi"].startswith("3.")
    missing = [path for path in CONTRACT_PATHS if path not in schema["paths"]]
    assert missing == []
    client_fields = schema["components"]["schemas"]["Client"]["properties"]
    assert {"name", "segment", "agency", "account_owner", "phone", "email", "completeness"} <= set(client_fields)
    assert {"tokenAuth", "cookieAuth"} <= set(schema["components"]["securitySchemes"])


def test_the_docs_page_renders_from_our_own_files_under_the_strict_policy(db):
    page = APIClient().get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "https://" not in html  # nothing from a CDN: the users have no internet
    policy = dict(directive.strip().split(" ", 1) for directive in page.headers["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'"
    assert "<script>" not in html  # every script is a file, so script-src 'self' suffices

    script = APIClient().get("/api/docs/", {"script": ""})
    assert script.status_code == 200
    assert script.headers["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


def test_a_path_no_pattern_matches_under_the_api_answers_a_json_404(org, api_as):
    api = api_as(org.reception_a)

    for path in ("/api/v1/clients/-3/", "/api/v1/service-requests/-1/transfer/", "/api/v1/nothing-here/"):
        response = api.get(path)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json" and "detail" in response.json()
    assert "text/html" in api.get("/clients/-3/").headers["Content-Type"]  # pages keep the site's page


def test_every_operation_documents_the_errors_drf_may_answer(org):
    paths = APIClient().get("/api/schema/?format=json").json()["paths"]

    for path, operations in paths.items():
        for method, operation in operations.items():
            assert {"400", "404", "429"} <= operation["responses"].keys(), (method, path)
            if operation.get("security") != [{}] and path != "/api/v1/auth/token/" and "intake/" not in path:
                assert {"401", "403"} <= operation["responses"].keys(), (method, path)
