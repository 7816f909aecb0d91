"""A small least-recently-used map for what a worker keeps between requests (a round's standing, a
recommendation as shown), safe to share between a worker's threads.

What goes in is keyed by exactly what it was made from, so an entry is never stale: a change to the
inputs makes a new key, and the old entry falls out when the map is full. Each worker keeps its own,
so nothing needs invalidating across processes.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from flask import current_app

V = TypeVar("V")


class LRU(Generic[V]):
    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: Hashable, value: V) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def get_or_make(self, key: Hashable, make: Callable[[], V]) -> V:
        """The value kept under ``key``, else ``make()``'s, kept. Two threads missing at once both make
        it (the same value, from the same inputs); the later one is kept."""
        found = self.get(key)
        if found is None:
            found = make()
            self.put(key, found)
        return found

    def __len__(self) -> int:
        return len(self._items)


def app_cache(name: str, size: int) -> LRU:
    """The app's own LRU called ``name`` (one per app, and so per database: keys from one database
    never meet another's)."""
    return current_app.extensions.setdefault(name, LRU(size))
