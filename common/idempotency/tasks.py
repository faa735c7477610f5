from celery import shared_task


@shared_task(ignore_result=True)
def prune_idempotency_keys_task() -> int:
    """Beat, hourly: forget the keys older than IDEMPOTENCY_KEEP_HOURS."""
    from common.idempotency.middleware import prune

    return prune()
