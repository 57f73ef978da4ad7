"""Progress of a long build on a terminal, phase by phase (reading, then rendering and writing),
so that a build of ten thousand posts never sits silent for a quarter of a minute."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

import click

T = TypeVar("T")
Step = Callable[[int], None]  # `n` more units of the phase done
Meter = Callable[[str, int], Step]  # a phase begins: its label and how many units it has
THRESHOLD = 200  # posts: a smaller build finishes before a bar would help


def terminal_meter() -> Meter | None:
    """Bars on stderr when it is a terminal; None otherwise (logs and pipes stay clean)."""
    if not sys.stderr.isatty():
        return None

    def begin(label: str, total: int) -> Step:
        bar: Any = click.progressbar(length=total, label=label, file=sys.stderr)
        done = [0]

        def step(units: int) -> None:
            done[0] += units
            bar.update(units)
            if done[0] >= total:
                bar.render_finish()

        return step

    return begin


def metered(meter: Meter | None, label: str, items: Iterator[T], total: int) -> Iterable[T]:
    """`items` as they come, each one a step of the phase `label` (no bar for a few)."""
    if meter is None or total < THRESHOLD:
        return items
    return _counted(items, meter(label, total))


def _counted(items: Iterator[T], step: Step) -> Iterator[T]:
    for item in items:
        yield item
        step(1)
