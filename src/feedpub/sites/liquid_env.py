"""The python-liquid environment `sites.liquid` renders Jekyll posts with: lax parsing whose errors
become warnings with the body line, render-time resource limits that abort the render, and unknown
filters passed through with a warning.

One `JekyllEnvironment` is built per site (`sites.liquid.LiquidSite`); what belongs to one render
(the body, its warnings, the clock) lives in a `RenderState` held in a ContextVar, so renders in
different threads do not mix.
"""

from __future__ import annotations

import time
from bisect import bisect_right
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import ClassVar

from liquid import Environment, Mode
from liquid.context import RenderContext
from liquid.exceptions import (
    ContextDepthError,
    LiquidError,
    LocalNamespaceLimitError,
    LoopIterationLimitError,
    OutputStreamLimitError,
)
from liquid.template import BoundTemplate
from liquid.token import Token
from liquid.undefined import UNDEFINED


@dataclass(frozen=True)
class LiquidLimits:
    """Bounds on one post's render. `operations` counts variable lookups, filters, loops and
    includes; `seconds` is wall-clock time; `source_chars` the largest body given to Liquid."""

    loop_iterations: int = 100_000
    output_bytes: int = 4_000_000
    context_depth: int = 30
    local_namespace_bytes: int = 4_000_000
    operations: int = 1_000_000
    seconds: float = 5.0
    source_chars: int = 1_000_000
    include_bytes: int = 1_000_000


@dataclass(frozen=True)
class LiquidWarning:
    """A problem in a post's Liquid: what (naming the tag, filter or include) and the body line."""

    message: str
    line: int

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class BudgetError(LiquidError):
    """The render used more operations or time than `LiquidLimits` allows."""


# render-time errors that stop the whole render (the post's Liquid is then stripped, not run)
FATAL: tuple[type[LiquidError], ...] = (
    BudgetError,
    ContextDepthError,
    LocalNamespaceLimitError,
    LoopIterationLimitError,
    OutputStreamLimitError,
)


@dataclass
class RenderState:
    """One render: the body (whose tokens give lines), warnings so far, the operation budget."""

    source: str
    limits: LiquidLimits
    original: str = ""  # the body as the caller gave it (source is it after repairs)
    to_original: Callable[[int], int] = lambda index: index
    warnings: list[LiquidWarning] = field(default_factory=list)
    deadline: float = 0.0
    operations: int = 0
    include_line: int = 0  # the body line of the outermost include being rendered
    seed: str = ""
    newlines: list[int] | None = None  # positions in `original`, for lines
    newlines_of: str | None = None  # the post's id: `sample` picks the same items every build

    def __post_init__(self) -> None:
        self.deadline = time.monotonic() + self.limits.seconds

    def line_of(self, token: Token | None) -> int:
        if token is not None and token.source is self.source and token.start_index >= 0:
            if self.newlines is None or self.newlines_of is not self.original:
                text = self.original or self.source
                self.newlines = [i for i, char in enumerate(text) if char == "\n"]
                self.newlines_of = self.original
            return bisect_right(self.newlines, self.to_original(token.start_index) - 1) + 1
        return self.include_line or 1

    def warn(self, message: str, token: Token | None = None, line: int | None = None) -> None:
        if len(self.warnings) >= MAX_WARNINGS:
            return
        if token is not None and token.source is not self.source and self.include_line:
            message = f"{message} (in an include)"
        found = LiquidWarning(message, line if line is not None else self.line_of(token))
        if found not in self.warnings:
            self.warnings.append(found)

    def tick(self, cost: int = 1) -> None:
        self.operations += cost
        if self.operations > self.limits.operations:
            raise BudgetError("operation budget exhausted", token=None)
        if self.operations % 256 == 0 and time.monotonic() > self.deadline:
            raise BudgetError("time budget exhausted", token=None)


MAX_WARNINGS = 100
STATE: ContextVar[RenderState | None] = ContextVar("feedpub_liquid_state", default=None)


def state() -> RenderState:
    found = STATE.get()
    if found is None:  # a template rendered outside render_liquid: a throwaway state
        found = RenderState(source="", limits=LiquidLimits())
        STATE.set(found)
    return found


def _first_line(error: LiquidError) -> str:
    return str(error.message if error.message is not None else type(error).__name__).splitlines()[0]


class JekyllContext(RenderContext):
    """Counts operations; an unknown filter is a warning and passes its value through."""

    def get(self, path: list[object], *, token: Token | None, default: object = UNDEFINED) -> object:
        state().tick()
        return super().get(path, token=token, default=default)

    def filter(self, name: str, token: Token | None) -> Callable[..., object]:
        state().tick()
        if name not in self.env.filters:
            state().warn(f"unknown filter '{name}'", token)
            return _pass_through
        return super().filter(name, token)

    def raise_for_loop_limit(self, length: int = 1) -> None:
        super().raise_for_loop_limit(length)
        state().tick(1 + length // 64)

    def error(self, exc: LiquidError) -> None:
        report(exc)


def _pass_through(left: object, *_args: object, **_kwargs: object) -> object:
    return left


def report(exc: LiquidError) -> None:
    """A resource limit stops the render; anything else is a warning at its line."""
    if isinstance(exc, FATAL):
        raise exc
    state().warn(_first_line(exc), exc.token)


class JekyllTemplate(BoundTemplate):
    context_class = JekyllContext


def environment_class(limits: LiquidLimits) -> type[Environment]:
    """An Environment subclass with `limits` as python-liquid's own class-level limits."""

    class JekyllEnvironment(Environment):
        loop_iteration_limit: ClassVar[int | None] = limits.loop_iterations
        output_stream_limit: ClassVar[int | None] = limits.output_bytes
        context_depth_limit: ClassVar[int] = limits.context_depth
        local_namespace_limit: ClassVar[int | None] = limits.local_namespace_bytes
        template_class = JekyllTemplate

        def error(
            self,
            exc: type[LiquidError] | LiquidError,
            msg: str | None = None,
            token: Token | None = None,
        ) -> None:
            if not isinstance(exc, LiquidError):
                exc = exc(msg, token=token)
            elif not exc.token:
                exc.token = token
            report(exc)

    return JekyllEnvironment


def make_environment(limits: LiquidLimits, globals_: Mapping[str, object]) -> Environment:
    """Lax parsing (a broken tag is left out), unknown filters handled by JekyllContext."""
    return environment_class(limits)(tolerance=Mode.LAX, strict_filters=True, globals=dict(globals_))
