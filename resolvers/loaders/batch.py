"""What every per-request DataLoader shares: batch size and matching rows back to keys."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Iterable, Sequence
from typing import TypeVar

from strawberry.dataloader import DataLoader

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

# Batches stay well below the bound-parameter limits of both databases (~32 000).
MAX_BATCH = 1000


def batched(load: Callable[[list[K]], Awaitable[list[V]]]) -> DataLoader[K, V]:
    """A DataLoader over `load`, in batches of at most MAX_BATCH keys."""
    return DataLoader(load_fn=load, max_batch_size=MAX_BATCH)


def by_key(keys: Sequence[K], rows: Iterable[tuple[K, V]]) -> list[V | None]:
    """One value per key, None where no row had that key."""
    found = dict(rows)
    return [found.get(key) for key in keys]


def grouped(keys: Sequence[K], rows: Iterable[tuple[K, V]]) -> list[list[V]]:
    """Every row's value under its key, in row order; an empty list for a key with none."""
    groups: dict[K, list[V]] = defaultdict(list)
    for key, value in rows:
        groups[key].append(value)
    return [groups.get(key, []) for key in keys]
