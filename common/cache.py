"""Django's Redis cache, which falls back to this process's memory while Redis does not answer.

The cache holds nothing that must survive (throttle counters, memoised reads): a Redis outage must
not turn every request into a 500, as it did when DRF's throttles read the cache before each API
view. While Redis is down each process counts in its own memory (throttles become per process for
that time, which is looser, never stricter) and tries Redis again after a short pause, so a dead
Redis costs one failed connection per pause, not one per request.
"""

import logging
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# ConnectionError covers refused and reset connections, a server still loading its data and an
# authentication refused; TimeoutError a server that does not answer in time (socket_timeout).
REDIS_DOWN = (RedisConnectionError, RedisTimeoutError, OSError)
# How long the process uses its memory before it asks Redis again.
RETRY_AFTER_SECONDS = 5.0
# Every public operation of BaseCache goes through one of these (get_or_set, decr, incr_version... too).
OPERATIONS = ("add", "get", "set", "touch", "delete", "get_many", "has_key", "incr", "set_many", "delete_many", "clear")


class ResilientRedisCache(RedisCache):
    """RedisCache; on a connection error, the same operation on a local-memory cache, for a while."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        shared = {name: params[name] for name in ("TIMEOUT", "KEY_PREFIX", "VERSION", "KEY_FUNCTION") if name in params}
        self._fallback = LocMemCache(f"redis-fallback:{server}", shared)
        self._redis_down_until = 0.0

    def _redis_or_memory(self, operation: str, redis_operation: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if time.monotonic() >= self._redis_down_until:
            try:
                return redis_operation(*args, **kwargs)
            except REDIS_DOWN as error:
                self._redis_down_until = time.monotonic() + RETRY_AFTER_SECONDS
                logger.warning("The Redis cache does not answer (%s); using this process's memory for %.0f s.",
                               type(error).__name__, RETRY_AFTER_SECONDS)  # fmt: skip
        return getattr(self._fallback, operation)(*args, **kwargs)


def _resilient(operation: str) -> Callable[..., Any]:
    redis_method = getattr(RedisCache, operation)

    def method(self: ResilientRedisCache, *args: Any, **kwargs: Any) -> Any:
        return self._redis_or_memory(operation, redis_method.__get__(self), *args, **kwargs)

    method.__name__ = operation
    method.__doc__ = redis_method.__doc__
    return method


for _operation in OPERATIONS:
    setattr(ResilientRedisCache, _operation, _resilient(_operation))
