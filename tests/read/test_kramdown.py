"""kramdown's readings of a Jekyll post that CommonMark does not share (read.kramdown_*), each
expected output checked against kramdown 2.4 with the GFM parser (Jekyll 4.3's settings); the
whole fixture site is compared with a real `jekyll build` in tests/sites/test_kramdown_real.py."""

from __future__ import annotations

import re
import time

import pytest

from feedpub.read.attribute_lists import strip_attribute_lists
from feedpub.read.kramdown import KramdownOptions, code_lines, kramdown_options
from feedpub.read.kramdown_html import kramdown_html_blocks
from feedpub.read.kramdown_tables import drop_empty_headers, kramdown_tables
from feedpub.read.kramdown_toc import heading_ids, mark_headings
from feedpub.read.markdown import markdown_to_html


def render(text: str, options: KramdownOptions | None = None) -> str:
    """What the pipeline does with a kramdown site's post (Liquid aside)."""
    source = strip_attribute_lists(mark_headings(text), "kramdown")
    source = kramdown_tables(kramdown_html_blocks(source))
    return drop_empty_headers(heading_ids(markdown_to_html(source), options or KramdownOptions()))


def squeeze(html: str) -> str:
    return "".join(line.strip() for line in html.splitlines())


# --- HTML blocks -------------------------------------------------------------------------------


def test_a_table_with_blank_lines_between_rows_stays_one_html_block():
    text = "<table>\n<tr><td>a</td></tr>\n\n    <tr><td>*b*</td></tr>\n</table>\nAfter **it**.\n"
    assert squeeze(render(text)) == (
        "<table><tr><td>a</td></tr><tr><td>*b*</td></tr></table><p>After <strong>it</strong>.</p>"
    )


def test_blank_lines_in_a_pre_inside_a_div_stay_visible():
    out = kramdown_html_blocks("<div>\n<pre>a\n\n  \nb</pre>\n\n<p>x</p>\n</div>\n")
    assert out == "<div>\n<pre>a&#10;&#10;  \nb</pre>\n<p>x</p>\n</div>\n"


def test_code_is_left_alone():
    text = "```html\n<div>\n\n</div>\n```\n\n    <div>\n\n    </div>\n"
    assert kramdown_html_blocks(text) == text


def test_a_line_that_is_one_span_tag_starts_a_paragraph():
    # kramdown: <p><img src="x" />\n<strong>b</strong></p> and <p><br />\n<em>c</em></p>
    assert squeeze(render('<img src="x">\n**b**\n\n<br>\n*c*\n')) == (
        '<p><img src="x"><!---->' + "<strong>b</strong></p><p><br><!----><em>c</em></p>"
    )


def test_a_span_tag_line_after_a_code_fence_or_a_heading_starts_a_paragraph():
    # seen on a real blog: "```\n<br>\nthen [a link](/x)" — kramdown renders the link
    out = squeeze(render("```sh\nrun\n```\n<br>\nthen [a link](/x)\n\n## H\n<br>\n*e*\n"))
    assert '<p><br><!---->then <a href="/x">a link</a></p>' in out
    assert '<h2 id="h">H</h2><p><br><!----><em>e</em></p>' in out


def test_a_backtick_line_with_backticks_after_it_opens_no_code_block():
    # CommonMark and kramdown: "```a```" is a code span, so the heading after it is a heading
    text = "```Client ID``` and ```secret```\n\n## After\n\n```python\n# not a heading\n```\n"
    assert code_lines(text.split("\n")) == [False, False, False, False, True, True, True, False]
    out = squeeze(render(text))
    assert '<h2 id="after">After</h2>' in out and "# not a heading" in out and "feedpub" not in out


def test_an_element_kramdown_knows_no_block_for_in_commonmark_still_ends_a_paragraph():
    # kramdown: <p>para</p>\n<video>\n</video> … <center>x\n\ny</center>
    out = render("para\n<video src=v.mp4>\n\n</video>\n\n<center>x\n\n*y*</center>\n")
    assert squeeze(out) == "<p>para</p><video src=v.mp4></video><center>x*y*</center>"


def test_markdown_1_reads_the_content_as_markdown_and_0_keeps_it_raw():
    text = (
        '<div class="n" markdown="1">\n**b**\n\n- i\n</div>\n\n<div markdown="0">\n*raw*\n</div>\n\n'
        '<p markdown="span">*s*</p>\n\n<div class="row">\n<div markdown="1">\n*x*\n</div>\n</div>\n'
    )
    assert squeeze(render(text)) == (
        '<div class="n"><p><strong>b</strong></p><ul><li>i</li></ul></div>'
        '<div markdown="0">*raw*</div><p><p><em>s</em></p></p>'
        '<div class="row"><div><p><em>x</em></p></div></div>'
    )


def test_markdown_1_on_an_element_with_raw_content_keeps_it_raw():
    assert squeeze(render('<pre markdown="1">\n*a*\n</pre>\n')) == '<pre markdown="1">*a*</pre>'


def test_an_element_without_its_end_tag_leaves_the_rest_as_it_is():
    text = "<div>\n\n*a*\n\n<table>\n\n</table>\n"
    assert kramdown_html_blocks(text) == text


def test_text_without_html_at_a_line_start_is_returned_as_it_is():
    text = "Just *text* with an inline <b>tag</b>.\n"
    assert kramdown_html_blocks(text) is text


# --- tables --------------------------------------------------------------------------------------


def test_a_table_without_a_separator_has_no_header():
    # kramdown: <table><tbody><tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></tbody>
    assert squeeze(render("| a | b |\n| c | d |\n")) == (
        "<table><tbody><tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></tbody></table>"
    )


def test_kramdown_separators_footers_and_rows_without_a_leading_pipe():
    text = "|---|---|\n| h | i |\n|---+---|\n| a | `x|y` |\n|---|---|\n| c \\| d |\n|===|===|\n| f | g |\n"
    out = squeeze(render(text))
    assert out.startswith("<table><thead><tr><th>h</th><th>i</th></tr></thead><tbody>")
    assert "<td><code>x|y</code></td>" in out and "<td>c | d</td><td></td>" in out
    assert "<td>f</td><td>g</td>" in out
    assert squeeze(render("a | b\nc | d\n")).count("<td>") == 4


def test_rows_are_padded_to_the_widest_row():
    out = squeeze(render("| a |\n|---|\n| 1 | 2 | 3 |\n"))
    assert out.startswith("<table><thead><tr><th>a</th><th></th><th></th></tr>")
    assert "<td>1</td><td>2</td><td>3</td>" in out


@pytest.mark.parametrize(
    "text",
    [
        "## H\n| a | b |\n|---|---|\n| c | d |\n",  # right after a heading
        "para\n| a | b |\n|---|---|\n",  # after a paragraph line
        "| a | b |\n|---|---|\n| c | d |\ntext\n",  # no blank line after it
        "| a | b |\n|---|---|\n",  # a header without a body
    ],
)
def test_tables_kramdown_does_not_read_are_paragraphs(text):
    assert "<table>" not in render(text)


def test_text_without_pipes_is_returned_as_it_is():
    text = "No table here.\n"
    assert kramdown_tables(text) is text


# --- headings and the table of contents ---------------------------------------------------------

TOC_POST = (
    "* TOC\n{:toc}\n\n# Intro\n\n## Setup *fast* `x--y`\n\n## Setup *fast* `x--y`\n\n"
    "### 中文 标题！\n\n## Hidden\n{: .no_toc}\n\n## Don't -- stop... [link](http://x) & more\n\n"
    "## Custom {#my-id}\n\n#### Deep\n\n## Setup fast x--y\n\nSetext\n------\n\n> ## In quote\n"
)


def test_headings_get_kramdowns_gfm_ids_and_the_toc_links_to_them():
    out = render(TOC_POST)
    ids = ["intro", "setup-fast-x--y", "setup-fast-x--y-1", "中文-标题", "hidden"]
    ids += ["dont--stop-link--more", "my-id", "deep", "setup-fast-xy", "setext", "in-quote"]
    for anchor in ids:
        assert f'id="{anchor}"' in out
    toc = out[: out.index("<h1")]
    assert [part.split('"')[0] for part in toc.split('href="#')[1:]] == [a for a in ids if a != "hidden"]
    assert squeeze(toc).startswith(
        '<ul id="markdown-toc"><li><a href="#intro" id="markdown-toc-intro">Intro</a><ul>'
        '<li><a href="#setup-fast-x--y" id="markdown-toc-setup-fast-x--y">Setup <em>fast</em> '
        "<code>x--y</code></a></li>"
    )
    assert '<a href="http://x">' not in toc and "{#my-id}" not in out and "TOC" not in out


def test_toc_levels_and_auto_ids_from_the_site():
    text = "* TOC\n{:toc}\n\n# One\n\n## Two\n\n### Three\n\n#### Four\n\n## Named {#named}\n"
    out = render(text, KramdownOptions(toc_levels=frozenset({2, 3})))
    assert out.count("markdown-toc-") == 3 and "#one" not in out and 'id="one"' in out
    out = render(text, KramdownOptions(auto_ids=False))
    assert squeeze(out).startswith('<ul id="markdown-toc"><li><a href="#named"')
    assert "<h2>Two</h2>" in out and 'id="named"' in out


def test_kramdown_input_uses_kramdowns_own_ids():
    text = "1. TOC\n{:toc}\n\n## 1 Two things\n\n## 中文\n\n## Two things\n"
    out = render(text, KramdownOptions(gfm=False, id_prefix="x-"))
    assert '<ol id="markdown-toc">' in out
    assert re.findall(r'<h2 id="([^"]+)"', out) == ["x-two-things", "x-section", "x-two-things-1"]


def test_headings_in_code_and_liquid_blocks_are_not_marked():
    text = "```\n# a\n```\n\n{% highlight py %}\n# b\n{% endhighlight %}\n\n{% raw %}\n# c\n{% endraw %}\n"
    assert mark_headings(text) == text


def test_a_post_without_headings_pays_nothing():
    text = "Just a paragraph.\n"
    assert mark_headings(text) is text
    assert heading_ids("<p>x</p>", KramdownOptions()) == "<p>x</p>"


def test_the_site_config_decides_the_options():
    assert kramdown_options({}) == KramdownOptions()
    assert kramdown_options({"markdown": "CommonMark"}) is None
    options = kramdown_options({"kramdown": {"toc_levels": "1,2", "auto_ids": False, "input": "kramdown"}})
    assert options == KramdownOptions(auto_ids=False, toc_levels=frozenset({1, 2}), gfm=False)
    assert kramdown_options({"kramdown": {"toc_levels": [2, 3]}}).toc_levels == {2, 3}  # type: ignore[union-attr]


def test_code_lines():
    assert code_lines(["a", "```", "x", "```", "b"]) == [False, True, True, True, False]


# --- hostile inputs ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "<div>\n" * 10_000 + "x\n" + "</div>\n" * 10_000,
        "<div>\n" * 10_000,
        '<div markdown="1">\n' * 5_000 + "*x*\n" + "</div>\n" * 5_000,
        "<!--\n" * 20_000 + "<div>\n\n",
        '<a title="' * 20_000 + "\n<div>\n",
        "<div " + " " * 50_000 + "x\n",
        "| a | b |\n" * 50_000,
        ("| a | b |\n|---|---|\n" + "| c | d |\n" * 1000 + "\n") * 20,
        "`" * 30_000 + "|\n",
        "#" * 30_000 + " x\n" + "# a\n\n" * 10_000,
        "* TOC\n{:toc}\n\n" + "## a\n\n" * 10_000,
    ],
)
def test_hostile_texts_end_in_bounded_time(text):
    started = time.perf_counter()
    render(text)
    assert time.perf_counter() - started < 10


# --- math ----------------------------------------------------------------------------------------


def math(text: str) -> str:
    from feedpub.read.kramdown_math import cut_math

    cut, restore = cut_math(text)
    page = markdown_to_html(cut)
    return restore(page) if restore is not None else page


def test_math_is_tex_for_mathjax_never_markdown():
    # kramdown 2.4 (math_engine mathjax): the same output, byte for byte
    text = (
        "Inline $$a_1 + b_2 * c \\{x\\} \\\\ y$$ text and \\$5.\n\n$$\n\\frac{a}{b} = c_1 * d_2\n\\\\ e\n$$\n\n"
        "A para with $$x$$.\n\n    $$code$$\n\n`$$span$$`\n"
    )
    assert math(text) == (
        "<p>Inline \\(a_1 + b_2 * c \\{x\\} \\\\ y\\) text and $5.</p>\n"
        "\\[\\frac{a}{b} = c_1 * d_2\n\\\\ e\\]\n"
        "<p>A para with \\(x\\).</p>\n<pre><code>$$code$$\n</code></pre>\n<p><code>$$span$$</code></p>\n"
    )


def test_math_with_html_and_pipes_is_escaped_and_stays_out_of_tables():
    assert math("$$a < b | c$$\n") == "\\[a &lt; b | c\\]\n"
    assert math("```\n$$a$$\n```\n") == "<pre><code>$$a$$\n</code></pre>\n"


@pytest.mark.parametrize(
    "text",
    ["$$" * 100_000, "`$$" * 50_000, "``" + " `x`$$a$$" * 20_000, ("$$x$$ `" * 10_000 + "\n") * 10],
    ids=["dollars", "backticks-and-dollars", "spans", "lines"],
)
def test_math_on_hostile_text_takes_linear_time(text):
    from feedpub.read.kramdown_math import cut_math

    started = time.process_time()
    cut_math(text)
    assert time.process_time() - started < 5


def test_a_fence_inside_a_list_item_is_code_for_every_rule():
    # seen on a real blog: a list item's fenced example of math, with a `#` comment in it
    text = "- item:\n\n    ```latex\n    $$a_1$$\n    # not a heading\n    ```\n\n## Real\n\n$$b_1$$\n"
    out = math(strip_attribute_lists(mark_headings(text), "kramdown"))
    out = heading_ids(out, KramdownOptions())
    assert "$$a_1$$" in out and "# not a heading" in out and "\\[b_1\\]" in out
    assert "feedpub" not in out and '<h2 id="real">Real</h2>' in out


def test_dollars_in_a_code_span_open_no_math():
    assert math("by `$$` marks: $$x$$ and $$y$$.\n") == (
        "<p>by <code>$$</code> marks: \\(x\\) and \\(y\\).</p>\n"
    )
