"""What each figure is made of: the datasets a query reads, declared beside the query."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Source:
    """The datasets behind a figure and, for a computed KPI, the measure it comes from."""

    datasets: tuple[str, ...]
    measure: str | None = None

    def __add__(self, other: Source) -> Source:
        merged = tuple(dict.fromkeys((*self.datasets, *other.datasets)))
        return Source(merged, self.measure or other.measure)


def _checked(datasets: Iterable[str]) -> tuple[str, ...]:
    # Imported here: schemas.registry imports pandera models, which must not load while
    # sapat.queries modules are themselves being imported by schemas (no cycle today, but
    # a declaration must never be the reason for one).
    from schemas.registry import DATASETS

    names = tuple(datasets)
    unknown = [n for n in names if n not in DATASETS]
    if unknown or not names:
        raise ValueError(f"reads(): unknown datasets {unknown or '(none)'}")
    return names


def reads(*datasets: str, measure: str | None = None) -> Callable[[F], F]:
    """Declare the datasets a query function reads (checked against the registry)."""
    source = Source(_checked(datasets), measure)

    def mark(fn: F) -> F:
        fn.source = source  # type: ignore[attr-defined]
        return fn

    return mark


SourceLike = Source | Callable[..., Any] | tuple[Any, ...] | list[Any] | None


def source_of(thing: SourceLike) -> Source | None:
    """The Source of a declaration, a declared query function, or several of them merged."""
    if thing is None:
        return None
    if isinstance(thing, Source):
        return thing
    if isinstance(thing, tuple | list):
        found = [s for s in (source_of(t) for t in thing) if s is not None]
        if not found:
            return None
        merged = found[0]
        for more in found[1:]:
            merged = merged + more
        return merged
    return getattr(thing, "source", None)
