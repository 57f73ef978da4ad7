"""sites.liquid unit by unit: Jekyll's tags and filters, warnings with their lines, the fast path,
and the sandbox (paths, loops, recursion, output size, time) on hostile input."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from feedpub.sites.jekyll import read_jekyll_site
from feedpub.sites.liquid import LiquidLimits, LiquidResult, LiquidSite, render_liquid, strip_liquid

PAGE = {
    "title": "Hello “World”",
    "date": datetime(2024, 3, 2, 15, 4, 5, tzinfo=UTC),
    "id": "/2024/03/02/hello",
    "url": "/2024/03/02/hello.html",
    "path": "_posts/2024-03-02-hello.md",
    "tags": ["a", "b", "c"],
    "people": [{"name": "x", "n": "10"}, {"name": "y", "n": "9"}, {"name": "z"}],
}


class Resolver:
    def post_url(self, name: str) -> str | None:
        return {"2024-01-01-one": "/one.html", "sub/2024-01-02-two": "/two.html"}.get(name)

    def link(self, path: str) -> str | None:
        return {"_posts/2024-01-01-one.md": "/one.html", "about.md": "/about/"}.get(path)


@pytest.fixture(scope="module")
def site_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("site")
    (root / "_config.yml").write_text(
        "title: T\nurl: https://ex.org\nbaseurl: /b\nimg: /i/\n", encoding="utf-8"
    )
    (root / "_includes").mkdir()
    (root / "_includes" / "hi.html").write_text("Hi {{ include.who }}!", encoding="utf-8")
    (root / "_includes" / "loop.html").write_text(
        "x{% include loop.html %}{% include loop.html %}", encoding="utf-8"
    )
    (root / "_includes" / "bad.html").write_text("a {% if %}b{% endif %} {% nosuchtag %}c", encoding="utf-8")
    (root / "_posts").mkdir()
    (root / "_posts" / "part.md").write_text("part of {{ page.title }}", encoding="utf-8")
    (root / "secret.txt").write_text("SECRET", encoding="utf-8")
    outside = root.parent / f"{root.name}-outside.txt"
    outside.write_text("OUTSIDE", encoding="utf-8")
    os.symlink(outside, root / "_includes" / "escape.html")
    os.symlink(root / "secret.txt", root / "_includes" / "sideways.html")
    return root


@pytest.fixture(scope="module")
def liquid(site_root: Path) -> LiquidSite:
    site = read_jekyll_site(site_root, local_zone=UTC)
    md = lambda text: f"<p>{text}</p>"  # noqa: E731
    limits = LiquidLimits(loop_iterations=10_000, output_bytes=100_000, seconds=2.0)
    return LiquidSite(
        site, time=datetime(2025, 1, 1, tzinfo=UTC), resolver=Resolver(), markdownify=md, limits=limits
    )


def run(liquid: LiquidSite, body: str, **page: Any) -> LiquidResult:
    return render_liquid(liquid, body, {**PAGE, **page})


def out(liquid: LiquidSite, body: str) -> str:
    result = run(liquid, body)
    assert not result.warnings, result.warnings
    return result.text


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("{% if page.tags.size > 2 %}big{% elsif x %}x{% else %}small{% endif %}", "big"),
        ("{% unless page.nothing %}none{% endunless %}", "none"),
        ('{% case page.tags[0] %}{% when "a" %}A{% else %}?{% endcase %}', "A"),
        ("{% for t in page.tags %}{% if t == 'b' %}{% continue %}{% endif %}{{ t }}{% endfor %}", "ac"),
        ("{% for i in (1..9) %}{% if i > 2 %}{% break %}{% endif %}{% cycle 'x', 'y' %}{% endfor %}", "xy"),
        ("{% tablerow t in page.tags cols: 2 %}{{ t }}{% endtablerow %}", None),
        ("{% assign x = 'v' %}{% capture y %}[{{ x }}]{% endcapture %}{{ y }}", "[v]"),
        ("{% increment n %}{% increment n %}{% decrement m %}", "01-1"),
        ("a{% comment %}{{ x }}{% endcomment %}b", "ab"),
        ("{% raw %}{{ keep }}{% endraw %}", "{{ keep }}"),
        ("{% liquid\nassign z = 'q'\necho z | upcase\n%}", "Q"),
        ("{% echo page.title | downcase %}", "hello “world”"),
        ("{{ page.date }}", "2024-03-02 15:04:05 +0000"),
        (
            "{{ site.title }} {{ site.url }} {{ site.baseurl }} {{ site.time | date: '%Y' }}",
            "T https://ex.org /b 2025",
        ),
        ("{{ site.img }}546.png", "/i/546.png"),
        ("[{{ post.title }}][{{ content }}][{{ page.no.such }}]", "[][][]"),
    ],
)
def test_standard_tags(liquid: LiquidSite, body: str, expected: str | None) -> None:
    text = out(liquid, body)
    if expected is None:
        assert '<td class="col1">a</td><td class="col2">b</td>' in text
    else:
        assert text == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            '{{ "/a b" | relative_url }} {{ "/a" | absolute_url }} {{ "http://x.org/a" | relative_url }}',
            "/b/a%20b https://ex.org/b/a http://x.org/a",
        ),
        ("{{ page.date | date_to_xmlschema }}", "2024-03-02T15:04:05+00:00"),
        ("{{ page.date | date_to_rfc822 }}", "Sat, 02 Mar 2024 15:04:05 +0000"),
        (
            '{{ page.date | date_to_string }}|{{ page.date | date_to_string: "ordinal", "US" }}',
            "02 Mar 2024|Mar 2nd, 2024",
        ),
        ('{{ "2024-01-11" | date_to_long_string: "ordinal" }}', "11th January 2024"),
        ("""{{ '<a x="1">&' | xml_escape }}""", "&lt;a x=&quot;1&quot;&gt;&amp;"),
        ('{{ "a b/c?d=é" | cgi_escape }} {{ "a b\\\\c" | uri_escape }}', "a+b%2Fc%3Fd%3D%C3%A9 a%20b%5C%5Cc"),
        (
            '{{ "Hello, World!" | slugify }} {{ "a.b c" | slugify: "pretty" }} {{ "中文 标题" | slugify }}',
            "hello-world a.b-c 中文-标题",
        ),
        ('{{ "*x*" | markdownify }}', "<p>*x*</p>"),
        ("""{{ "It's -- done..." | smartify }}""", "It’s – done…"),
        ("{{ page.tags | jsonify }} {{ page.nothing | jsonify }}", '["a","b","c"] null'),
        ('{{ page.people | where: "n", "10" | map: "name" | join }}', "x"),
        ('{{ page.people | where_exp: "p", "p.n == nil" | map: "name" | join }}', "z"),
        (
            "{{ page.people | find: 'name', 'y' | map: 'n' }} {{ page.people | find_exp: 'p', 'p.name == \"x\"' | map: 'name' }}",
            "9 x",
        ),
        ('{% assign g = page.people | group_by: "n" %}{{ g | map: "name" | join: "," }}', "10,9,"),
        (
            '{% assign g = page.people | group_by_exp: "p", "p.name | upcase" %}{{ g[2].name }}{{ g[2].size }}',
            "Z1",
        ),
        (
            '{{ page.people | sort: "n" | map: "name" | join }} {{ page.people | sort: "n", "last" | map: "name" | join }}',
            "z y x y x z",
        ),
        ('{{ "3 apples" | to_integer | plus: 1 }} {{ true | to_integer }} {{ "x" | to_integer }}', "4 1 0"),
        (
            '{{ page.tags | array_to_sentence_string }} {{ page.tags | array_to_sentence_string: "or" }}',
            "a, b, and c a, b, or c",
        ),
        (
            '{{ "你好世界 hi there" | number_of_words }} {{ "你好世界 hi there" | number_of_words: "cjk" }}',
            "3 6",
        ),
        ('{{ "no cjk here" | number_of_words: "auto" }}', "3"),
        ('[{{ " a \n\t b " | normalize_whitespace }}] {{ "<p>x<br>y</p>" | strip_html }}', "[a b] xy"),
        (
            "{{ page.people[0] | inspect }} {{ nil | inspect }}",
            "{&quot;name&quot;=&gt;&quot;x&quot;, &quot;n&quot;=&gt;&quot;10&quot;} nil",
        ),
        (
            '{{ page.tags | push: "d" | join: "" }}{{ page.tags | pop: 2 | join: "" }}{{ page.tags | shift | join: "" }}{{ page.tags | unshift: 0 | join: "" }}',
            "abcdabc0abc",
        ),
    ],
)
def test_jekyll_filters(liquid: LiquidSite, body: str, expected: str) -> None:
    assert out(liquid, body) == expected


def test_sample_is_deterministic(liquid: LiquidSite) -> None:
    body = "{{ page.tags | sample }} {{ page.tags | sample: 2 | join: '' }} {{ 'abc' | sample }}"
    first = out(liquid, body)
    assert first == out(liquid, body)
    one, two, text = first.split(" ")
    assert one in PAGE["tags"] and len(two) == 2 and set(two) <= set("abc") and text == "abc"


def test_jekyll_tags(liquid: LiquidSite) -> None:
    assert (
        out(liquid, "{% post_url 2024-01-01-one %} {% post_url sub/2024-01-02-two %}")
        == "/b/one.html /b/two.html"
    )
    assert out(liquid, "{% link _posts/2024-01-01-one.md %} {% link about.md %}") == "/b/one.html /b/about/"
    assert (
        out(liquid, '{% include hi.html who="you" %} {% include hi.html who=page.title %}')
        == "Hi you! Hi Hello “World”!"
    )
    included = render_liquid(liquid, "{% include {{ page.inc }} who='x' %}", {**PAGE, "inc": "hi.html"})
    assert included == LiquidResult("Hi x!")
    assert out(liquid, "{% include_relative part.md %}") == "part of Hello “World”"


def test_highlight(liquid: LiquidSite) -> None:
    code = "\n\ndef f(x):\n\n    return x < 1 & 2\n\n"
    assert out(liquid, "{% highlight Python %}" + code + "{% endhighlight %}") == (
        '<figure class="highlight"><pre><code class="language-python" data-lang="python">'
        "def f(x):&#10;&#10;    return x &lt; 1 &amp; 2</code></pre></figure>"
    )
    numbered = out(liquid, "{% highlight c++ linenos %}a\nb{% endhighlight %}")
    assert 'class="language-c--" data-lang="c++"' in numbered
    assert '<pre class="lineno">1&#10;2&#10;</pre>' in numbered and "<pre>a&#10;b&#10;</pre>" in numbered
    assert "{{" not in out(liquid, "{% highlight html %}{{ page.title }}{% endhighlight %}")


def test_untouched_without_liquid(liquid: LiquidSite) -> None:
    body = "{{ page.title }} {% if x %}"
    assert render_liquid(liquid, body, {**PAGE, "render_with_liquid": False}) == LiquidResult(body)
    assert render_liquid(liquid, body, PAGE, front_matter=False) == LiquidResult(body)
    plain = "no tags { here } % {x}\n" * 50_000
    started = time.perf_counter()
    assert render_liquid(liquid, plain, PAGE).text is plain
    assert time.perf_counter() - started < 0.05


@pytest.mark.parametrize(
    ("body", "text", "warning", "line"),
    [
        ("a\nb {% seo %}\nc", "a\nb \nc", "unknown tag 'seo'", 2),
        ("a\n\n{% mermaid %}\ngraph\n{% endmermaid %}z", "a\n\nz", "unknown tag 'mermaid'", 3),
        ("x\n{% if page.title %}\nkept", "x\n\nkept", "'if' tag was never closed", 2),
        ("x\ny {% endfor %} z", "x\ny  z", "'endfor' closes no open block", 2),
        ("x\n\ny {{ page.title ", "x\n\ny  page.title ", "unclosed '{{'", 3),
        ("a\nb {{ page.title | nosuch: 1 }}", "a\nb Hello “World”", "unknown filter 'nosuch'", 2),
        ("a\n{% if %}b{% endif %} c", "a\n c", "missing expression", 2),
        ("1\n2\n{{ 1 | divided_by: 0 }}.", "1\n2\n.", "divided_by", 3),
        ("1\n{% post_url 2099-01-01-none %}", "1\n", "post_url: no post '2099-01-01-none'", 2),
        ("1\n{% link nowhere.md %}", "1\n", "link: no file 'nowhere.md'", 2),
        (
            "{% highlight %}x{% endhighlight %}",
            '<figure class="highlight"><pre><code>x</code></pre></figure>',
            "highlight: bad markup",
            1,
        ),
        ("{{ 'x' | markdownify }}", "<p>x</p>", None, 0),
    ],
)
def test_broken_liquid_is_a_warning_with_its_line(
    liquid: LiquidSite, body: str, text: str, warning: str | None, line: int
) -> None:
    result = run(liquid, body)
    assert result.text == text and not result.failed
    if warning is None:
        assert not result.warnings
    else:
        assert any(warning in w.message and w.line == line for w in result.warnings), result.warnings


@pytest.mark.parametrize(
    ("body", "warning"),
    [
        ("{% include ../../etc/passwd %}", "invalid file name"),
        ("{% include /etc/passwd %}", "invalid file name"),
        ("{% include escape.html %}", "outside _includes"),
        ("{% include sideways.html %}", "outside _includes"),
        ("{% include missing.html %}", "no file"),
        ("{% include_relative ../secret.txt %}", "invalid file name"),
        ("{% include hi.html who=%}", "invalid parameters"),
        ("{% include {{ page.evil }} %}", "invalid file name"),
    ],
)
def test_files_outside_the_sandbox_are_refused(liquid: LiquidSite, body: str, warning: str) -> None:
    result = render_liquid(liquid, "1\n" + body, {**PAGE, "evil": "../secret.txt"})
    assert result.text == "1\n" and "SECRET" not in result.text and "OUTSIDE" not in result.text
    assert [w.line for w in result.warnings] == [2] and warning in result.warnings[0].message


def test_an_include_with_errors_warns_at_the_include_line(liquid: LiquidSite) -> None:
    for _ in range(2):  # the second time from the cache: same warnings
        result = run(liquid, "x\n{% include bad.html %}")
        assert result.text == "x\na  c"
        assert {w.line for w in result.warnings} == {2} and len(result.warnings) == 2


@pytest.mark.parametrize(
    "body",
    [
        "ok {% for i in (1..100000000000) %}x{% endfor %}",
        "ok {% for i in (1..1000) %}{% for j in (1..1000) %}x{% endfor %}{% endfor %}",
        "ok {% include loop.html %}",
        "ok {% for i in (1..9000) %}{{ 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' }}{% endfor %}",
        "ok {% assign s = 'xxxxxxxxxxxxxxxx' %}{% for i in (1..40) %}{% assign s = s | append: s %}{% endfor %}",
    ],
)
def test_runaway_templates_stop_within_bounds(liquid: LiquidSite, body: str) -> None:
    started = time.perf_counter()
    result = run(liquid, body)
    assert time.perf_counter() - started < 3
    assert result.failed and result.text.startswith("ok ") and "{" not in result.text
    assert "Liquid stopped" in result.warnings[-1].message


def test_the_time_budget(site_root: Path) -> None:
    site = read_jekyll_site(site_root, local_zone=UTC)
    tight = LiquidLimits(seconds=0.2, operations=10**9, loop_iterations=10**9)
    liquid = LiquidSite(site, time=datetime(2025, 1, 1, tzinfo=UTC), resolver=Resolver(), limits=tight)
    started = time.perf_counter()
    result = run(liquid, "{% for i in (1..100000000) %}{{ i | plus: 1 | minus: 1 }}{% endfor %}")
    assert time.perf_counter() - started < 2 and result.failed
    assert "time budget" in result.warnings[-1].message


def test_a_megabyte_of_nested_tags(liquid: LiquidSite) -> None:
    started = time.perf_counter()
    for body in (
        "{% if a %}" * 100_000,
        "{{" * 400_000,
        "{%" * 400_000,
        "{% raw %}" * 100_000,
        "{% comment %}" * 70_000,
    ):
        result = run(liquid, body[:990_000])
        assert "{%" not in result.text and "{{" not in result.text
    big = run(liquid, "{{ x }}" * 200_000)
    assert big.failed and big.text == ""
    assert time.perf_counter() - started < 20


def test_strip_liquid_keeps_raw_text() -> None:
    body = "a {{ x }} {% if y %}b{% endif %} {% raw %}{{ kept }}{% endraw %} {% comment %}gone{% endcomment %}c {{"
    assert strip_liquid(body) == "a  b {{ kept }} c "
