"""The cache on a Redis that is down answers from the process's memory, never with an error (finding 7)."""

import socket
from contextlib import closing
from unittest import mock

import pytest

from common.cache import ResilientRedisCache


def unused_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens there once the socket is closed


def redis_cache(location: str) -> ResilientRedisCache:
    return ResilientRedisCache(location, {"OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1}})


def redis_answers(port: int = 6379) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def test_with_redis_down_every_operation_answers_from_memory():
    cache = redis_cache(f"redis://127.0.0.1:{unused_port()}/0")

    assert cache.get("history", "nothing") == "nothing"
    cache.set("history", [1, 2])
    assert cache.get("history") == [1, 2]
    assert cache.add("count", 1) and cache.incr("count") == 2
    assert cache.get_or_set("computed", lambda: 42) == 42
    cache.set_many({"a": 1, "b": 2})
    assert cache.get_many(["a", "b"]) == {"a": 1, "b": 2}
    assert cache.has_key("a") and cache.delete("a") and not cache.has_key("a")
    cache.clear()
    assert cache.get("b") is None


def test_after_a_failure_redis_is_left_alone_for_a_while_then_asked_again():
    cache = redis_cache(f"redis://127.0.0.1:{unused_port()}/0")
    with mock.patch("django.core.cache.backends.redis.RedisCacheClient.get", side_effect=ConnectionError) as get:
        cache.get("key")
        cache.get("key")
        assert get.call_count == 1  # the second read did not wait on a dead Redis
    cache._redis_down_until = 0  # the pause is over
    with mock.patch("django.core.cache.backends.redis.RedisCacheClient.get", return_value="from redis") as get:
        assert cache.get("key") == "from redis"


@pytest.mark.skipif(not redis_answers(), reason="no Redis on 127.0.0.1:6379 (CI starts one)")
def test_with_redis_up_the_values_are_shared_through_redis():
    location = "redis://127.0.0.1:6379/9"
    writer, reader = redis_cache(location), redis_cache(location)
    writer.set("resil-shared", "across processes", timeout=30)

    try:
        assert reader.get("resil-shared") == "across processes"
        writer.delete("resil-shared")
    finally:
        for cache in (writer, reader):  # Django's Redis cache keeps its connections open for the process
            for pool in cache._cache._pools.values():
                pool.disconnect()
