"""Render the Liquid in a Jekyll post's body as Jekyll 4.3 does, with python-liquid, sandboxed.
Pure: nothing is written; the only files read are the site's includes.

Public API:

    LiquidSite(site, *, time, resolver, markdownify=None, limits=LiquidLimits(),
               site_extra=None, environment="production")
        the Liquid environment for one site, built once and shared by all its posts (thread-safe:
        per-render state lives in a ContextVar). `site` is the JekyllSite; `site.*` is its merged
        config plus url, baseurl, `time` (fixed by the caller, for reproducible output) and
        `site_extra` (e.g. `data`, `posts`, if the caller has them); `jekyll.environment` is
        `environment`. `resolver` answers `post_url(stem)` and `link(path)` with a page's `url`
        (no baseurl; None when unknown); `markdownify(text) -> html` serves the filter.
    render_liquid(liquid, body, page, *, front_matter=True) -> LiquidResult
        the body (before Markdown) with its Liquid rendered. `page` is the post's data as
        `page.*` shows it (front matter with defaults, url, date, title, categories, tags, id,
        slug, and `path` from the site root, which include_relative needs). The body is returned
        untouched when `render_with_liquid: false`, when `front_matter` is False (a file Jekyll
        copies as is; posts under `_posts/` are rendered even without front matter, checked with
        Jekyll 4.3.1), or when it holds no `{{` and no `{%` (Jekyll's own test).
    LiquidResult(text, warnings, failed)
        warnings: LiquidWarning(message, line), the 1-based line in the body, the message naming
        the tag, filter or include. failed: a limit stopped the render; `text` is then the body
        with every Liquid tag and output removed (raw blocks kept as text).
    LiquidLimits(...)  bounds: loop iterations, output bytes, include/context depth, local
        variables' size, operations, seconds, body and include size.

Where Jekyll fails the build (syntax error, unknown tag or filter, missing include or post), the
post is kept: the broken tag is left out (an unclosed block: its opening tag; a plugin's tag such
as `seo`: the tag, with its body when it is a block), an unknown filter passes its value through,
and each is a warning with its line. Undefined variables render empty (no strict_variables).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from liquid import Environment

from feedpub.sites.jekyll_config import JekyllSite
from feedpub.sites.liquid_arrays import ARRAY_FILTERS
from feedpub.sites.liquid_env import (
    STATE,
    LiquidLimits,
    LiquidWarning,
    RenderState,
    make_environment,
)
from feedpub.sites.liquid_filters import FILTERS, ruby_time
from feedpub.sites.liquid_include import IncludeRelativeTag, IncludeTag
from feedpub.sites.liquid_repair import repair
from feedpub.sites.liquid_tags import HighlightTag, LinkTag, PostUrlTag, Resolver, SiteHooks

__all__ = ["LiquidLimits", "LiquidResult", "LiquidSite", "LiquidWarning", "Resolver", "render_liquid"]


@dataclass(frozen=True)
class LiquidResult:
    text: str
    warnings: tuple[LiquidWarning, ...] = ()
    failed: bool = False


def liquid_value(value: object, depth: int = 0) -> object:
    """YAML data as Liquid shows it in Jekyll: times print as Ruby's Time#to_s; nesting cut at 60."""
    if isinstance(value, datetime):
        return ruby_time(value)
    if depth > 60:
        return None
    if isinstance(value, Mapping):
        return {str(k): liquid_value(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [liquid_value(v, depth + 1) for v in value]
    return value


class LiquidSite:
    """One site's Liquid environment: tags, filters, `site` and `jekyll` variables, include cache."""

    def __init__(
        self,
        site: JekyllSite,
        *,
        time: datetime,
        resolver: Resolver,
        markdownify: Callable[[str], str] | None = None,
        limits: LiquidLimits | None = None,
        site_extra: Mapping[str, Any] | None = None,
        environment: str = "production",
    ) -> None:
        self.limits = limits or LiquidLimits()
        variables = {**site.config, "url": site.url or "", "baseurl": site.baseurl or "", "time": time}
        variables.update(site_extra or {})
        jekyll = {"version": "4.3.1", "environment": environment}
        self.env: Environment = make_environment(
            self.limits, {"site": liquid_value(variables), "jekyll": jekyll}
        )
        for tag in (HighlightTag, LinkTag, PostUrlTag, IncludeTag, IncludeRelativeTag):
            self.env.add_tag(tag)
        for name, function in {**FILTERS, **ARRAY_FILTERS}.items():
            self.env.add_filter(name, function)
        includes_dir = site.config.get("includes_dir", "_includes")
        hooks = SiteHooks(
            root=site.root,
            includes_dir=includes_dir if isinstance(includes_dir, str) else "_includes",
            url=site.url,
            baseurl=site.baseurl,
            zone=site.zone,
            resolver=resolver,
            markdownify=markdownify,
            limits=self.limits,
        )
        setattr(self.env, "hooks", hooks)  # noqa: B010 (Environment declares no such attribute)


_COMMENT = re.compile(r"{%-?\s*comment\s*-?%}.*?{%-?\s*endcomment\s*-?%}", re.S)
_RAW = re.compile(r"{%-?\s*raw\s*-?%}(.*?){%-?\s*endraw\s*-?%}", re.S)
_MARKUP = re.compile(r"{%.*?%}|{{.*?}}|{%|{{", re.S)


def strip_liquid(body: str) -> str:
    """The body with every Liquid tag, output and comment removed; raw blocks' text kept."""
    parts = _RAW.split(_COMMENT.sub("", body))
    # split keeps the captured raw text at odd positions
    return "".join(
        part if odd else _MARKUP.sub("", part) for odd, part in ((i % 2, p) for i, p in enumerate(parts))
    )


def _failed(body: str, warnings: list[LiquidWarning]) -> LiquidResult:
    return LiquidResult(strip_liquid(body), tuple(warnings), failed=True)


def render_liquid(
    liquid: LiquidSite, body: str, page: Mapping[str, Any], *, front_matter: bool = True
) -> LiquidResult:
    """The body with its Liquid rendered, and what went wrong (see the module's docstring)."""
    if not front_matter or page.get("render_with_liquid") is False:
        return LiquidResult(body)
    if "{{" not in body and "{%" not in body:
        return LiquidResult(body)
    if len(body) > liquid.limits.source_chars:
        too_big = f"the body is longer than {liquid.limits.source_chars} characters: Liquid not run"
        return _failed(body, [LiquidWarning(too_big, 1)])
    state = RenderState(source=body, original=body, limits=liquid.limits, seed=str(page.get("id", "")))
    reset = STATE.set(state)
    try:
        return _render(liquid, body, page, state)
    except Exception as error:  # a limit (FATAL) or a bug in a filter: the post stays, without Liquid
        message = str(getattr(error, "message", None) or error).splitlines()[0] if str(error) else ""
        state.warn(f"Liquid stopped: {message or type(error).__name__}", line=state.include_line or 1)
        return _failed(body, sorted(state.warnings, key=lambda w: w.line))
    finally:
        STATE.reset(reset)


def _render(liquid: LiquidSite, body: str, page: Mapping[str, Any], state: RenderState) -> LiquidResult:
    repaired = repair(liquid.env, body)
    if repaired is None:
        state.warn("Liquid markup that cannot be read (too many unclosed '{{' or '{%')", line=1)
        return _failed(body, state.warnings)
    for message, line in repaired.problems:
        state.warn(message, line=line)
    state.source, state.original, state.to_original = repaired.source, repaired.lexed, repaired.to_original
    template = liquid.env.from_string(repaired.source)
    page_value = liquid_value(
        {**page, "date": page.get("date")} if isinstance(page.get("date"), date) else page
    )
    text = template.render(page=page_value)
    return LiquidResult(text, tuple(sorted(state.warnings, key=lambda w: w.line)))
