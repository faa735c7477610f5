"""Portfolio potentials (issue 9): marketing hands an account's salesperson something to explore by a deadline.

- `potential_create`: one potential, entered by marketing for an account of its scope; it goes to the
  account's owner (a client with no owner is a 400: nobody would explore it).
- `potential_import_start` / `potential_import_run`: a CSV, checked row by row in batches by a Celery
  task; good rows are kept, each bad row is reported with its line and why, and the import's row
  (`PotentialImport`) is the progress a page polls. An import is traced once, with its counts (ten
  thousand chained events would be the import's whole cost and say nothing more).
- `potential_explore`: the salesperson marks it explored with an outcome (a sale may be recorded with
  it, credited by the rule).
- `potentials_remind_overdue`: the scheduler reminds each overdue potential's salesperson once: a
  conditional UPDATE of `reminded_at` decides, and the notification's key is a second lock.
"""

import csv
import io
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import rights
from accounts.models import User
from common.errors import Conflict, InvalidInput, PermissionDenied
from crm.models import Client, Product
from crm.selectors import client_get_for_user
from trace.services import trace_append
from workflow import events
from workflow.models import Notification, NotificationTopic
from workflow.models_campaigns import POTENTIAL_KIND, ImportStatus, Potential, PotentialImport, PotentialOutcome
from workflow.notifications import email_choices
from workflow.selectors_campaigns import marketing_scope, potential_get_for_user
from workflow.services.campaigns import require_marketing
from workflow.services.notifications import SEND_EMAIL_TASK, _wants_email
from workflow.services.queueing import queue_task
from workflow.services.sales import sale_record

IMPORT_TASK = "workflow.tasks.potential_import_task"
NOTE_MAX = 300
MAX_AMOUNT = Decimal("9999999999.99")
MAX_IMPORT_BYTES = 10 * 1024 * 1024
MAX_IMPORT_ROWS = 100_000
MAX_REPORTED_ERRORS = 5_000
COLUMNS = ("client", "deadline", "product", "amount", "note")
REQUIRED_COLUMNS = ("client", "deadline")


def _deadline_error(deadline: Any) -> str:
    today = timezone.localdate()
    if not isinstance(deadline, date) or isinstance(deadline, datetime):
        return _("Enter a date (YYYY-MM-DD).")
    if deadline < today:
        return _("A deadline cannot be in the past.")
    if deadline > today + timedelta(days=settings.POTENTIAL_DEADLINE_MAX_DAYS):
        return _("A deadline is within %(days)s days.") % {"days": settings.POTENTIAL_DEADLINE_MAX_DAYS}
    return ""


def _amount_error(amount: Any) -> tuple[Decimal | None, str]:
    if amount in (None, ""):
        return None, ""
    try:
        value = Decimal(str(amount).strip())
    except (InvalidOperation, ValueError):
        return None, _("Enter an amount.")
    if not value.is_finite() or value <= 0 or value > MAX_AMOUNT or value != value.quantize(Decimal("0.01")):
        return None, _("Enter an amount above 0 in euros and cents.")
    return value, ""


def _owner_error(client: Client) -> str:
    if client.account_owner_id is None or not client.account_owner.is_active:
        return _("No active salesperson owns this account: set its owner first.")
    return ""


def _is_id(text: str) -> bool:
    """ASCII digits only: `str.isdigit` is true of "²", which `int` refuses (the task crashed on it)."""
    return text.isascii() and text.isdigit() and int(text) < 2**63


@transaction.atomic
def potential_create(
    *, actor: User, client_id: Any, deadline: Any, product_id: Any = None, amount: Any = None, note: str = ""
) -> Potential:
    """Give an account's salesperson a potential to explore by `deadline`. Marketing of the client's region (403
    otherwise, 404 out of sight); 400 naming each bad field."""
    scope = require_marketing(actor)
    client = client_get_for_user(user=actor, client_id=client_id)
    if not scope.covers_region(client.agency.region_id):
        raise PermissionDenied(_("This account is outside your marketing scope."))
    errors: dict[str, str] = {}
    if _owner_error(client):
        errors["client"] = _owner_error(client)
    if _deadline_error(deadline):
        errors["deadline"] = _deadline_error(deadline)
    product = None
    if product_id not in (None, ""):
        product = Product.objects.filter(pk=product_id, is_active=True).first() if _is_id(str(product_id)) else None
        if product is None:
            errors["product"] = _("Choose a product on sale.")
    value, problem = _amount_error(amount)
    if problem:
        errors["amount"] = problem
    if len(note or "") > NOTE_MAX:
        errors["note"] = _("This text is too long.")
    if errors:
        raise InvalidInput(errors)
    potential = Potential.objects.create(client=client, product=product, amount=value, note=(note or "").strip(),
                                         salesperson_id=client.account_owner_id, deadline=deadline,
                                         created_by=actor)  # fmt: skip
    trace_append(actor=actor, action=events.POTENTIAL_CREATED, obj=potential, client_id=client.pk,
                 payload={"potential": potential.pk, "salesperson": potential.salesperson_id,
                          "deadline": deadline.isoformat(), "product": product.pk if product else None})  # fmt: skip
    return potential


# --- Import from CSV ----------------------------------------------------------------------------------


def _reader(content: str) -> csv.DictReader:
    sample = content[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    return csv.DictReader(io.StringIO(content), delimiter=delimiter)


@transaction.atomic
def potential_import_start(*, actor: User, filename: str, content: bytes | str) -> PotentialImport:
    """Check the file's shape (400 on `file`), record the import and queue its task; returns the import.

    The rows themselves are checked by the task, each on its own (`potential_import_run`).
    """
    require_marketing(actor)
    if isinstance(content, bytes):
        if len(content) > MAX_IMPORT_BYTES:
            raise InvalidInput({"file": _("The file is larger than 10 MB: split it.")})
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InvalidInput({"file": _("The file is not UTF-8 text.")}) from None
    if "\x00" in content:
        raise InvalidInput({"file": _("The file is not a CSV file.")})
    reader = _reader(content)
    header = [name.strip().lower() for name in (reader.fieldnames or [])]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise InvalidInput({"file": _("The first line must name the columns; missing: %(columns)s.")
                            % {"columns": ", ".join(missing)}})  # fmt: skip
    try:
        total = sum(1 for _row in reader)
    except csv.Error:
        # A field past the csv module's limit (131,072 characters), or a line it cannot split.
        raise InvalidInput({"file": _("The file is not a CSV file.")}) from None
    if total == 0:
        raise InvalidInput({"file": _("The file has no row under its header.")})
    if total > MAX_IMPORT_ROWS:
        raise InvalidInput({"file": _("At most %(max)s rows per file.") % {"max": MAX_IMPORT_ROWS}})
    job = PotentialImport.objects.create(created_by=actor, filename=(filename or "")[:200], content=content,
                                         total_rows=total)  # fmt: skip
    queue_task(IMPORT_TASK, job.pk, key=f"potential-import:{job.pk}")
    return job


def _parse_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


class _Batch:
    """One batch of rows: the clients and products they name, read at once, then each row checked."""

    def __init__(self, rows: list[tuple[int, dict]], *, agencies: set[int] | None, products: dict[str, Product]):
        self.rows, self.agencies, self.products = rows, agencies, products
        ids = {int(text) for text in ((row.get("client") or "").strip() for _line, row in rows) if _is_id(text)}
        self.clients = {
            pk: (agency_id, owner_id, owner_active)
            for pk, agency_id, owner_id, owner_active in Client.objects.filter(pk__in=ids).values_list(
                "pk", "agency_id", "account_owner_id", "account_owner__is_active"
            )
        }

    def check(self, line: int, row: dict) -> tuple[dict | None, str]:
        """The potential's fields, or why the row is refused."""
        text = (row.get("client") or "").strip()
        if not text:
            return None, _("client: this field is required.")
        found = self.clients.get(int(text)) if _is_id(text) else None
        if found is None or (self.agencies is not None and found[0] not in self.agencies):
            return None, _("client: no such account in your scope.")
        if found[1] is None or not found[2]:
            return None, _("client: no active salesperson owns this account.")
        deadline = _parse_date(row.get("deadline") or "")
        problem = _deadline_error(deadline) if deadline else _("Enter a date (YYYY-MM-DD).")
        if problem:
            return None, _("deadline: %(problem)s") % {"problem": problem}
        product = None
        code = (row.get("product") or "").strip()
        if code:
            product = self.products.get(code)
            if product is None:
                return None, _("product: no product on sale has this code.")
        amount, problem = _amount_error(row.get("amount"))
        if problem:
            return None, _("amount: %(problem)s") % {"problem": problem}
        note = (row.get("note") or "").strip()
        if len(note) > NOTE_MAX:
            return None, _("note: this text is too long.")
        return {"client_id": int(text), "salesperson_id": found[1], "deadline": deadline, "product": product,
                "amount": amount, "note": note}, ""  # fmt: skip


def _import_batch(job: PotentialImport, batch: _Batch) -> tuple[int, list[dict]]:
    """Write one batch's good rows and the progress, in one transaction: the page sees it move batch by batch."""
    good, bad = [], []
    for line, row in batch.rows:
        fields, problem = batch.check(line, row)
        if fields is None:
            bad.append({"line": line, "reason": problem})
        else:
            good.append(Potential(created_by_id=job.created_by_id, source=job, **fields))
    with transaction.atomic():
        Potential.objects.bulk_create(good)
        job.processed_rows += len(batch.rows)
        job.created_count += len(good)
        job.errors = (job.errors + bad)[:MAX_REPORTED_ERRORS]
        job.save(update_fields=["processed_rows", "created_count", "errors"])
    return len(good), bad


def potential_import_run(*, import_id: int) -> PotentialImport | None:
    """Run a queued import; safe to run twice (a second delivery finds it taken and does nothing).

    Not one transaction: each batch commits with its progress, so the import's page shows it moving.
    Lines are counted as in the file (the header is line 1).
    """
    if not PotentialImport.objects.filter(pk=import_id, status=ImportStatus.QUEUED).update(status=ImportStatus.RUNNING):
        return None
    job = PotentialImport.objects.select_related("created_by").get(pk=import_id)
    # The refused rows' reasons are written in the importer's language (a worker has none of its own).
    with translation.override(job.created_by.language or settings.LANGUAGE_CODE):
        return _import_rows(job)


def _import_rows(job: PotentialImport) -> PotentialImport:
    import_id = job.pk
    try:
        scope = marketing_scope(user=job.created_by)
        agencies = None if scope.national else set(scope.agencies().values_list("pk", flat=True))
        if not scope.any:
            agencies = set()
        products = {product.code: product for product in Product.objects.filter(is_active=True)}
        reader = _reader(job.content)
        reader.fieldnames = [name.strip().lower() for name in reader.fieldnames or []]
        size = settings.POTENTIAL_IMPORT_BATCH
        rows: list[tuple[int, dict]] = []
        for row in reader:
            rows.append((reader.line_num, row))
            if len(rows) >= size:
                _import_batch(job, _Batch(rows, agencies=agencies, products=products))
                rows = []
        if rows:
            _import_batch(job, _Batch(rows, agencies=agencies, products=products))
    except Exception:
        PotentialImport.objects.filter(pk=import_id).update(status=ImportStatus.FAILED, finished_at=timezone.now())
        raise
    refused = job.processed_rows - job.created_count
    with transaction.atomic():
        job.status, job.finished_at = ImportStatus.DONE, timezone.now()
        job.save(update_fields=["status", "finished_at"])
        chain = "national" if scope.national or not scope.region_ids else f"region:{min(scope.region_ids)}"
        trace_append(actor=job.created_by, action=events.POTENTIALS_IMPORTED, obj=job, chain=chain,
                     payload={"import": job.pk, "rows": job.processed_rows, "created": job.created_count,
                              "refused": refused})  # fmt: skip
    return job


# --- Exploring and reminding ---------------------------------------------------------------------------


@transaction.atomic
def potential_explore(
    *, actor: User, potential_id: int, outcome: str, amount: Any = None, product_id: Any = None, quantity: Any = 1,
    channel: str = "", sold_on: date | None = None,
) -> Potential:  # fmt: skip
    """The salesperson marks the potential explored with an outcome (403 for anyone else who sees it; 409 when
    explored already). With `outcome=sale` and an `amount`, the sale is recorded too, from this potential."""
    potential = potential_get_for_user(user=actor, potential_id=potential_id, lock=True)
    if potential.salesperson_id != actor.pk:
        raise PermissionDenied(_("Only the salesperson it was given to explores this potential."))
    if potential.explored_at is not None:
        raise Conflict(_("This potential was explored already."), status="explored")
    if outcome not in PotentialOutcome.values:
        raise InvalidInput({"outcome": _("Choose an outcome.")})
    sale = None
    if outcome == PotentialOutcome.SALE and amount not in (None, ""):
        product = product_id or potential.product_id
        if not product:
            raise InvalidInput({"product": _("Choose the product sold.")})
        sale = sale_record(actor=actor, client_id=potential.client_id, product_id=product, amount=amount,
                           quantity=quantity, channel=channel, sold_on=sold_on, potential=potential)  # fmt: skip
    potential.explored_at, potential.outcome = timezone.now(), outcome
    potential.save(update_fields=["explored_at", "outcome"])
    trace_append(actor=actor, action=events.POTENTIAL_EXPLORED, obj=potential, client_id=potential.client_id,
                 payload={"potential": potential.pk, "outcome": outcome, "deadline": potential.deadline.isoformat(),
                          "in_time": potential.explored_in_time, "sale": sale.pk if sale else None})  # fmt: skip
    return potential


def _remind(potential: Potential) -> bool:
    with transaction.atomic():
        if not Potential.objects.filter(pk=potential.pk, reminded_at__isnull=True, explored_at__isnull=True).update(
            reminded_at=timezone.now()
        ):
            return False  # explored meanwhile, or another scan was first
        person = potential.salesperson
        notified = []
        if person.is_active:
            topic = NotificationTopic.REMINDERS
            wanted = _wants_email(email_choices(user_ids=[person.pk]), person, topic)
            try:
                with transaction.atomic():
                    row = Notification.objects.create(
                        recipient=person, key=f"potential-overdue:{potential.pk}", verb=events.POTENTIAL_OVERDUE.verb,
                        item_kind=POTENTIAL_KIND, item_id=potential.pk, client_id=potential.client_id, topic=topic,
                        email_wanted=wanted,
                    )  # fmt: skip
            except IntegrityError:
                row = None  # told already under this key
            if row is not None:
                notified.append(person.pk)
                if row.email_wanted:
                    queue_task(SEND_EMAIL_TASK, row.pk, key=f"notification-email:{row.pk}")
        trace_append(actor=None, action=events.POTENTIAL_REMINDED, obj=potential, client_id=potential.client_id,
                     payload={"potential": potential.pk, "deadline": potential.deadline.isoformat(),
                              "notified": notified})  # fmt: skip
    return True


def potentials_remind_overdue(*, today: date | None = None) -> int:
    """Remind the salesperson of each potential past its deadline and unexplored, once; returns how many now."""
    today = today or timezone.localdate()
    overdue = Potential.objects.filter(explored_at__isnull=True, reminded_at__isnull=True, deadline__lt=today)
    reminded = 0
    for potential in overdue.select_related("salesperson").order_by("deadline", "pk").iterator(chunk_size=500):
        reminded += _remind(potential)
    return reminded


def may_manage_potentials(*, user: User) -> bool:
    return rights.is_org_admin(user) or rights.has_any(user, rights.MANAGE_UNIT)
