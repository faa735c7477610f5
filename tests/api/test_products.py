from tests.factories import ProductFactory
from trace.models import TraceEvent

FIBRE = {"code": "fibre-pro", "name": "Fibre Pro", "family": "internet", "complexity": "complex",
         "direct_sale_channels": ["visit"], "owner_commission_share": "30.00"}  # fmt: skip


def test_everyone_signed_in_reads_the_catalogue(org, api_as):
    ProductFactory(name="Forfait mobile", family="mobile")
    ProductFactory(name="Box", family="internet", complexity="complex")
    client = api_as(org.reception_a)
    assert [p["name"] for p in client.get("/api/v1/products/").json()["results"]] == ["Box", "Forfait mobile"]
    assert [p["name"] for p in client.get("/api/v1/products/", {"complexity": "basic"}).json()["results"]] == [
        "Forfait mobile"
    ]


def test_an_admin_adds_and_changes_a_product_on_the_national_chain(org, api_as):
    admin = api_as(org.admin)
    created = admin.post("/api/v1/products/", FIBRE, format="json")
    assert created.status_code == 201
    assert created.json()["owner_commission_share"] == "30.00"
    changed = admin.patch(f"/api/v1/products/{created.json()['id']}/", {"is_active": False}, format="json")
    assert changed.status_code == 200
    assert changed.json()["is_active"] is False
    events = TraceEvent.objects.filter(chain="org:national", action__startswith="crm.product.").order_by("id")
    assert [e.action for e in events] == ["crm.product.created", "crm.product.updated"]


def test_only_an_admin_changes_the_catalogue(org, api_as):
    product = ProductFactory()
    manager = api_as(org.manager_a)
    assert manager.post("/api/v1/products/", FIBRE, format="json").status_code == 403
    assert manager.patch(f"/api/v1/products/{product.pk}/", {"name": "Cheaper"}, format="json").status_code == 403


def test_product_bad_input_names_the_field(org, api_as):
    admin = api_as(org.admin)
    ProductFactory(code="taken")
    for change, field in [({"code": "taken"}, "code"), ({"complexity": "odd"}, "complexity"),
                          ({"direct_sale_channels": ["fax"]}, "direct_sale_channels"),
                          ({"owner_commission_share": "120"}, "owner_commission_share")]:  # fmt: skip
        response = admin.post("/api/v1/products/", {**FIBRE, **change}, format="json")
        assert response.status_code == 400, change
        assert field in response.json()
    assert admin.get("/api/v1/products/999999/").status_code == 404
