"""Each built-in shortcode, `ref`/`relref`/`param`, and the Markdown hand-off (placeholders)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from feedpub.read.markdown import markdown_to_html
from feedpub.sites.hugo import hugo_pages, read_hugo_site
from feedpub.sites.hugo_shortcode_values import go_print
from feedpub.sites.hugo_shortcodes import page_resolver, render_shortcodes

from .hugo_real import FIXTURES, content_files

SITE = read_hugo_site(FIXTURES / "shortcodes-blog")
PAGE = {"title": "A Post", "Mood": "calm", "params": {"colour": "blue"}}


def resolve(target: str, relative: bool) -> str | None:
    known = {"posts/b.md": "/blog/2024/b/", "b": "/blog/2024/b/"}
    link = known.get(target)
    return None if link is None else link if relative else "https://example.org" + link


def run(
    body: str, site: Any = SITE, page: Any = None, markdown: Any = markdown_to_html
) -> tuple[str, list[str]]:
    """The body through shortcodes, Markdown and restore: the HTML and the warnings."""
    rendered = render_shortcodes(site, body, PAGE if page is None else page, resolve, markdown=markdown)
    return rendered.restore(markdown_to_html(rendered.text)), [str(w) for w in rendered.warnings]


def with_config(**values: Any) -> Any:
    return replace(SITE, basics=replace(SITE.basics, variables={**SITE.basics.variables, **values}))


def test_figure_prints_hugos_html() -> None:
    html, warnings = run('{{< figure src="/a.png" alt="A & B" title="T" >}}')
    assert (
        html
        == '<figure><img src="/a.png"\n\t\t\talt="A &amp; B"><figcaption>\n\t\t\t<h4>T</h4>\n\t\t</figcaption>\n</figure>\n'
    )
    assert warnings == []


def test_figure_urls_are_escaped_like_html_template() -> None:
    html, _ = run('{{< figure src="/图 1.png" link="javascript:alert(1)" caption="*x*" >}}')
    assert 'src="/%e5%9b%be%201.png"' in html
    assert 'href="#ZgotmplZ"' in html
    assert 'alt="x"' in html and "<p><em>x</em></p>" in html


def test_figure_finds_a_bundle_resource(tmp_path: Path) -> None:
    (tmp_path / "content/posts/trip").mkdir(parents=True)
    (tmp_path / "hugo.toml").write_text('baseURL = "https://e.org/sub/"\n', encoding="utf-8")
    (tmp_path / "content/posts/trip/index.md").write_text("---\ntitle: Trip\n---\n", encoding="utf-8")
    (tmp_path / "content/posts/trip/photo.jpg").write_bytes(b"x")
    site = read_hugo_site(tmp_path)
    page = hugo_pages(site, content_files(site.content_dir))[0]
    html, _ = run('{{< figure src="photo.jpg" >}} {{< figure src="other.jpg" >}}', site=site, page=page)
    assert '<img src="/sub/posts/trip/photo.jpg"' in html and '<img src="other.jpg"' in html


def test_video_embeds_become_links_a_feed_reader_shows() -> None:
    html, _ = run("{{< youtube 0RKpf3rK57I >}}\n\n{{< youtube id=abc-_1 start=30 title=Talk >}}")
    assert (
        '<a href="https://www.youtube.com/watch?v=0RKpf3rK57I"><img src="https://i.ytimg.com/vi/0RKpf3rK57I/hqdefault.jpg" alt="YouTube video"></a>'
        in html
    )
    assert 'href="https://www.youtube.com/watch?v=abc-_1&amp;t=30s"' in html and 'alt="Talk"' in html
    html, _ = run('{{< vimeo 19899678 >}} {{< vimeo id="5" title="Mine" >}}')
    assert (
        '<a href="https://vimeo.com/19899678">Vimeo video</a>' in html
        and '<a href="https://vimeo.com/5">Mine</a>' in html
    )
    html, _ = run("{{< youtube abc >}}", site=with_config(privacy={"youtube": {"disable": True}}))
    assert html == ""


def test_posts_and_gists_are_links() -> None:
    html, _ = run('{{< x user="gohugoio" id="1" >}}\n\n{{< tweet 2 >}}\n\n{{< twitter user="a" id="3" >}}')
    assert 'href="https://x.com/gohugoio/status/1">Post by @gohugoio on X' in html
    assert 'href="https://x.com/i/status/2"' in html and 'href="https://x.com/a/status/3"' in html
    html, _ = run("{{< instagram CxOW >}}")
    assert '<a href="https://www.instagram.com/p/CxOW">View this post on Instagram</a>' in html
    assert "<script" not in html
    html, _ = run("{{< gist spf13 7896402 img.html >}}")
    assert (
        '<a href="https://gist.github.com/spf13/7896402#file-img-html">img.html (gist spf13/7896402)</a>'
        in html
    )


def test_missing_ids_warn_and_print_nothing() -> None:
    html, warnings = run("{{< youtube >}}{{< x user=a >}}{{< instagram >}}{{< gist a >}}")
    assert html == "" and len(warnings) == 4


def test_highlight_escapes_the_code_and_removes_its_indentation() -> None:
    html, _ = run(
        '- item\n\n  {{< highlight go "linenos=table" >}}\n  if a < b {\n      x()\n  }\n  {{< /highlight >}}\n'
    )
    assert '<code class="language-go" data-lang="go">if a &lt; b {\n    x()\n}</code>' in html
    html, _ = run("{{< highlight >}}\n<b>\n{{< /highlight >}}")
    assert html == '<pre tabindex="0"><code>&lt;b&gt;</code></pre>\n'


def test_ref_and_relref_go_through_the_resolver() -> None:
    html, warnings = run(
        '[a]({{< ref "posts/b.md" >}}) [b]({{< relref path="b" >}}) [c]({{< relref "b#x" >}}) [d]({{< ref "#top" >}})'
    )
    assert [h for h in html.split('"') if h.startswith(("/", "h", "#"))] == [
        "https://example.org/blog/2024/b/",
        "/blog/2024/b/",
        "/blog/2024/b/#x",
        "#top",
    ]
    assert warnings == []


def test_an_unresolved_ref_warns_and_prints_the_not_found_url() -> None:
    html, warnings = run('See [it]({{< relref "nope.md" >}}).')
    assert html == '<p>See <a href="">it</a>.</p>\n'
    assert warnings == ['line 1: shortcode "relref": REF_NOT_FOUND: Ref "nope.md": page not found']
    html, _ = run('[it]({{< relref "nope.md" >}})', site=with_config(reflinksnotfoundurl="/404.html"))
    assert 'href="/404.html"' in html


def test_page_resolver_finds_pages_as_getpageref_does() -> None:
    site = read_hugo_site(FIXTURES / "shortcodes-blog")
    pages = hugo_pages(site, content_files(site.content_dir))
    current = next(p for p in pages if p.file == "posts/refs.md")
    found = page_resolver(site, pages, current)
    assert found("figures.md", True) == "/blog/2024/figures/"  # beside the current page
    assert found("/posts/Figures", False) == "https://example.org/blog/2024/figures/"
    assert found("about", True) == found("/about/index.md", True) == "/blog/about/"
    assert found("highlight", True) == "/blog/2024/highlight/"  # by name
    assert found("missing", True) is None


def test_param_reads_the_page_then_the_site() -> None:
    html, warnings = run(
        "{{< param mood >}} {{< param colour >}} {{< param motto >}} {{< param social.mastodon >}}"
    )
    assert html == "<p>calm blue 少即是多 &amp; less is more @wei@example.social</p>\n"
    assert warnings == []
    html, warnings = run("{{< param nothing >}}{{< param >}}")
    assert html == "" and [w.split(": ", 2)[2] for w in warnings] == [
        'Param "nothing" not found',
        "Missing param key",
    ]


def test_details_renders_its_inner_markdown() -> None:
    html, _ = run('{{< details summary="More" open=true >}}\n*x*\n{{< /details >}}')
    assert html == "\n<details open>\n\t<summary>More</summary>\n\t<p><em>x</em></p>\n</details>\n"
    html, _ = run('{{< details summary="More" >}}\n*x*\n{{< /details >}}', markdown=None)
    assert "<summary>More</summary>" in html and "<p><em>x</em></p>" in html


def test_qr_and_comment() -> None:
    html, _ = run(
        '{{< qr text="https://e.org/?a=1&b=2" />}} {{< qr >}}\nplain\n{{< /qr >}}{{< comment >}}gone{{< /comment >}}'
    )
    assert html == '<p><a href="https://e.org/?a=1&amp;b=2">https://e.org/?a=1&amp;b=2</a> plain</p>\n'


def test_percent_output_is_markdown_and_angle_output_is_protected() -> None:
    rendered = render_shortcodes(SITE, "{{% param mood %}} {{< param mood >}}", PAGE, resolve)
    assert rendered.text == "calm FEEDPUBSC0E"
    assert rendered.restore("<p>FEEDPUBSC0E</p>") == "calm"
    assert rendered.restore("<p>x FEEDPUBSC0E</p>") == "<p>x calm</p>"


def test_placeholders_never_collide_with_the_text() -> None:
    rendered = render_shortcodes(SITE, "FEEDPUBSC0E {{< param mood >}}", PAGE, resolve)
    assert rendered.text == "FEEDPUBSC0E FEEDPUBSCX0E"
    assert rendered.restore(rendered.text) == "FEEDPUBSC0E calm"


def test_shortcodes_run_inside_code_as_in_hugo() -> None:
    html, _ = run("```\n{{< param mood >}}\n{{</* param mood */>}}\n```\n\n`{{% param mood %}}`")
    assert html == "<pre><code>calm\n{{&lt; param mood &gt;}}\n</code></pre>\n<p><code>calm</code></p>\n"


def test_the_sites_own_and_unknown_shortcodes_keep_their_inner_content() -> None:
    html, warnings = run(
        "{{< note >}}\n**Hi**\n{{< /note >}}\n\n{{< mystery a=1 >}} and {{% other %}}*x*{{% /other %}}"
    )
    assert html == "<p><strong>Hi</strong></p>\n<p>and <em>x</em></p>\n"
    assert warnings == [
        'line 1: shortcode "note": is the site\'s own (layouts/shortcodes/note.html), a Go template feedpub cannot run: its inner content is kept',
        'line 5: shortcode "mystery": is unknown: left out',
        'line 5: shortcode "other": is unknown: its inner content is kept',
    ]


def test_nested_percent_shortcode_has_its_inner_rendered() -> None:
    html, _ = run("{{< details >}}\n{{% note %}}**b**{{% /note %}}\n{{< /details >}}")
    assert "<strong>b</strong>" in html and "**" not in html


def test_hugo_errors_are_warnings_and_the_output_is_kept() -> None:
    html, warnings = run(
        '{{< figure src="a.png" />}}{{< figure src="b.png" >}}cap{{< /figure >}}{{< details >}}'
    )
    assert html.count("<figure>") == 2 and "cap" in html and "<details>" in html
    assert [w.split(": ", 2)[2].split(" (")[0] for w in warnings] == [
        "does not evaluate .Inner, yet was self-closed",
        "takes no inner content, yet a closing tag was provided",
        "must be closed or self-closed",
    ]


def test_inline_shortcodes_print_nothing() -> None:
    body = "{{< t.inline >}}{{ now }}{{< /t.inline >}}x"
    assert run(body) == ("<p>x</p>\n", [])
    _, warnings = run(body, site=with_config(security={"enableinlineshortcodes": True}))
    assert "inline shortcode" in warnings[0]


def test_a_multi_line_percent_output_keeps_the_list_items_indentation() -> None:
    html, _ = run('- item\n\n  {{% figure src="a.png" title="T" %}}\n- next\n')
    assert html.count("<li>") == 2 and "<figure>" in html.split("<li>")[1]


@pytest.mark.parametrize(
    ("value", "printed"),
    [
        (None, ""),
        (True, "true"),
        (42, "42"),
        (1.5, "1.5"),
        (2.0, "2"),
        (1e21, "1e+21"),
        (["a", 1], "[a 1]"),
        ({"b": 1, "a": 2}, "map[a:2 b:1]"),
    ],
)
def test_values_print_as_go_prints_them(value: Any, printed: str) -> None:
    assert go_print(value) == printed
