"""No template code reaches a reader: every feed and page built from the fixture sites is scanned
for Liquid and shortcode syntax outside `<code>`/`<pre>` (in content and summaries alike).

The one exception is the page that asks for it: Hugo prints an escaped `{{</* x */>}}` as the
literal `{{< x >}}` (documentation of shortcodes), and so does feedpub.
"""

from __future__ import annotations

import json
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import lxml.html
import pytest
from lxml import etree

from feedpub.publish.cold_build import build_and_publish
from feedpub.sites.load import load_site_settings

from .hugo_real import FIXTURES

NOW = datetime(2026, 12, 1, tzinfo=UTC)
TEMPLATE = re.compile(r"\{%|\{\{|\{:")
# pages whose text shows template code on purpose: escaped shortcodes, `render_with_liquid: false`
ASKED_FOR = ("/escaped/", "/escapes/", "/no-liquid.html")
RAW = ("{{ not rendered }}", "{% if %}")  # what a Liquid `{% raw %}` block shows on purpose


def build(tmp_path: Path, fixture: str):
    shutil.copytree(FIXTURES / fixture, tmp_path / "site")
    (tmp_path / "config.yaml").write_text(
        "site: {source: site}\npaths: {feeds: feeds, cache: cache}\nfeeds: {limit: 100}\n", encoding="utf-8"
    )
    settings = load_site_settings(tmp_path / "config.yaml", {})
    result, _report = build_and_publish(settings, NOW)
    return settings, result


def visible_text(html: str) -> str:
    """The text of an HTML fragment without its code: what a reader sees as prose."""
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    for code in root.xpath(".//code|.//pre"):
        code.drop_tree()
    text = root.text_content()
    for shown in RAW:
        text = text.replace(shown, "")
    return text


def texts_of_feed(path: Path) -> list[tuple[str, str]]:
    """(entry link, text) for every entry's content and summary in an Atom feed."""
    found = []
    ns = {"a": "http://www.w3.org/2005/Atom"}
    for entry in etree.parse(str(path)).getroot().iterfind("a:entry", ns):
        link = entry.find("a:link[@rel='alternate']", ns).get("href")
        for tag in ("a:content", "a:summary"):
            node = entry.find(tag, ns)
            if node is not None and node.text:
                text = visible_text(node.text) if node.get("type") == "html" else node.text
                found.append((link, visible_text(f"<p>{text}</p>") if node.get("type") != "html" else text))
    return found


@pytest.mark.parametrize(
    "fixture",
    [
        "shortcodes-blog",
        "shortcodes-nested",
        "hugo-blog",
        "liquid-blog",
        "jekyll-en",
        "jekyll-zh",
        "jekyll-collections",
    ],
)
def test_no_template_syntax_in_any_feed_or_page(tmp_path, fixture):
    settings, result = build(tmp_path, fixture)
    assert result.posts and not result.problems
    leaks = []
    for feed in sorted(settings.feeds_dir.rglob("atom.xml")):
        for link, text in texts_of_feed(feed):
            if TEMPLATE.search(text) and not any(name in link for name in ASKED_FOR):
                leaks.append((feed.relative_to(settings.feeds_dir).as_posix(), link, TEMPLATE.findall(text)))
    for feed in sorted(settings.feeds_dir.rglob("feed.json")):
        for item in json.loads(feed.read_text(encoding="utf-8"))["items"]:
            for text in (visible_text(item.get("content_html") or "<p></p>"), item.get("summary") or ""):
                if TEMPLATE.search(text) and not any(name in item["url"] for name in ASKED_FOR):
                    leaks.append((feed.name, item["url"], TEMPLATE.findall(text)))
    assert not leaks


def test_shortcodes_render_and_what_cannot_run_is_a_warning(tmp_path):
    settings, result = build(tmp_path, "shortcodes-blog")
    feed = (settings.feeds_dir / "atom.xml").read_text(encoding="utf-8")
    assert "https://www.youtube.com/watch?v=" in feed or "youtube.com/watch" in feed  # the video reachable
    assert "&lt;figure" in feed or "<figure" in feed
    warnings = {(w.source, w.line): w.message for w in result.warnings}
    custom = [(source, line) for (source, line), message in warnings.items() if "site's own" in message]
    assert custom and all(source == "posts/custom.md" and line for source, line in custom)
    assert all(w.warning for w in result.warnings)


def test_liquid_runs_in_jekyll_posts_and_what_cannot_run_is_a_warning(tmp_path):
    shutil.copytree(FIXTURES / "jekyll-en", tmp_path / "copy")
    post = tmp_path / "copy" / "_posts" / "2024-06-01-liquid.md"
    post.write_text(
        "---\ntitle: Liquid inside\n---\n"
        "Read [the first post]({% post_url 2024-01-15-hello-world %}).\n\n"
        "![logo]({{ site.url }}{{ site.baseurl }}/assets/logo.png)\n\n"
        "{% seo %}\n\n{% include missing.html %}\n\nEnd of {{ page.title | upcase }}.\n",
        encoding="utf-8",
    )
    shutil.move(tmp_path / "copy", tmp_path / "src")
    (tmp_path / "config.yaml").write_text(
        "site: {source: src}\npaths: {feeds: feeds, cache: cache}\nfeeds: {limit: 100}\n", encoding="utf-8"
    )
    settings = load_site_settings(tmp_path / "config.yaml", {})
    result, _report = build_and_publish(settings, NOW)
    entry = next(p for p in result.posts if p.source == "_posts/2024-06-01-liquid.md")
    html = entry.content_html
    assert 'href="https://notes.example.org/blog/2024/01/14/hello-world/"' in html
    assert 'src="https://notes.example.org/blog/assets/logo.png"' in html
    assert "End of LIQUID INSIDE." in html and "{%" not in html and "{{" not in html
    warned = {(w.line, w.message.split(":")[0]) for w in result.warnings if w.source == entry.source}
    assert {line for line, _ in warned} == {8, 10}  # `seo` on line 8, the include on line 10


def test_hugo_refs_resolve_to_the_pages_hugo_links_to(tmp_path):
    """`ref`/`relref` find pages as Hugo does; each link equals Hugo's (made absolute)."""
    from urllib.parse import urljoin

    _settings, result = build(tmp_path, "shortcodes-blog")
    post = next(p for p in result.posts if p.source == "posts/refs.md")
    ours = lxml.html.fragment_fromstring(post.content_html, create_parent="div").xpath(".//a/@href")
    golden = json.loads((FIXTURES.parent.parent / "golden" / "sites" / "shortcodes-blog.json").read_text())
    hugo_links = [urljoin(post.url, link) for link in golden["posts/refs.md"]["links"]]
    assert ours == hugo_links
    assert not [w for w in result.warnings if w.source == "posts/refs.md"]


def test_a_post_with_refs_is_read_again_when_its_target_moves(tmp_path):
    from feedpub.service.publisher import Publisher

    settings, _result = build(tmp_path, "shortcodes-blog")
    publisher = Publisher(settings, clock=lambda: NOW)
    try:
        publisher.rescan()
        figures = tmp_path / "site" / "content" / "posts" / "figures.md"
        figures.write_text(figures.read_text(encoding="utf-8").replace("---\n", "---\nslug: pictures\n", 1))
        assert publisher.rescan().error is None
        refs = next(p for p in publisher.state.published.posts.values() if p.source == "posts/refs.md")
        assert "https://example.org/blog/2024/pictures/" in refs.content_html
    finally:
        publisher.close()
