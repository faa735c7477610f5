from workflow import services
from workflow.models import Notification

URL = "/api/v1/notifications/"


def _ok(response):
    assert response.status_code == 200, response.content
    return response.json()


def _leads_for_sales_a(org, capture, n=1):
    leads = []
    with capture(execute=True):
        for i in range(n):
            leads.append(services.lead_create(sender=org.reception_a, client_id=org.client_a.pk, subject=f"Lead {i}"))
    return leads


def test_each_person_reads_their_own_bell_and_marks_it_read(org, wf, api_as, django_capture_on_commit_callbacks):
    (lead,) = _leads_for_sales_a(org, django_capture_on_commit_callbacks)
    sales = api_as(org.sales_a)
    (note,) = _ok(sales.get(URL))["results"]
    assert (note["verb"], note["item_kind"], note["item_id"], note["client"]) == (
        "created", "lead", lead.pk, org.client_a.pk,
    )  # fmt: skip
    assert note["text"] == f"New L-{lead.pk} for you"
    assert note["read_at"] is None and "url" in note
    assert _ok(sales.get(f"{URL}unread-count/")) == {"unread_count": 1}
    assert _ok(api_as(org.reception_a).get(URL))["results"] == []

    read = _ok(sales.post(f"{URL}{note['id']}/read/"))
    assert read["read_at"] is not None
    assert _ok(sales.post(f"{URL}{note['id']}/read/"))["read_at"] == read["read_at"]  # reading twice changes nothing
    assert _ok(sales.get(f"{URL}unread-count/")) == {"unread_count": 0}
    assert _ok(sales.get(URL, {"unread": 1}))["results"] == []
    assert [n["id"] for n in _ok(sales.get(URL))["results"]] == [note["id"]]


def test_someone_elses_notification_is_a_404(org, wf, api_as, django_capture_on_commit_callbacks):
    _leads_for_sales_a(org, django_capture_on_commit_callbacks)
    note = Notification.objects.get(recipient=org.sales_a)
    assert api_as(org.sales_a2).post(f"{URL}{note.pk}/read/").status_code == 404
    assert api_as(org.sales_a2).post(f"{URL}999999/read/").status_code == 404
    assert Notification.objects.get(pk=note.pk).read_at is None


def test_the_sender_hears_what_became_of_the_request(org, wf, api_as, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        created = api_as(org.reception_a).post(
            "/api/v1/service-requests/",
            {"client": org.client_a.pk, "category": "fault", "subject": "No dial tone"},
            format="json",
        )
        api_as(org.after_sales_north).post(f"/api/v1/service-requests/{created.json()['id']}/claim/")
    texts = [n["text"] for n in _ok(api_as(org.reception_a).get(URL, {"unread": "true"}))["results"]]
    assert texts == [f"SR-{created.json()['id']} was taken in charge"]


def test_the_bell_costs_the_same_queries_whatever_its_length(
    org, wf, queries_of_list, django_capture_on_commit_callbacks
):
    _leads_for_sales_a(org, django_capture_on_commit_callbacks, n=2)
    small = queries_of_list(org.sales_a, URL)
    _leads_for_sales_a(org, django_capture_on_commit_callbacks, n=6)
    assert Notification.objects.filter(recipient=org.sales_a).count() == 8
    assert queries_of_list(org.sales_a, URL) == small
