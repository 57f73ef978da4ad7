"""Jekyll's own Liquid tags: `highlight`, `link`, `post_url`; and `SiteHooks`, what the tags and
filters need from the site (root, URLs, zone, the caller's resolver and Markdown renderer).

`highlight` gives Jekyll's HTML with Rouge's structure but no colouring spans: the code text is
exact and escaped as Rouge escapes it (`&`, `<`, `>`); `linenos` gives Rouge's table, line numbers
in a gutter cell, as a reader of the site sees it. Newlines inside the figure are written as
`&#10;` so that the figure stays one line: a Markdown renderer ends an HTML block at a blank
line, which code often has (kramdown does not; the text shown is the same).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import tzinfo
from io import StringIO
from pathlib import Path
from typing import Any, Protocol, TextIO

from liquid import Environment
from liquid.ast import BlockNode, Node
from liquid.parser import get_parser
from liquid.stream import TokenStream
from liquid.tag import Tag
from liquid.template import BoundTemplate
from liquid.token import TOKEN_EOF, TOKEN_EXPRESSION, TOKEN_TAG, Token

from feedpub.sites.jekyll_absolute_url import relative_url
from feedpub.sites.liquid_env import LiquidLimits, state


class Resolver(Protocol):
    """The caller's lookups: a post's `url` by file stem (`2024-01-01-slug`, `sub/2024-01-01-slug`)
    and any site file's `url` by path from the root (`_posts/2024-01-01-x.md`); None if unknown."""

    def post_url(self, name: str) -> str | None: ...

    def link(self, path: str) -> str | None: ...


@dataclass
class SiteHooks:
    """What the Jekyll tags and filters read, attached to the environment as `env.hooks`."""

    root: Path
    includes_dir: str
    url: str | None
    baseurl: str | None
    zone: tzinfo
    resolver: Resolver
    markdownify: Callable[[str], str] | None
    limits: LiquidLimits
    includes: dict[Path, tuple[BoundTemplate, list[str]]] = field(default_factory=dict)
    expressions: dict[str, BoundTemplate] = field(default_factory=dict)


def hooks_of(env: Environment) -> SiteHooks:
    found = getattr(env, "hooks", None)
    if not isinstance(found, SiteHooks):
        raise TypeError("not a feedpub Liquid environment")
    return found


def tag_markup(stream: TokenStream) -> tuple[Token, str]:
    """The tag token and its markup text; the stream is left on the tag's last token."""
    token = stream.current
    if stream.peek.kind == TOKEN_EXPRESSION:
        next(stream)
        return token, stream.current.value.strip()
    return token, ""


def render_markup(context: Any, markup: str) -> str:
    """Markup with `{{ }}` in it rendered (Jekyll's `link` and `include` file names)."""
    if "{{" not in markup:
        return markup
    hooks = hooks_of(context.env)
    template = hooks.expressions.get(markup)
    if template is None:
        template = context.env.from_string(markup)
        hooks.expressions[markup] = template
    buffer = StringIO()
    template.render_with_context(context, buffer, partial=True)
    return buffer.getvalue().strip()


_HIGHLIGHT = re.compile(r"^([a-zA-Z0-9.+#_-]+)((\s+\w+(=(\w+|\"([0-9]+\s)*[0-9]+\"))?)*)$")
_EDGE_NEWLINES = re.compile(r"\A[\n\r]+|[\n\r]+\Z")


def rouge_escape(code: str) -> str:
    return code.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def highlight_html(code: str, lang: str | None, linenos: bool) -> str:
    code = _EDGE_NEWLINES.sub("", code)
    body = rouge_escape(code)
    if linenos:
        count = len(code.split("\n"))
        numbers = "".join(f"{n}\n" for n in range(1, count + 1))
        body = (
            '<table class="rouge-table"><tbody><tr><td class="gutter gl"><pre class="lineno">'
            f'{numbers}</pre></td><td class="code"><pre>{body}\n</pre></td></tr></tbody></table>'
        )
    attributes = f' class="language-{lang.replace("+", "-")}" data-lang="{lang}"' if lang else ""
    body = body.rstrip("\n").replace("\n", "&#10;")
    return f'<figure class="highlight"><pre><code{attributes}>{body}</code></pre></figure>'


class HighlightNode(Node):
    def __init__(self, token: Token, markup: str, block: BlockNode) -> None:
        super().__init__(token)
        self.block, self.blank = block, False
        found = _HIGHLIGHT.match(markup)
        self.lang = found[1].lower() if found else None
        self.linenos = bool(found and re.search(r"\blinenos\b", found[2]))
        self.bad_markup = None if found else markup

    def render_to_output(self, context: Any, buffer: TextIO) -> int:
        if self.bad_markup is not None:
            state().warn(f"highlight: bad markup '{self.bad_markup}' (highlight LANG [linenos])", self.token)
        inner = context.get_buffer(buffer)
        self.block.render(context, inner)
        buffer.write(highlight_html(inner.getvalue(), self.lang, self.linenos))
        return 1


class HighlightTag(Tag):
    name = "highlight"
    end = "endhighlight"

    def parse(self, stream: TokenStream) -> Node:
        token, markup = tag_markup(stream)
        next(stream)
        block = get_parser(self.env).parse_block(stream, (self.end, TOKEN_EOF))
        stream.expect(TOKEN_TAG, value=self.end)
        return HighlightNode(token, markup, block)


class UrlNode(Node):
    """`{% link path %}` and `{% post_url name %}`: the resolver's URL with the baseurl."""

    def __init__(self, token: Token, markup: str, kind: str) -> None:
        super().__init__(token)
        self.markup, self.kind, self.blank = markup, kind, False

    def render_to_output(self, context: Any, buffer: TextIO) -> int:
        hooks = hooks_of(context.env)
        state().tick(10)
        target = render_markup(context, self.markup) if self.kind == "link" else self.markup
        lookup = hooks.resolver.link if self.kind == "link" else hooks.resolver.post_url
        url = lookup(target.lstrip("/") if self.kind == "link" else target)
        if url is None:
            state().warn(
                f"{self.kind}: no {'file' if self.kind == 'link' else 'post'} '{target}'", self.token
            )
            return 0
        buffer.write(relative_url(url, hooks.baseurl))
        return 1


class UrlTag(Tag):
    block = False

    def parse(self, stream: TokenStream) -> Node:
        token, markup = tag_markup(stream)
        return UrlNode(token, markup, self.name)


class LinkTag(UrlTag):
    name = "link"


class PostUrlTag(UrlTag):
    name = "post_url"
