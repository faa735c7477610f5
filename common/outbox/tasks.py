"""Beat's side of the outbox: relay what is due, forget what is long done."""

from celery import shared_task


@shared_task(ignore_result=True)
def relay_outbox_task() -> int:
    """Beat, every few seconds: publish the work the broker has not taken yet, or lost."""
    from common.outbox.services import relay

    return relay()


@shared_task(ignore_result=True)
def prune_outbox_task() -> int:
    """Beat, daily: delete the rows done long ago."""
    from common.outbox.services import prune

    return prune()
