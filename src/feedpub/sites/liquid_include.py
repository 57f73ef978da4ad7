"""Jekyll's `include` and `include_relative`, sandboxed.

`{% include file.html a="x" b=page.title %}` reads `_includes/file.html` (the site's
`includes_dir`), the parameters as `include.a`; the file name may hold `{{ }}`. `include_relative`
reads from the post's own folder. File names follow Jekyll's rule (`[\\w/.\\-()+~#@]`, no `..`
or `//`), are never absolute, and the file found (symlinks followed) must lie inside `_includes/`
(include) or the site root (include_relative); anything else is a warning and no output.
Parsed includes are cached per site with their parse warnings, which are repeated on each use.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import Any, TextIO

from liquid.ast import Node
from liquid.stream import TokenStream
from liquid.tag import Tag
from liquid.template import BoundTemplate
from liquid.token import Token

from feedpub.sites.liquid_env import state
from feedpub.sites.liquid_tags import SiteHooks, hooks_of, render_markup, tag_markup

_PARAM = re.compile(r"([\w-]+)\s*=\s*(?:\"([^\"\\]*(?:\\.[^\"\\]*)*)\"|'([^'\\]*(?:\\.[^'\\]*)*)'|([\w.-]+))")
_PARAMS = re.compile(rf"\A\s*(?:{_PARAM.pattern}(?=\s|\Z)\s*)*\Z")
_VARIABLE = re.compile(r"(?P<variable>[^{]*(\{\{\s*[\w\-.]+\s*(\|.*)?\}\}[^\s{}]*)+)(?P<params>.*)", re.S)
_FILE_CHARS = re.compile(r"^[\w/.\-()+~#@]+$")
_BAD_SEQUENCE = re.compile(r"[./]{2,}")


def split_markup(markup: str) -> tuple[str, str]:
    """Jekyll's split of include markup into the file part and the parameters."""
    found = _VARIABLE.match(markup)
    if found:
        return found["variable"].strip(), found["params"].strip()
    file, _, params = markup.partition(" ")
    return file.strip(), params.strip()


def parse_params(context: Any, params: str) -> dict[str, object]:
    values: dict[str, object] = {}
    for key, double, single, variable in _PARAM.findall(params):
        if variable:
            values[key] = context.get(variable.split("."), token=None, default=None)
        else:
            values[key] = double.replace('\\"', '"') if double else single.replace("\\'", "'")
    return values


def _base(hooks: SiteHooks, kind: str, page_path: str | None) -> tuple[Path, Path] | str:
    """The folder names are resolved from, and the folder the file must be inside."""
    root = hooks.root.resolve()
    if kind == "include":
        folder = (root / hooks.includes_dir).resolve()
        return (folder, folder) if folder.is_relative_to(root) else "includes_dir is outside the site"
    if not page_path:
        return "the post's path is not known"
    return (root / posixpath.dirname(page_path)).resolve(), root


def locate(hooks: SiteHooks, kind: str, name: str, page_path: str | None) -> Path | str:
    """The include file's real path, or why it is refused."""
    if name.startswith("/") or _BAD_SEQUENCE.search(name) or not _FILE_CHARS.match(name):
        return f"invalid file name '{name}'"
    bases = _base(hooks, kind, page_path)
    if isinstance(bases, str):
        return bases
    base, fence = bases
    try:
        real = (base / name).resolve(strict=True)
    except (OSError, RuntimeError):
        return f"no file '{name}'"
    if not real.is_relative_to(fence) or not real.is_file():
        return f"'{name}' is outside {'_includes' if kind == 'include' else 'the site'}"
    return real


def load(env: Any, hooks: SiteHooks, real: Path) -> tuple[BoundTemplate, list[str]] | str:
    """The parsed include (cached), with its parse warnings."""
    cached = hooks.includes.get(real)
    if cached is not None:
        return cached
    if real.stat().st_size > hooks.limits.include_bytes:
        return f"'{real.name}' is larger than {hooks.limits.include_bytes} bytes"
    text = real.read_text(encoding="utf-8", errors="replace")
    render = state()
    before = len(render.warnings)
    template = env.from_string(text, name=real.name, path=str(real))
    found = [w.message for w in render.warnings[before:]]
    del render.warnings[before:]
    hooks.includes[real] = (template, found)
    return template, found


class IncludeNode(Node):
    def __init__(self, token: Token, markup: str, kind: str) -> None:
        super().__init__(token)
        self.kind, self.blank = kind, False
        self.file, self.params = split_markup(markup)
        self.bad_params = bool(self.params) and not _PARAMS.match(self.params)

    def render_to_output(self, context: Any, buffer: TextIO) -> int:
        render = state()
        render.tick(10)
        outermost = not render.include_line
        if outermost:
            render.include_line = render.line_of(self.token)
        try:
            return self._render(context, buffer)
        finally:
            if outermost:
                render.include_line = 0

    def _render(self, context: Any, buffer: TextIO) -> int:
        hooks, render = hooks_of(context.env), state()
        if self.bad_params:
            render.warn(f"{self.kind}: invalid parameters '{self.params}'", self.token)
            return 0
        name = render_markup(context, self.file)
        page = context.get(["page"], token=None, default=None)
        page_path = page.get("path") if isinstance(page, dict) else None
        real = locate(hooks, self.kind, name, page_path if isinstance(page_path, str) else None)
        loaded = load(context.env, hooks, real) if isinstance(real, Path) else real
        if isinstance(loaded, str):
            render.warn(f"{self.kind} {name}: {loaded}", self.token)
            return 0
        template, problems = loaded
        for problem in problems:
            render.warn(f"{self.kind} {name}: {problem}")
        namespace = {"include": parse_params(context, self.params)} if self.params else {}
        with context.extend(namespace, template=template):
            template.render_with_context(context, buffer, partial=True)
        return 1


class IncludeTag(Tag):
    name = "include"
    block = False

    def parse(self, stream: TokenStream) -> Node:
        token, markup = tag_markup(stream)
        return IncludeNode(token, markup, self.name)


class IncludeRelativeTag(IncludeTag):
    name = "include_relative"
