"""The shared cache backend for REDIS_URL: Django's cache API over one Redis client a process.

Django's own RedisCache makes a new redis.Redis client for every cache operation (its
RedisCacheClient.get_client), and building one (its table of response callbacks) cost more than
the database read it was to spare: with it, every signed-in request got dearer, not cheaper
(README, "Benchmark"). This backend (a custom cache backend, as Django's docs
describe them: a BaseCache subclass named in CACHES) keeps one thread-safe client per process,
with its connection pool, and stores values as Django's does: integers as themselves (so incr
works), everything else pickled.
"""

import pickle
from collections.abc import Iterable
from typing import Any

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache


class RedisCache(BaseCache):
    def __init__(self, server: str | list[str], params: dict[str, Any]):
        super().__init__(params)
        url = server if isinstance(server, str) else server[0]
        # Timeouts, so a Redis that stops answering costs a request half a second, not a worker
        # hung for ever (the callers fall back to the database).
        options = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
        self.client = redis.Redis.from_url(url, **(options | params.get("OPTIONS", {})))

    # Values

    @staticmethod
    def dumps(value: Any) -> bytes | int:
        if type(value) is int:
            return value
        return pickle.dumps(value, pickle.HIGHEST_PROTOCOL)

    @staticmethod
    def loads(data: bytes) -> Any:
        try:
            return int(data)
        except ValueError:
            return pickle.loads(data)

    def expiry(self, timeout: float | None = DEFAULT_TIMEOUT) -> int | None:
        """Milliseconds to live; None for ever (Django's timeout=None), 0 for not at all."""
        if timeout is DEFAULT_TIMEOUT:
            timeout = self.default_timeout
        return None if timeout is None else max(int(timeout * 1000), 0)

    # Django's cache API

    def add(
        self,
        key: str,
        value: Any,
        timeout: float | None = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> bool:
        key = self.make_and_validate_key(key, version=version)
        milliseconds = self.expiry(timeout)
        if milliseconds == 0:
            return False
        return bool(self.client.set(key, self.dumps(value), px=milliseconds, nx=True))

    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        data = self.client.get(self.make_and_validate_key(key, version=version))
        return default if data is None else self.loads(data)

    def set(
        self,
        key: str,
        value: Any,
        timeout: float | None = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> None:
        key = self.make_and_validate_key(key, version=version)
        milliseconds = self.expiry(timeout)
        if milliseconds == 0:
            self.client.delete(key)
        else:
            self.client.set(key, self.dumps(value), px=milliseconds)

    def touch(
        self, key: str, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        key = self.make_and_validate_key(key, version=version)
        milliseconds = self.expiry(timeout)
        if milliseconds is None:
            return bool(self.client.persist(key))
        return bool(self.client.pexpire(key, milliseconds))

    def delete(self, key: str, version: int | None = None) -> bool:
        return bool(self.client.delete(self.make_and_validate_key(key, version=version)))

    def has_key(self, key: str, version: int | None = None) -> bool:
        return bool(self.client.exists(self.make_and_validate_key(key, version=version)))

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        key = self.make_and_validate_key(key, version=version)
        if not self.client.exists(key):
            raise ValueError(f"Key '{key}' not found.")
        return int(self.client.incr(key, delta))

    def get_many(self, keys: Iterable[str], version: int | None = None) -> dict[str, Any]:
        wanted = {self.make_and_validate_key(key, version=version): key for key in keys}
        if not wanted:
            return {}
        values = self.client.mget(list(wanted))
        return {
            wanted[made]: self.loads(data)
            for made, data in zip(wanted, values, strict=True)
            if data is not None
        }

    def set_many(
        self,
        data: dict[str, Any],
        timeout: float | None = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> list[str]:
        for key, value in data.items():
            self.set(key, value, timeout, version=version)
        return []

    def delete_many(self, keys: Iterable[str], version: int | None = None) -> None:
        made = [self.make_and_validate_key(key, version=version) for key in keys]
        if made:
            self.client.delete(*made)

    def clear(self) -> None:
        """Everything under this site's key prefix (never the rest of a shared database)."""
        pattern = self.make_key("*")
        for key in self.client.scan_iter(match=pattern, count=1000):
            self.client.delete(key)

    def close(self, **kwargs: Any) -> None:
        # The client and its pool live for the process: connections are reused across requests.
        pass
