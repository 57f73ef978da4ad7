"""Build a shortcode fixture site with the real `hugo`, read back each page's `.Content`, and put
Hugo's HTML and feedpub's side by side in one comparable shape.

The site is copied to a temp dir; a home-page layout prints every regular page's `.Content` as
JSON (output format `scjson`, like hugo_real's refjson). feedpub's side runs
render_shortcodes → markdown_to_html → restore on the same bodies. Both are reduced by `view`:
visible text (whitespace collapsed, Goldmark's typographer quotes folded), `a@href`, `img@src`,
and the embedded media each names (a YouTube/Vimeo id, an Instagram or X post), whatever the
markup (Hugo's iframe and blockquote, feedpub's links).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import lxml.html

from feedpub.read import front_matter
from feedpub.read.markdown import markdown_to_html
from feedpub.sites.hugo import hugo_pages, read_hugo_site
from feedpub.sites.hugo_shortcodes import RenderedShortcodes, page_resolver, render_shortcodes

from .hugo_real import FIXTURES, GOLDEN, content_files, hugo_binary

SCJSON_LAYOUT = """\
{{- $out := dict -}}
{{- range site.RegularPages -}}
{{- $out = merge $out (dict .File.Path (string .Content)) -}}
{{- end -}}
{{- $out | jsonify (dict "indent" " ") -}}
"""
SCJSON_CONFIG = """\
[outputFormats.scjson]
  mediaType = "application/json"
  baseName = "scjson"
  isPlainText = true
  notAlternative = true
[outputs]
  home = ["scjson"]
  page = ["html"]
"""
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "--", "…": "..."})
_MEDIA = [
    ("youtube", re.compile(r"youtube(?:-nocookie)?\.com/(?:embed/|watch\?v=)([\w-]+)")),
    ("vimeo", re.compile(r"vimeo\.com/(?:video/)?(\d+)")),
    ("instagram", re.compile(r"instagram\.com/p/([\w-]+)")),
    ("x", re.compile(r"(?:x|twitter)\.com/\w+/status/(\d+)")),
]


def shortcode_sites() -> list[str]:
    return sorted(p.name for p in FIXTURES.glob("shortcodes-*"))


def golden_path(name: str) -> Path:
    return GOLDEN / f"{name}.json"


def hugo_contents(site: Path, work: Path) -> dict[str, str]:
    """Each regular page's `.Content` as the real Hugo renders it, by content file path."""
    binary = hugo_binary()
    copy = work / "site"
    shutil.copytree(site, copy)
    (copy / "layouts").mkdir(exist_ok=True)
    (copy / "layouts" / "home.scjson.json").write_text(SCJSON_LAYOUT, encoding="utf-8")
    extra = work / "scjson.toml"
    extra.write_text(SCJSON_CONFIG, encoding="utf-8")
    out = work / "public"
    result = subprocess.run(
        [binary, "-s", str(copy), "-d", str(out), "--config", f"{copy / 'hugo.toml'},{extra}", "--quiet"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "HUGO_CACHEDIR": str(work / "cache")},
        check=False,
    )
    assert result.returncode == 0, f"hugo failed:\n{result.stdout}\n{result.stderr}"
    contents: dict[str, str] = json.loads((out / "scjson.json").read_text(encoding="utf-8"))
    return contents


def our_rendering(site_dir: Path) -> dict[str, tuple[str, RenderedShortcodes]]:
    """feedpub's HTML for each listed page (shortcodes, Markdown, restore), with the warnings."""
    site = read_hugo_site(site_dir)
    pages = hugo_pages(site, content_files(site.content_dir))
    out = {}
    for page in pages:
        if not page.listed:
            continue
        raw = (site.content_dir / page.file).read_text(encoding="utf-8")
        body = front_matter.split(raw).body
        rendered = render_shortcodes(
            site, body, page, page_resolver(site, pages, page), markdown=markdown_to_html
        )
        out[page.file] = (rendered.restore(markdown_to_html(rendered.text)), rendered)
    return out


def view(html: str) -> dict[str, Any]:
    """What a reader gets from the HTML: its text, links, images and the media it points to."""
    if not html.strip():
        return {"text": "", "links": [], "images": [], "media": []}
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    for script in root.xpath("//script|//style"):
        script.drop_tree()
    urls = root.xpath("//a/@href|//iframe/@src|//blockquote/@data-instgrm-permalink")
    media = sorted({f"{name}:{m.group(1)}" for url in urls for name, rx in _MEDIA if (m := rx.search(url))})
    return {
        "text": " ".join(root.text_content().translate(_QUOTES).split()),
        "links": [str(h) for h in root.xpath("//a/@href")],
        "images": [str(s) for s in root.xpath("//img/@src")],
        "media": media,
    }


def hugo_view(contents: dict[str, str]) -> dict[str, dict[str, Any]]:
    return {file: view(html) for file, html in sorted(contents.items())}


def our_view(site_dir: Path) -> dict[str, dict[str, Any]]:
    return {file: view(html) for file, (html, _) in sorted(our_rendering(site_dir).items())}
