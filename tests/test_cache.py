"""The shared cache with Redis down: pages go on without it (coproduce/cache.py)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError

from coproduce.cache import ResilientRedisCache
from tests.processes import free_port


def test_a_cache_that_cannot_reach_redis_answers_as_an_empty_cache():
    """Every cache operation with Redis down answers as a miss, at once, and never raises
    (Django's own RedisCache raises, which turned every signed-in page into an error)."""
    location = f"redis://127.0.0.1:{free_port()}/0"
    params: dict[str, Any] = {"OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}
    cache = ResilientRedisCache(location, params)
    started = time.monotonic()
    assert cache.get("session", "missing") == "missing"
    cache.set("session", "data")
    assert cache.add("k", 1) is False
    assert cache.get_many(["a", "b"]) == {}
    assert cache.delete("k") is False
    assert cache.has_key("k") is False
    cache.set_many({"a": 1})
    cache.delete_many(["a"])
    with pytest.raises(ValueError):
        cache.incr("k")
    assert time.monotonic() - started < 5
    with pytest.raises(RedisConnectionError):
        RedisCache(location, params).get("session")
