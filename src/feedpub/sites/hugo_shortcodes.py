"""Run the shortcodes in a Hugo page's body as Hugo renders them, static and without Go templates.

Public API:

    render_shortcodes(site, body, page, resolve, *, markdown=None) -> RenderedShortcodes
        `body` is the page's content after the front matter, before Markdown; `page` a HugoPage
        or a mapping of its front-matter params (lower-case keys). `resolve(target, relative)`
        answers `ref`/`relref`: the page a path or name (`"posts/a.md"`, `"/about"`, `"a"`)
        points to → its `.Permalink` (relative False) or `.RelPermalink` (True), or None.
        `markdown(text) -> html` is the caller's Markdown renderer, used where Hugo renders
        Markdown inside a shortcode (figure captions, details content, `{{% %}}` nested in
        another shortcode); without it that text is escaped or left in the page's Markdown.
    RenderedShortcodes.text
        The body to hand to the Markdown renderer.
    RenderedShortcodes.restore(html) -> str
        The rendered HTML with each placeholder replaced by its shortcode's HTML.
    RenderedShortcodes.warnings -> tuple[ShortcodeWarning, ...]
        (line, name, message), line 1-based in `body` (add the body's first line in the file);
        str() reads `line 3: shortcode "note": …`.
    page_resolver(site, pages, current=None) -> resolve
        A resolver over hugo_pages(...) finding targets as Hugo's getPageRef does.

What the caller does, in order (Hugo's own pipeline, `hugolib/shortcode.go`):
  1. rendered = render_shortcodes(...); 2. html = markdown(rendered.text);
  3. html = rendered.restore(html), before sanitising or rewriting URLs.
A top-level `{{< >}}` becomes a placeholder (`FEEDPUBSC<n>E`, letters and digits only, so no
Markdown construct touches it; more X after the prefix when the body holds it already) and its HTML is put back after Markdown, unwrapped from a
`<p>` that holds nothing else (Hugo #1148). Placeholders work anywhere, code blocks and link
destinations included: Hugo runs shortcodes there too (`[a]({{< ref "b" >}})`). A top-level
`{{% %}}` is replaced by its output in the Markdown itself. A nested shortcode's output goes into
its parent's inner content as Hugo does. The site's own shortcodes (`layouts/shortcodes/`,
`layouts/_shortcodes/`, a theme's) and unknown names are Go templates feedpub cannot run: their
inner content stays in the page as Markdown, with a warning; except a template that only prints
`.Inner` (the common `rawhtml`: its inner HTML as it is) or `.Inner | markdownify`, which runs. Escaped tags `{{</* x */>}}` print
`{{< x >}}`. Where Hugo would stop the build (a missing id, a closing tag on a shortcode that
takes none, REF_NOT_FOUND, a missing param) the page still renders and a warning says why.
Without `markdown`, `details` is left as HTML blocks around its Markdown in the page's text.
A body without `{{<` or `{{%` is returned as it is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from feedpub.sites.hugo_config import lower_keys
from feedpub.sites.hugo_content import HugoPage
from feedpub.sites.hugo_shortcode_builtins import BUILTINS, TAKES_INNER
from feedpub.sites.hugo_shortcode_parse import Shortcode, parse
from feedpub.sites.hugo_shortcode_refs import page_resolver, param, passthrough, ref, relref, site_templates
from feedpub.sites.hugo_shortcode_values import Call, Env, Markdown, Resolver
from feedpub.sites.hugo_site import HugoSite
from feedpub.sites.hugo_urls import page_url

__all__ = ["RenderedShortcodes", "ShortcodeWarning", "page_resolver", "render_shortcodes"]

PREFIX = "FEEDPUBSC"
HANDLERS = {**BUILTINS, "ref": ref, "relref": relref, "param": param}


@dataclass(frozen=True)
class ShortcodeWarning:
    line: int  # 1-based, in the body given
    name: str
    message: str

    def __str__(self) -> str:
        return f'line {self.line}: shortcode "{self.name}": {self.message}'


@dataclass(frozen=True)
class RenderedShortcodes:
    text: str
    fragments: Mapping[str, str] = field(default_factory=dict)
    warnings: tuple[ShortcodeWarning, ...] = ()
    prefix: str = PREFIX

    def restore(self, html: str) -> str:
        """Each placeholder → its HTML; `<p>PLACEHOLDER</p>` loses the `<p>` (Hugo #1148)."""
        if not self.fragments:
            return html
        token = re.escape(self.prefix) + r"\d+E"
        pattern = re.compile(f"<p>({token})</p>|({token})")

        def swap(match: re.Match[str]) -> str:
            key = match.group(1) or match.group(2)
            return self.fragments.get(key, key)

        return pattern.sub(swap, html)


def render_shortcodes(
    site: HugoSite,
    body: str,
    page: HugoPage | Mapping[str, Any],
    resolve: Resolver,
    *,
    markdown: Markdown | None = None,
) -> RenderedShortcodes:
    """The body with every shortcode run (see the module docstring)."""
    if "{{<" not in body and "{{%" not in body:
        return RenderedShortcodes(body)
    parsed = parse(body)
    env = _env(site, page, resolve, markdown)
    env.problems.extend(parsed.problems)
    taken = [len(m.group(1)) for m in re.finditer(PREFIX + "(X*)", body)]
    prefix = PREFIX + "X" * (max(taken) + 1 if taken else 0)
    renderer = _Renderer(env, site_templates(site), prefix, site.root)
    text = "".join(renderer.top(node) for node in parsed.nodes)
    problems = sorted(env.problems, key=lambda p: p[0])
    return RenderedShortcodes(text, renderer.fragments, tuple(ShortcodeWarning(*p) for p in problems), prefix)


def _env(
    site: HugoSite, page: HugoPage | Mapping[str, Any], resolve: Resolver, markdown: Markdown | None
) -> Env:
    config = site.basics.variables
    site_params = config.get("params")
    bundle: tuple[str, tuple[str, ...]] = ("", ())
    if isinstance(page, HugoPage):
        params: Mapping[str, Any] = page.meta
        if page.bundle == "leaf":
            folder = page.raw_path.strip("/") + "/"
            bundle = (page_url(site, page), tuple(r.removeprefix(folder) for r in page.resources))
    else:
        params = lower_keys(dict(page))
    assets = site.root / "assets"
    return Env(
        site_params=site_params if isinstance(site_params, Mapping) else {},
        page_params=params,
        config=config,
        resolve=resolve,
        markdown=markdown,
        bundle=bundle,
        base_path=site.base_path,
        assets=lambda path: (assets / path).is_file() and assets in (assets / path).resolve().parents,
    )


class _Renderer:
    def __init__(self, env: Env, templates: Mapping[str, str], prefix: str, root: Path) -> None:
        self.env, self.templates, self.prefix, self.root = env, templates, prefix, root
        self.fragments: dict[str, str] = {}

    def top(self, node: str | Shortcode) -> str:
        """A top-level node as Markdown: text as it is, `{{< >}}` output as a placeholder."""
        if isinstance(node, str):
            return node
        output, markdown_out = self.run(node, 0)
        if node.markup or markdown_out or not output:
            return output
        key = f"{self.prefix}{len(self.fragments)}E"
        self.fragments[key] = output
        return key

    def run(self, sc: Shortcode, level: int) -> tuple[str, bool]:
        """(output, whether it is Markdown for the page's renderer rather than HTML)."""
        inner = None if sc.inner is None else "".join(self.nested(n, level) for n in sc.inner)
        if sc.markup and inner and level > 0 and self.env.markdown is not None:
            html = self.env.markdown(inner)
            inner = html if "\n" in inner else re.sub(r"^<p>(.*)</p>\n?$", r"\1", html, flags=re.S)
        call = Call(sc.name, sc.params, inner, sc.indentation, sc.line, sc.markup, self.env)
        handler = HANDLERS.get(sc.name)
        if sc.inline:
            return self.inline(call), False
        if handler is None:
            return self.foreign(call)
        self.check_form(sc, call)
        output = handler(call)
        if sc.name not in TAKES_INNER and inner:
            output += inner
        if sc.inner is None and sc.indentation and "\n" in output:
            output = output.replace("\n", "\n" + sc.indentation)
        return output, sc.name == "details" and self.env.markdown is None

    def nested(self, node: str | Shortcode, level: int) -> str:
        return node if isinstance(node, str) else self.run(node, level + 1)[0]

    def check_form(self, sc: Shortcode, call: Call) -> None:
        if sc.name in self.templates:
            call.warn(f"the site overrides this built-in ({self.templates[sc.name]}); Hugo's own is used")
        if sc.name in TAKES_INNER and sc.inner is None:
            call.warn("must be closed or self-closed (Hugo stops the build)")
        elif sc.name not in TAKES_INNER and sc.inner is not None and not sc.self_closed:
            call.warn("takes no inner content, yet a closing tag was provided (Hugo stops the build)")
        elif sc.name not in TAKES_INNER and sc.self_closed:
            call.warn("does not evaluate .Inner, yet was self-closed (Hugo stops the build)")

    def foreign(self, call: Call) -> tuple[str, bool]:
        """A shortcode of the site's own: run when it only passes its inner content on (as HTML,
        or rendered as Markdown); else feedpub cannot run it, and its inner content stays as
        Markdown, with a warning."""
        where = self.templates.get(call.name)
        kind = passthrough(self.root, where) if where else None
        if kind == "html":
            return call.inner or "", False
        if kind == "markdown" and self.env.markdown is not None:
            return self.env.markdown(call.inner or ""), False
        if kind is None:
            what = f"is the site's own ({where}), a Go template feedpub cannot run" if where else "is unknown"
            call.warn(f"{what}: {'its inner content is kept' if call.inner else 'left out'}")
        return call.inner or "", True

    def inline(self, call: Call) -> str:
        """Inline shortcodes are Go templates: off by default in Hugo (nothing printed), and
        feedpub cannot run them when a site turns them on."""
        security = self.env.config.get("security")
        if isinstance(security, Mapping) and security.get("enableinlineshortcodes") is True:
            call.warn("is an inline shortcode (a Go template feedpub cannot run): left out")
        return ""
