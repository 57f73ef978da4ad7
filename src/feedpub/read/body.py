"""A post's body → safe HTML, and the part before its excerpt marker ("Content" in
docs/architecture.md).

Order matters: Markdown first (raw HTML allowed), then the sanitiser (`sanitize`), which drops
hidden elements and everything unsafe and makes every kept URL absolute against the post's URL.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from feedpub.read.markdown import markdown_to_html
from feedpub.read.sanitize import sanitize

_MORE = re.compile(r"<!--\s*more\s*-->", re.IGNORECASE)


def render_body(
    body: str,
    is_markdown: bool,
    base_url: str,
    max_depth: int = 100,
    restore: Callable[[str], str] | None = None,
) -> str:
    """The post body as safe HTML (`restore` as in `render_parts`)."""
    source = markdown_to_html(body) if is_markdown else body
    return sanitize(restore(source) if restore is not None else source, base_url, max_depth)


def render_parts(
    body: str,
    is_markdown: bool,
    base_url: str,
    max_depth: int = 100,
    separator: str | None = None,
    restore: Callable[[str], str] | None = None,
) -> tuple[str, str | None]:
    """(safe HTML of the body, safe HTML of the part before the excerpt marker, or None).

    The marker (`<!--more-->`, or Jekyll's `excerpt_separator`) is looked for in the rendered
    HTML, so one inside a code block does not count, and footnotes and reference links defined
    after it still resolve in the part before it. `restore` runs on the HTML right after
    Markdown, before anything else (it puts back what template tags made: `read.templates`).
    """
    source = markdown_to_html(body) if is_markdown else body
    if restore is not None:
        source = restore(source)
    if separator is not None:
        index = source.find(separator)
        before = source[:index] if index >= 0 else None
    else:
        match = _MORE.search(source)
        before = source[: match.start()] if match else None
    return sanitize(source, base_url, max_depth), (
        sanitize(before, base_url, max_depth) if before else before
    )
