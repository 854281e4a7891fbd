"""The shared cache: Django's Redis cache, except that a Redis outage reads as an empty cache.

Django's RedisCache raises when Redis cannot be reached, and every signed-in page reads the
session through the cache (`cached_db`), so a stopped Redis turned every page into a server
error. Here a cache that cannot be reached answers as a cache that holds nothing: sessions
come from the database (where `cached_db` keeps them too), and a write is dropped. Sign-in
rate limits are counted in the cache, so while Redis is down they count nothing; the outage
is logged (once a minute at most) so that it is seen and ended.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

T = TypeVar("T")
UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
_last_warned = 0.0


def _unreachable(error: Exception) -> None:
    global _last_warned
    if time.monotonic() - _last_warned > 60:
        _last_warned = time.monotonic()
        logger.warning("The cache (Redis) cannot be reached; pages go on without it: %s", error)


def _or(answer: T, call: Callable[[], T]) -> T:
    try:
        return call()
    except UNREACHABLE as error:
        _unreachable(error)
        return answer


class ResilientClient(RedisCacheClient):
    """Each operation as Django's, with the answer an empty cache gives when Redis is down."""

    def add(self, key: Any, value: Any, timeout: Any) -> bool:
        return _or(False, lambda: bool(super(ResilientClient, self).add(key, value, timeout)))

    def get(self, key: Any, default: Any) -> Any:
        return _or(default, lambda: super(ResilientClient, self).get(key, default))

    def set(self, key: Any, value: Any, timeout: Any) -> None:
        _or(None, lambda: super(ResilientClient, self).set(key, value, timeout))

    def touch(self, key: Any, timeout: Any) -> bool:
        return _or(False, lambda: bool(super(ResilientClient, self).touch(key, timeout)))

    def delete(self, key: Any) -> bool:
        return _or(False, lambda: bool(super(ResilientClient, self).delete(key)))

    def get_many(self, keys: Any) -> dict[Any, Any]:
        return _or({}, lambda: dict(super(ResilientClient, self).get_many(keys)))

    def has_key(self, key: Any) -> bool:
        return _or(False, lambda: bool(super(ResilientClient, self).has_key(key)))

    def incr(self, key: Any, delta: Any) -> Any:
        try:
            return super().incr(key, delta)
        except UNREACHABLE as error:
            _unreachable(error)
            raise ValueError(f"Key '{key}' not found.") from error

    def set_many(self, data: Any, timeout: Any) -> None:
        _or(None, lambda: super(ResilientClient, self).set_many(data, timeout))

    def delete_many(self, keys: Any) -> None:
        _or(None, lambda: super(ResilientClient, self).delete_many(keys))

    def clear(self) -> bool:
        return _or(False, lambda: bool(super(ResilientClient, self).clear()))


class ResilientRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ResilientClient
