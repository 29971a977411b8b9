"""Per-process caches of search results and word frequencies, keyed by the index generation.

Operators ask the same questions all day; a repeated query costs one round trip
(the one that reads the generation) instead of four. Every change of what search
returns bumps ``kb_state.generation`` in its own transaction, so an entry can
never outlive the data it was computed from; old generations simply age out of
the LRU. ``KB_SEARCH_CACHE`` (entries per process, default 2048; 0 turns it off)
comes from the environment.

A query never asked before still uses words asked before (their frequencies are
Zipf-distributed): ``WORDS`` keeps each index form's document frequencies for the
generation, so ranking a new query usually needs no frequency lookup (search.Plan).
``KB_WORD_CACHE`` sizes it (default 10,000 forms, about 4 MB; 0 turns it off).
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any


class ResultCache:
    """A thread-safe LRU of bounded size."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._data: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        """The cached value, or None."""
        if self.size <= 0:
            return None
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def put(self, key: Hashable, value: Any) -> None:
        """Remember ``value`` (evicting the least recently used entry when full)."""
        if self.size <= 0:
            return
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._data.clear()


RESULTS = ResultCache(int(os.environ.get("KB_SEARCH_CACHE", "2048")))
WORDS = ResultCache(int(os.environ.get("KB_WORD_CACHE", "10000")))
