"""A per-process cache bounded by what its entries hold, not by how many there are.

The FIT decoder caches, across files, what it derives from each definition
layout (its parsed shape, decoding plan, dtype, selected fields, column
labels): a device writes the same few layouts in every file. A count of
entries does not bound the memory of such a cache, because an entry's size
follows its layout: a hostile file declares 4,096 layouts of 255 fields, and
16 such files (3.2 MB each) kept 1.3 GB resident through caches of 4,096
and 65,536 entries. So each cache here adds up a weight per entry (the
fields of its layout) and starts afresh when a new entry would pass its
budget: real devices' few dozen layouts never reach it, and a hostile batch
costs at most the budget.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

#: Weight (layout fields, plus one per entry) one cache holds at most: about 4,000 layouts of
#: 32 fields; at the 200 bytes per field of the largest entries (decoding plans), 26 MB.
MAX_WEIGHT = 1 << 17


def weighted_cache(weight: Callable[..., int]) -> Callable[[Callable], Callable]:
    """Cache a function of hashable positional arguments; ``weight(*args)`` is an entry's size.

    The cached function gains ``cache_clear()`` and ``cache_weight()`` (the
    weight held now). When an entry would take the held weight past
    :data:`MAX_WEIGHT`, every entry is dropped first: simpler and cheaper
    than least-recently-used bookkeeping, and only hostile input gets there.
    """

    def decorate(func: Callable) -> Callable:
        entries: dict[tuple, Any] = {}
        held = 0

        @wraps(func)
        def cached(*args):
            nonlocal held
            try:
                return entries[args]
            except KeyError:
                pass
            value = func(*args)
            cost = 1 + weight(*args)
            if held + cost > MAX_WEIGHT:
                entries.clear()
                held = 0
            entries[args] = value
            held += cost
            return value

        def cache_clear() -> None:
            nonlocal held
            entries.clear()
            held = 0

        cached.cache_clear = cache_clear
        cached.cache_weight = lambda: held
        return cached

    return decorate
