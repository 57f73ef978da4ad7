"""Each hand-written replacement of a library, measured against the library way in the same run.

    python bench/alternatives.py                    # 10 000 posts, 3 rounds (about 20 minutes)
    python bench/alternatives.py --posts 1000 --rounds 5 --parts simple_yaml,xml

The project's rule: a hand-written part stays only where it is worth at least 5 % of a 10 000-post
cold build (`feedpub build`, no cache) or of the edit path (one post edited → feeds republished by
the running service); otherwise the library way replaces it. For every part this script runs the
same measurement twice over, as the code is ("hand") and with the part switched to the library way
by monkeypatching ("lib"), each in a fresh process, alternating which goes first round by round,
and prints a Markdown table of the medians, the difference as a share of the build or edit (the
median of the round-by-round paired differences, with their spread) and the verdict.

* cold build: `build_and_publish` as `feedpub build` runs it, each build into a new feeds/ folder
  (wall seconds, and CPU seconds of the process and its workers, which other load on the machine
  disturbs less);
* edit path: a `Publisher(watch=True)` warm-started on the corpus, one idle scan, then `--edits`
  single-post edits (a line appended, one second apart for inotify), each `rescan()` timed;
* serving: Granian with the fast path in front of Flask, or Flask alone, under wrk on loopback.

A cold build on this shared two-core machine varies by a third from run to run, far more than the
5 % to judge, so the verdict comes from measurements that meet the load of the same moment both ways:
each read- or render-side part's calls in a cold build are recorded while reading and rendering the
corpus in one process (counted, not guessed) and replayed both ways in alternating chunks (CPU time
of the thread, as a share of the build's CPU time: the build's reading and rendering run on every
core, so a CPU second there is the same share of its wall time); the edit-path parts switch edit by edit in one service, each
post edited once each way. The whole builds and whole service runs are printed beside as the
cross-check.

Before timing, every cold-build part is built both ways on a small corpus and the outputs compared
file by file (the manifests' sha256), so a patch that changed what is built cannot pass unseen.
The corpus comes from bench/corpus.py (seed 1, mixed dialects) in a temporary folder.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import multiprocessing
import os
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from corpus import generate  # noqa: E402
from run import CONFIG, free_port, wrk  # noqa: E402

PYTHON = sys.executable

# ---- what is switched: one line per part ("module:attribute", several separated by spaces) ------
# The hand-written code as it is now; the library way below replaces exactly these names. When
# the code moves, update the line (and the replacement's helpers further down, if they moved too).
TARGETS: dict[str, str] = {
    "simple_yaml": "feedpub.read.front_matter:read_simple",
    "pages": "feedpub.render.pages:PageRenderer.post_page feedpub.render.pages:PageRenderer.term_page",
    "reaper": "feedpub.service.publisher:Reaper",
    "manifest_text": "feedpub.publish.store:Store._serialize feedpub.publish.store:Store.prepare",
    "fastpath": "feedpub.serve.fastpath:application feedpub.serve.app:create_app",
    "urls": "feedpub.read.urls:absolute_url feedpub.read.urls:safe_url feedpub.read.sanitize:safe_url "
    "feedpub.read.fields:safe_url feedpub.read.sanitize:_filter_attribute",
    "xml": "feedpub.render.atom:render_entry feedpub.render.rss:render_entry",
    "hidden": "feedpub.read.hidden:_drop_simple_hidden",
    "gzip6": "feedpub.publish.store:gzip_bytes",
    "gzip1": "feedpub.publish.store:gzip_bytes",
}

# part → (what the hand-written code replaces, how it is measured, what the library way is)
PARTS: dict[str, tuple[str, str, str]] = {
    "simple_yaml": ("libyaml for plain front matter", "cold", "PyYAML CSafeLoader for every post"),
    "pages": ("Jinja for post and term pages", "cold", "post.html / term.html through Jinja"),
    "reaper": ("closing replaced files at once", "edit", "os.replace, no held descriptors"),
    "manifest_text": ("json.dumps of the manifest", "edit", "json.dumps of the whole manifest"),
    "fastpath": ("the Flask app alone", "serve", "Flask app (create_app) under Granian"),
    "urls": ("urllib.parse.urljoin for every URL", "cold", "urljoin + scheme check for every URL"),
    "xml": ("lxml.etree for entries", "cold", "Atom and RSS entries built with lxml.etree"),
    "hidden": ("lxml.html for hidden elements", "cold", "lxml.html parse of every hinted fragment"),
    "gzip6": ("stdlib zlib, level 6 (isal is a library)", "cold", "gzip.compress level 6"),
    "gzip1": ("stdlib zlib, level 1 (isal is a library)", "cold", "gzip.compress level 1"),
}
ROWS = {
    "simple_yaml": "1. `read_simple` (plain YAML front matter)",
    "pages": "2. post/term pages built in code",
    "reaper": "3. `Reaper` thread",
    "manifest_text": "6. `manifest_text` (manifest patched per block)",
    "fastpath": "7. `fastpath` (ready answers before Flask)",
    "urls": "8. URL shortcuts around `urljoin`",
    "xml": "9. entries as escaped text (`xml.text/attr/finish`)",
    "hidden": "10. `_drop_simple_hidden` (regex cut, no parser)",
    "gzip6": "12. ISA-L gzip level 2 (vs zlib 6)",
    "gzip1": "13. ISA-L gzip level 2 (vs zlib 1)",
}
# how each row is measured (printed under the table)
METHOD = {
    "simple_yaml": "calls counted: `front_matter._load_yaml`, one per YAML front matter; lib: `read_simple` answers None, so every front matter goes through "
    "the CSafeLoader path (depth check, compose, construct)",
    "pages": "calls counted: `PageRenderer.post_page` and `term_page`, one per page (a fresh renderer per pass); lib: `PageRenderer.post_page`/`term_page` render post.html/term.html "
    "through the project's Jinja environment (tests/render/test_pages_fast.py's reference views)",
    "reaper": "edit path: Publisher(watch=True) warm-started on the corpus, one idle scan, then a line "
    "appended to one of the EDITS newest posts at a time, 1 s apart (inotify), each `rescan()` timed; "
    "lib: "
    "`Reaper` → None, i.e. `Store(feeds_dir, None)`",
    "manifest_text": "edit path as for the Reaper; lib: `Store._serialize` → json.dumps of the whole manifest "
    "on each publish (same bytes), `Store.prepare` → nothing",
    "fastpath": "Granian, 1 worker, 16 threads, as `feedpub serve` runs it, on a cold-built feeds/; wrk -t2 "
    "-c64 for WRK s each on /atom.xml (gzip 200, then 304 by If-None-Match), after 2 s of warm-up; "
    "lib: `create_app(settings)` alone; medians over rounds",
    "urls": "calls counted: the nh3 attribute filter (each attribute it keeps) and dialects' `safe_url` (images, authors, permalinks); lib: `absolute_url` → `_resolve` (urljoin, IDNA, quoting) always, `safe_url` "
    "(in content and dialects) without its plain-URL shortcut, the attribute filter without its "
    "footnote shortcut",
    "xml": "calls counted: `site._render_entry` for Atom, Atom-archive and RSS entries (JSON Feed items are json.dumps either way); lib: Atom (incl. archive) and RSS entries built as lxml.etree trees and "
    "serialised (tests/test_render_text.py's oracle); feed heads stay text",
    "hidden": "calls counted: `content.drop_hidden`, one per sanitised fragment; lib: `_drop_simple_hidden` does nothing, so every fragment with a hiding "
    "hint is parsed with lxml.html and re-serialised. This replay understated the cost: in the pipeline "
    "(read 3 000 corpus posts, process time, alternating) the lxml way took 1.38-1.46 s against 0.95-1.17 s",
    "gzip6": "calls counted: `gzip_bytes`, one per precompressed file; lib: `gzip_bytes` → stdlib gzip.compress(level 6, mtime 0); a library "
    "replaced by a library (isal), measured because the rule asks dependencies to earn their place",
    "gzip1": "as gzip6, with zlib level 1 (about the size isal's level 2 makes)",
}
# parts whose calls `step_counted` records and replays (the others: `step_edit_pairs`)
COUNTED = ("simple_yaml", "pages", "urls", "xml", "hidden", "gzip6", "gzip1")
THRESHOLD = 5.0  # % of a cold build or of the edit path


def _resolve(target: str) -> tuple[Any, str]:
    """(the object holding the attribute, its name) for "module:Attr" or "module:Class.attr"."""
    module, _, path = target.partition(":")
    owner: Any = importlib.import_module(module)
    *parents, name = path.split(".")
    for parent in parents:
        owner = getattr(owner, parent)
    return owner, name


def current(target: str) -> Any:
    owner, name = _resolve(target)
    return getattr(owner, name)


def switch_to_library(part: str) -> None:
    """Replace each of the part's targets with its library way (in this process only)."""
    targets = TARGETS[part].split()
    values = LIBRARY_WAY[part]()
    assert len(values) == len(targets), part
    for target, value in zip(targets, values, strict=True):
        owner, name = _resolve(target)
        if not hasattr(owner, name):
            raise SystemExit(f"{part}: {target} does not exist any more; update TARGETS")
        setattr(owner, name, value)


# ---- the library ways -------------------------------------------------------------------------


def _lib_simple_yaml() -> list[Any]:
    return [lambda raw, loader: None]  # never plain: every post goes to the CSafeLoader path


def _spec_environment() -> Any:
    """The package's templates plus post.html and term.html, the pages' specification, which live
    with the tests (tests/render/templates/)."""
    import jinja2

    from feedpub.render.page_parts import environment

    loader = jinja2.ChoiceLoader(
        [jinja2.FileSystemLoader(BENCH.parent / "tests" / "render" / "templates"), environment().loader]
    )
    return environment().overlay(loader=loader)


def _render_spec(env: Any, renderer: Any, template: str, **values: Any) -> bytes:
    return bytes(env.get_template(template).render(**renderer.common, **values).encode("utf-8"))


def _lib_pages() -> list[Any]:
    """post.html and term.html rendered through Jinja, as tests/render/test_pages_fast.py's reference."""
    from feedpub.model import Scope
    from feedpub.render.page_parts import post_page_path
    from feedpub.render.pages import _post_view

    env = _spec_environment()

    def post_page(self: Any, post: Any) -> tuple[str, bytes]:
        terms = []
        for scope, items in ((Scope.CATEGORY, post.categories), (Scope.TAG, post.tags)):
            for term in items:
                slug = self.taxonomy.slugs.get((scope, term.key))
                if slug is not None:
                    name = self.taxonomy.names[(scope, term.key)]
                    terms.append({"name": name, "page": self.links.page(f"{scope.value}/{slug}/")})
        view = {
            **_post_view(post, self.links),
            "content_html": post.content_html,
            "image": post.image,
            "author": post.author.name if post.author else "",
            "terms": terms,
        }
        title = f"{post.title} · {self.settings.site.title}"
        return post_page_path(post), _render_spec(
            env, self, "post.html", page_title=title, discovery=self.site_feeds, post=view
        )

    def term_page(self: Any, key: Any, members: tuple[Any, ...]) -> tuple[str, bytes]:
        site = self.settings.site
        label = self.labels["category" if key.scope is Scope.CATEGORY else "tag"]
        feeds = self.links.feeds(key, f"{site.title} · {label}: {key.name}")
        return key.path + "index.html", _render_spec(
            env,
            self,
            "term.html",
            page_title=f"{label}: {key.name} · {site.title}",
            discovery=feeds,
            heading=f"{label}: {key.name}",
            scope_page=self.links.page(f"{key.scope.value}/"),
            scope_label=self.labels["categories" if key.scope is Scope.CATEGORY else "tags"],
            feeds=feeds,
            count=len(members),
            posts=[_post_view(p, self.links) for p in members[: self.settings.feeds.limit]],
        )

    return [post_page, term_page]


def _lib_reaper() -> list[Any]:
    return [lambda: None]  # Store(feeds_dir, None): replaced files are freed inside os.replace


def _lib_manifest_text() -> list[Any]:
    from feedpub.publish.manifest_text import compact_json

    def serialize(self: Any, manifest: dict[str, Any], report: Any, whole: bool) -> bytes:
        return (compact_json(manifest) + "\n").encode("utf-8")  # the same bytes, encoded whole

    return [serialize, lambda self: None]


def _lib_urls() -> list[Any]:
    """urljoin (through `_resolve`, which also IDNA-encodes and percent-encodes) for every URL,
    then the scheme check, without any of the shortcuts."""
    from urllib.parse import urlsplit

    from feedpub.read import sanitize, urls

    def absolute_url(url: str, base: str) -> str:
        return urls._resolve(url.strip(), base)

    def safe_url(url: str, base: str, schemes: frozenset[str] = urls.MEDIA_SCHEMES) -> str | None:
        result = absolute_url(url, base)
        scheme = result.split(":", 1)[0].lower() if ":" in result else ""
        if scheme not in schemes:
            return None
        if scheme in ("http", "https") and not urlsplit(result).netloc:
            return None
        return result

    def filter_attribute(tag: str, attribute: str, value: str) -> str | None:
        if attribute == "href":
            return safe_url(value, sanitize._Base.url, urls.LINK_SCHEMES)
        if attribute not in sanitize._URL_ATTRIBUTES:
            return value
        if attribute == "srcset":
            return urls.absolute_srcset(value, sanitize._Base.url)
        return safe_url(value, sanitize._Base.url)

    return [absolute_url, safe_url, safe_url, safe_url, filter_attribute]


def _lib_xml() -> list[Any]:
    """Entries built as lxml trees and serialised (tests/test_render_text.py's oracle, with the
    archive variant); lxml refuses what `finish` refuses."""
    from lxml import etree

    from feedpub.read.dates import rfc822, rfc3339
    from feedpub.render.xml import ATOM, CONTENT, DC, MEDIA, sub

    a, m = f"{{{ATOM}}}", f"{{{MEDIA}}}"
    atom_ns: dict[str | None, str] = {None: ATOM, "media": MEDIA}
    rss_ns: dict[str | None, str] = {"atom": ATOM, "content": CONTENT, "dc": DC, "media": MEDIA}
    xml_base = "{http://www.w3.org/XML/1998/namespace}base"
    declared = {
        tag: etree.tostring(etree.Element(tag, nsmap=ns), encoding="utf-8")[:-2]
        for tag, ns in ((a + "entry", atom_ns), ("item", rss_ns))
    }

    def fragment(element: Any, name: bytes) -> bytes:
        data = etree.tostring(element, encoding="utf-8")
        return b"<" + name + data[len(declared[element.tag]) :]

    def atom_entry(post: Any, ctx: Any, archived: bool = False) -> bytes:
        entry = etree.Element(a + "entry", nsmap=atom_ns)
        sub(entry, a + "id", post.id)
        sub(entry, a + "title", post.title, type="text")
        sub(entry, a + "updated", rfc3339(post.updated))
        sub(entry, a + "published", rfc3339(post.published))
        if post.author is not None:
            author = sub(entry, a + "author")
            sub(author, a + "name", post.author.name)
            if post.author.email:
                sub(author, a + "email", post.author.email)
            if post.author.url:
                sub(author, a + "uri", post.author.url)
        sub(entry, a + "link", rel="alternate", type="text/html", href=post.url)
        for scope, _term, name in ctx.terms(post):
            sub(entry, a + "category", term=name, scheme=ctx.scheme(scope), label=name)
        if post.summary:
            sub(entry, a + "summary", post.summary, type="text")
        body = ctx.content(post, archived)
        if body:
            sub(entry, a + "content", body, type="html").set(xml_base, post.url)
        if post.image:
            sub(entry, m + "thumbnail", url=post.image)
            sub(entry, m + "content", url=post.image, medium="image")
        return fragment(entry, b"entry")

    def rss_entry(post: Any, ctx: Any) -> bytes:
        import html

        item = etree.Element("item", nsmap=rss_ns)
        sub(item, "title", post.title)
        sub(item, "link", post.url)
        sub(item, "guid", post.id, isPermaLink="true" if post.id == post.url else "false")
        sub(item, "pubDate", rfc822(post.published))
        if post.author is not None:
            sub(item, f"{{{DC}}}creator", post.author.name)
        for scope, _term, name in ctx.terms(post):
            sub(item, "category", name, domain=ctx.scheme(scope))
        sub(item, "description", html.escape(post.summary or post.title, quote=False))
        body = ctx.content(post)
        if body:
            sub(item, f"{{{CONTENT}}}encoded").text = etree.CDATA(body)
        if post.image:
            sub(item, f"{{{MEDIA}}}thumbnail", url=post.image)
            sub(item, f"{{{MEDIA}}}content", url=post.image, medium="image")
        return fragment(item, b"item")

    return [atom_entry, rss_entry]


def _lib_hidden() -> list[Any]:
    return [lambda fragment_html, lowered: fragment_html]  # every hinted fragment to lxml.html


def _lib_gzip(level: int) -> Callable[[], list[Any]]:
    def way() -> list[Any]:
        import gzip

        return [lambda data: gzip.compress(data, compresslevel=level, mtime=0)]

    return way


def _lib_fastpath() -> list[Any]:
    raise SystemExit("fastpath is measured by serving, not patched")


LIBRARY_WAY: dict[str, Callable[[], list[Any]]] = {
    "simple_yaml": _lib_simple_yaml,
    "pages": _lib_pages,
    "reaper": _lib_reaper,
    "manifest_text": _lib_manifest_text,
    "fastpath": _lib_fastpath,
    "urls": _lib_urls,
    "xml": _lib_xml,
    "hidden": _lib_hidden,
    "gzip6": _lib_gzip(6),
    "gzip1": _lib_gzip(1),
}


# ---- steps, each in a fresh process -----------------------------------------------------------


def _usage() -> tuple[float, float, float, float]:
    """(own CPU s, waited-for children's CPU s, own peak RSS MB, largest child's peak RSS MB)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (
        own.ru_utime + own.ru_stime,
        kids.ru_utime + kids.ru_stime,
        own.ru_maxrss / 1024,
        kids.ru_maxrss / 1024,
    )


def step_cold(config: Path, part: str, variant: str, args: argparse.Namespace) -> dict:
    """One cold build (`feedpub build` with no cache), the part as it is or the library way."""
    from datetime import UTC, datetime

    from feedpub.config import load_settings
    from feedpub.publish.cold_build import build_and_publish

    if variant == "lib":
        switch_to_library(part)
    settings = load_settings(config, {})
    cpu0, kids0, _, _ = _usage()
    start = time.perf_counter()
    result, report = build_and_publish(settings, datetime.now(UTC))
    seconds = time.perf_counter() - start
    cpu1, kids1, rss, kids_rss = _usage()
    out = {
        "seconds": seconds,
        "cpu": cpu1 - cpu0 + kids1 - kids0,
        "rss": rss,
        "worker_rss": kids_rss,
        "files": len(report.written),
        "posts": len(result.posts),
        "problems": len(result.problems),
    }
    if args.digests:
        manifest = json.loads((settings.feeds_dir / "manifest.json").read_text("utf-8"))
        out["digests"] = {path: record["sha256"] for path, record in manifest["files"].items()}
    return out


EDIT_LINE = "\n补充：本文于基准测试中更新。\n"


def edit_targets(publisher: Any, count: int) -> list[Path]:
    """`count` of the newest published posts (every other one of the site feed's first 2 × count),
    whose edit republishes the site's feeds and their terms' as an edit of a recent post does;
    the same posts in every process (the taxonomy does not depend on the process)."""
    from feedpub.model import FeedKey, Scope

    published = publisher.state.published
    assert published is not None and published.taxonomy is not None, "no taxonomy after two scans"
    newest = published.taxonomy.scopes[FeedKey(Scope.SITE)][: 2 * count : 2]
    return [publisher.settings.posts_dir / post.source for post in newest]


def step_edit(config: Path, part: str, variant: str, args: argparse.Namespace) -> dict:
    """The edit path as the running service sees it: warm start, an idle scan, then edits."""
    from feedpub.config import load_settings
    from feedpub.service.publisher import Publisher

    if variant == "lib":
        switch_to_library(part)
    settings = load_settings(config, {})
    publisher = Publisher(settings, watch=True)
    first = publisher.rescan()  # warm start from the last process's record
    publisher.rescan()  # idle: taxonomy, entries of the busiest feeds, manifest text
    edits, written = [], []
    for path in edit_targets(publisher, args.edits):
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(EDIT_LINE)
        time.sleep(1.0)  # inotify's batch (0.5 s), and the reaper's time between two edits
        t0 = time.perf_counter()
        report = publisher.rescan()
        edits.append((time.perf_counter() - t0) * 1000)
        written.append(report.written)
        if report.error:
            raise SystemExit(f"edit failed: {report.error}")
    publisher.close()
    return {"edits_ms": edits, "ms": statistics.median(edits), "written": written, "warm": first.rendered}


def step_prime(config: Path, part: str, variant: str, args: argparse.Namespace) -> dict:
    """The service's first build (fills the cache and records feeds/ for warm starts)."""
    from feedpub.config import load_settings
    from feedpub.service.publisher import Publisher

    publisher = Publisher(load_settings(config, {}))
    report = publisher.rescan()
    publisher.close()
    return {"error": report.error, "written": report.written}


# ---- in one process: each part's own calls, hand and library way in turn ------------------------
# A cold build on this shared machine varies by a third from one run to the next, far more than
# the 5 % to be judged. So each part is also timed on its own: the calls a cold build makes to it
# are recorded (counted, not guessed) and replayed both ways in alternating chunks in one process,
# so the two ways meet the same moment's load.


class Switch:
    """Flips one part between the hand-written code and the library way inside this process."""

    def __init__(self, part: str) -> None:
        self.targets = [_resolve(target) for target in TARGETS[part].split()]
        self.hand = [getattr(owner, name) for owner, name in self.targets]
        self.lib = LIBRARY_WAY[part]()

    def use(self, variant: str) -> None:
        for (owner, name), value in zip(
            self.targets, self.hand if variant == "hand" else self.lib, strict=True
        ):
            setattr(owner, name, value)


def replay(
    switch: Switch,
    calls: list[Any],
    run: Callable[[list[Any], str, int], None],
    passes: int,
    chunk: int,
    clock: Callable[[], float] = time.process_time,
) -> dict:
    """Every call, `passes` times, in chunks run both ways in turn (the order alternating chunk by
    chunk): the seconds each way spent on all the calls of one pass, and per pass the difference."""
    hand_totals, lib_totals = [], []
    for pass_ in range(passes):
        spent = {"hand": 0.0, "lib": 0.0}
        for index, start in enumerate(range(0, len(calls), chunk)):
            for variant in ("hand", "lib") if (index + pass_) % 2 == 0 else ("lib", "hand"):
                switch.use(variant)
                t0 = clock()
                run(calls[start : start + chunk], variant, pass_)
                spent[variant] += clock() - t0
        switch.use("hand")
        hand_totals.append(spent["hand"])
        lib_totals.append(spent["lib"])
    deltas = [lib - hand for hand, lib in zip(hand_totals, lib_totals, strict=True)]
    return {
        "calls": len(calls),
        "hand": statistics.median(hand_totals),
        "lib": statistics.median(lib_totals),
        "delta": statistics.median(deltas),
        "deltas": deltas,
    }


def _record_reads(settings: Any) -> tuple[list[Any], dict[str, list[Any]]]:
    """Read every post in this process (as the cold build's reader pool does, one file once),
    recording the calls that reach the read-side parts."""
    from feedpub.read import fields, front_matter
    from feedpub.read import sanitize as content
    from feedpub.read.load import load_posts
    from feedpub.read.scan import scan

    calls: dict[str, list[Any]] = {"yaml": [], "filter": [], "dialect_url": [], "hidden": []}
    saved = {
        (front_matter, "_load_yaml"): front_matter._load_yaml,
        (content, "_filter_attribute"): content._filter_attribute,
        (fields, "safe_url"): fields.safe_url,
        (content, "drop_hidden"): content.drop_hidden,
    }

    def recorder(key: str, function: Any, extra: Callable[[], tuple[Any, ...]] = tuple) -> Any:
        def record(*args: Any) -> Any:
            calls[key].append((*args, *extra()))
            return function(*args)

        return record

    front_matter._load_yaml = recorder("yaml", front_matter._load_yaml)
    content._filter_attribute = recorder("filter", content._filter_attribute, lambda: (content._Base.url,))
    fields.safe_url = recorder("dialect_url", fields.safe_url)
    content.drop_hidden = recorder("hidden", content.drop_hidden)
    content._cleaner.cache_clear()  # built anew around the recording filter
    try:
        loaded = load_posts(scan(settings.posts_dir), settings, workers=1)
    finally:
        for (owner, name), value in saved.items():
            setattr(owner, name, value)
        content._cleaner.cache_clear()
    return loaded.posts, calls


def _record_render(settings: Any, posts: list[Any]) -> tuple[Any, dict[str, list[Any]]]:
    """Render every file of the build in this process (each entry once per format, as the lanes
    do), recording entries and pages rendered; keeps the files for the write-side replays."""
    from datetime import UTC, datetime

    from feedpub.render import site
    from feedpub.render.pages import PageRenderer
    from feedpub.render.taxonomy import build_taxonomy

    renderer = site.SiteRenderer(settings, build_taxonomy(posts, datetime.now(UTC)))
    calls: dict[str, list[Any]] = {"entries": [], "pages": [], "files": []}
    render_entry, post_page, term_page = site._render_entry, PageRenderer.post_page, PageRenderer.term_page

    def entry(kind: str, post: Any, ctx: Any) -> bytes:
        calls["entries"].append((kind, post))
        return render_entry(kind, post, ctx)

    def post(self: Any, item: Any) -> Any:
        calls["pages"].append(("post", item))
        return post_page(self, item)

    def term(self: Any, key: Any, members: Any) -> Any:
        calls["pages"].append(("term", key, members))
        return term_page(self, key, members)

    site._render_entry, PageRenderer.post_page, PageRenderer.term_page = entry, post, term
    try:
        calls["files"] = list(renderer.all_files())
    finally:
        site._render_entry, PageRenderer.post_page, PageRenderer.term_page = (
            render_entry,
            post_page,
            term_page,
        )
    return renderer, calls


def step_counted(config: Path, part: str, variant: str, args: argparse.Namespace) -> dict:
    """Per part: its calls in a cold build, counted, and what they cost each way."""
    from feedpub.config import load_settings
    from feedpub.publish import store
    from feedpub.read import fields, front_matter
    from feedpub.read import sanitize as content
    from feedpub.render import site
    from feedpub.render.pages import PageRenderer

    settings = load_settings(config, {})
    parts = args.counted.split(",")
    passes = args.rounds
    posts, reads = _record_reads(settings)
    renderer, renders = _record_render(settings, posts)
    out: dict[str, Any] = {}

    def yaml(chunk: list[Any], _variant: str, _pass: int) -> None:
        for raw, max_nodes in chunk:
            front_matter._load_yaml(raw, max_nodes)

    def urls(chunk: list[Any], _variant: str, _pass: int) -> None:
        base = None
        for call in chunk:
            if call[0] == "filter":
                _, tag, attribute, value, url = call
                if url != base:
                    content._Base.set(url)
                    base = url
                content._filter_attribute(tag, attribute, value)
            else:
                fields.safe_url(*call[1:])
        content._Base.set("")

    def hidden(chunk: list[Any], _variant: str, _pass: int) -> None:
        for (fragment,) in chunk:
            content.drop_hidden(fragment)

    pages_by_pass: dict[int, Any] = {}

    def pages(chunk: list[Any], _variant: str, pass_: int) -> None:
        pager = pages_by_pass.setdefault(pass_, PageRenderer(renderer.taxonomy, settings))  # caches per pass
        for call in chunk:
            if call[0] == "post":
                pager.post_page(call[1])
            else:
                pager.term_page(call[1], call[2])

    def xml(chunk: list[Any], _variant: str, _pass: int) -> None:
        for kind, post in chunk:
            site._render_entry(kind, post, renderer.ctx)

    def gzip(chunk: list[Any], _variant: str, _pass: int) -> None:
        for data in chunk:
            store.gzip_bytes(data)

    written = [
        (path, data, store.gzip_bytes(data) if store.precompressed(path) else None)
        for path, data in renders["files"]
    ]

    workloads: dict[str, tuple[list[Any], Callable[[list[Any], str, int], None], int]] = {
        "simple_yaml": (reads["yaml"], yaml, 250),
        "urls": (
            [("filter", *c) for c in reads["filter"]] + [("dialect", *c) for c in reads["dialect_url"]],
            urls,
            2000,
        ),
        "hidden": (reads["hidden"], hidden, 250),
        "pages": (renders["pages"], pages, 250),
        "xml": ([c for c in renders["entries"] if c[0] != "json"], xml, 500),
        "gzip6": ([data for path, data in renders["files"] if store.precompressed(path)], gzip, 100),
        "gzip1": ([data for path, data in renders["files"] if store.precompressed(path)], gzip, 100),
    }
    for name in parts:
        calls, run, chunk = workloads[name]
        log(f"  counted: {name}, {len(calls)} calls…")
        out[name] = replay(Switch(name), calls, run, passes, chunk)
    out["files"] = len(written) + sum(packed is not None for _p, _d, packed in written)
    return out


def step_edit_pairs(config: Path, part: str, variant: str, args: argparse.Namespace) -> dict:
    """The edit path with the part switched edit by edit in one running service: each post is
    edited twice, once each way (the order alternating post by post)."""
    from feedpub.config import load_settings
    from feedpub.service.publisher import Publisher

    settings = load_settings(config, {})
    publisher = Publisher(settings, watch=True)
    publisher.rescan()
    publisher.rescan()
    store = publisher.store
    reaper = store._reaper
    out = {}
    for name in args.counted.split(","):
        switch = Switch(name)

        def use(way: str, switch: Switch = switch, name: str = name) -> None:
            if name == "reaper":  # the running store's own reaper, not the class the service starts with
                store._reaper, store._held = (reaper, []) if way == "hand" else (None, None)
                return
            switch.use(way)
            if way == "hand":  # the kept manifest text, as current as after any publish (untimed)
                store._files_text = None
                store.prepare()

        times: dict[str, list[float]] = {"hand": [], "lib": []}
        written = []
        for index, path in enumerate(edit_targets(publisher, args.edits)):
            for way in ("hand", "lib") if index % 2 == 0 else ("lib", "hand"):
                use(way)
                with open(path, "a", encoding="utf-8") as handle:
                    handle.write(EDIT_LINE)
                time.sleep(1.0)
                t0 = time.perf_counter()
                report = publisher.rescan()
                times[way].append((time.perf_counter() - t0) * 1000)
                written.append(report.written)
                if report.error:
                    raise SystemExit(f"edit failed: {report.error}")
        use("hand")
        out[name] = {**paired(times["hand"], times["lib"]), "written": statistics.median(written)}
    publisher.close()
    return out


STEPS = {
    "cold": step_cold,
    "edit": step_edit,
    "prime": step_prime,
    "counted": step_counted,
    "edit-pairs": step_edit_pairs,
}


def run_step(step: str, config: Path, part: str = "-", variant: str = "hand", **options: Any) -> dict:
    command = [PYTHON, __file__, "--step", step, "--part", part, "--variant", variant, str(config)]
    for name, value in options.items():
        command += [f"--{name.replace('_', '-')}"] + ([] if value is True else [str(value)])
    os.sync()  # no step pays for another's writeback
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(
            f"step {step} {part} {variant} failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}"
        )
    return json.loads(result.stdout.strip().splitlines()[-1])


# ---- serving ---------------------------------------------------------------------------------


def serve_app() -> Any:
    """The WSGI app of one Granian worker: the fast path (as `feedpub serve`) or Flask alone."""
    from feedpub.config import load_settings

    settings = load_settings(os.environ["FEEDPUB_CONFIG"], {})
    hand, lib = TARGETS["fastpath"].split()
    return current(hand if os.environ["FEEDPUB_ALT_SERVE"] == "hand" else lib)(settings)


def serve_main(config: Path, variant: str, port: int) -> None:
    """Granian as `feedpub serve` runs it (one spawned worker, 16 threads), without the scheduler."""
    from granian import Granian
    from granian.constants import Interfaces
    from granian.log import LogLevels

    os.environ["FEEDPUB_CONFIG"] = str(config)
    os.environ["FEEDPUB_ALT_SERVE"] = variant
    multiprocessing.set_start_method("spawn", force=True)
    Granian(
        "alternatives:serve_app",
        address="127.0.0.1",
        port=port,
        interface=Interfaces.WSGI,
        workers=1,
        blocking_threads=16,
        factory=True,
        websockets=False,
        log_level=LogLevels.warning,
        working_dir=BENCH,
    ).serve()


def measure_serving(config: Path, variant: str, seconds: int) -> dict:
    port = free_port()
    server = subprocess.Popen(
        [PYTHON, __file__, "--serve", variant, "--port", str(port), str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}/atom.xml"
        etag = None
        deadline = time.monotonic() + 120
        while etag is None:
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit(f"the {variant} server never answered")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    etag = response.headers["ETag"]
            except OSError:
                time.sleep(0.2)
        wrk(url, {"Accept-Encoding": "gzip"}, 2)  # warm up: the answer is made and kept
        gzip = wrk(url, {"Accept-Encoding": "gzip"}, seconds)
        not_modified = wrk(url, {"If-None-Match": etag}, seconds)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    return {
        "gzip": gzip["rps"],
        "304": not_modified["rps"],
        "errors": gzip["errors"] + not_modified["errors"],
    }


# ---- the run ----------------------------------------------------------------------------------


class Folders:
    """Output folders of the builds: kept until the run ends (deleting thousands of files just
    before a build slows it, see bench/run.py), unless the disk runs short."""

    RESERVE = 15 * 1024**3

    def __init__(self, site: Path) -> None:
        self.site = site
        self.made: list[Path] = []
        self.count = 0

    def config(self, name: str) -> Path:
        self.count += 1
        feeds = f"feeds-{self.count}-{name}"
        while self.made and shutil.disk_usage(self.site).free < self.RESERVE:
            shutil.rmtree(self.made.pop(0), ignore_errors=True)
        self.made.append(self.site / feeds)
        path = self.site / f"{feeds}.yaml"
        path.write_text(CONFIG.format(port=8080, feeds=feeds, cache=f".cache-{self.count}"))
        return path


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def check_outputs(parts: list[str], site: Path) -> dict[str, str]:
    """Each cold-build part built both ways on a small corpus: are the files the same?"""
    folders = Folders(site)
    hand = run_step("cold", folders.config("hand"), "-", "hand", digests=True)["digests"]
    verdicts = {}
    for part in parts:
        lib = run_step("cold", folders.config(part), part, "lib", digests=True)["digests"]
        differ = sorted(p for p in hand.keys() | lib.keys() if hand.get(p) != lib.get(p))
        verdicts[part] = "same bytes" if not differ else f"{len(differ)} of {len(hand)} files differ"
        if differ:
            log(f"  {part}: differs in {', '.join(differ[:5])}")
    return verdicts


def paired(hand: list[float], lib: list[float]) -> dict:
    """Medians of each way, and the library way's extra cost as % of the hand-written way's
    figure: the median of the round-by-round paired differences, and their range."""
    shares = [(b - a) / a * 100 for a, b in zip(hand, lib, strict=True)]
    return {
        "hand": statistics.median(hand),
        "lib": statistics.median(lib),
        "share": statistics.median(shares),
        "low": min(shares),
        "high": max(shares),
        "hand_all": hand,
        "lib_all": lib,
    }


def alternate(rounds: int, measure: Callable[[str, int], dict]) -> tuple[list[dict], list[dict]]:
    """`rounds` measurements each way, in the order hand, lib, lib, hand, hand, lib …"""
    hand, lib = [], []
    for round_ in range(rounds):
        for variant in ("hand", "lib") if round_ % 2 == 0 else ("lib", "hand"):
            (hand if variant == "hand" else lib).append(measure(variant, round_))
    return hand, lib


def measure_all(args: argparse.Namespace, work: Path) -> dict:
    parts = args.parts
    results: dict[str, Any] = {
        "posts": args.posts,
        "rounds": args.rounds,
        "edits": args.edits,
        "wrk_seconds": args.wrk_seconds,
    }
    cold_parts = [p for p in parts if PARTS[p][1] == "cold"]
    site = work / "site"
    log(f"corpus: {args.posts} posts (bench/corpus.py, seed 1, mixed)")
    generate(site / "posts", args.posts, seed=1, dialect="mixed")
    if cold_parts and args.check_posts:
        small = work / "small"
        generate(small / "posts", args.check_posts, seed=1, dialect="mixed")
        log(f"checking outputs on {args.check_posts} posts…")
        results["same"] = check_outputs(cold_parts, small)
    folders = Folders(site)
    if cold_parts:
        log("warm-up build (not counted)…")
        run_step("cold", folders.config("warm-up"))
    for part in cold_parts:
        log(f"{part}: cold builds…")
        hand, lib = alternate(
            args.rounds, lambda variant, _r, part=part: run_step("cold", folders.config(part), part, variant)
        )
        results[part] = {
            **paired([r["seconds"] for r in hand], [r["seconds"] for r in lib]),
            "cpu": paired([r["cpu"] for r in hand], [r["cpu"] for r in lib]),
            "rss": (statistics.median(r["rss"] for r in hand), statistics.median(r["rss"] for r in lib)),
            "worker_rss": (
                statistics.median(r["worker_rss"] for r in hand),
                statistics.median(r["worker_rss"] for r in lib),
            ),
            "files": hand[0]["files"],
            "hand_runs": hand,
        }
        log(f"  {json.dumps(results[part])}")
    edit_parts = [p for p in parts if PARTS[p][1] == "edit"]
    if edit_parts:
        service = site / "service.yaml"
        service.write_text(CONFIG.format(port=8080, feeds="feeds-service", cache=".cache-service"))
        log("edit path: the service's first build…")
        run_step("prime", service)
        for part in edit_parts:
            log(f"{part}: edits…")
            hand, lib = alternate(
                args.rounds,
                lambda variant, _r, part=part: run_step("edit", service, part, variant, edits=args.edits),
            )
            results[part] = {
                **paired([r["ms"] for r in hand], [r["ms"] for r in lib]),
                "written": statistics.median(w for r in hand for w in r["written"]),
            }
            log(f"  {json.dumps(results[part])}")
    if cold_parts:  # the build the shares are of: every hand-written build of this run
        hand_builds = [r for part in cold_parts for r in results[part]["hand_runs"]]
        results["build"] = {
            "seconds": statistics.median(r["seconds"] for r in hand_builds),
            "cpu": statistics.median(r["cpu"] for r in hand_builds),
            "runs": len(hand_builds),
        }
    counted = [p for p in cold_parts if p in COUNTED]
    if counted:
        log(f"counted calls, replayed both ways in one process: {', '.join(counted)}…")
        figures = run_step(
            "counted", folders.config("counted"), counted=",".join(counted), rounds=args.rounds
        )
        build_cpu = results["build"]["cpu"]
        for part in counted:
            f = figures[part]
            shares = [d / build_cpu * 100 for d in f["deltas"]]
            results[part]["primary"] = {
                **f,
                "share": f["delta"] / build_cpu * 100,
                "low": min(shares),
                "high": max(shares),
            }
        log(f"  {json.dumps(figures)}")
    if edit_parts:
        log(f"edit path, switched edit by edit in one service: {', '.join(edit_parts)}…")
        figures = run_step("edit-pairs", service, counted=",".join(edit_parts), edits=args.edits)
        for part in edit_parts:
            results[part]["primary"] = figures[part]
        log(f"  {json.dumps(figures)}")
    if "fastpath" in parts:
        log("fastpath: serving…")
        config = folders.config("serve")
        run_step("cold", config)
        hand, lib = alternate(
            args.rounds, lambda variant, _r: measure_serving(config, variant, args.wrk_seconds)
        )
        results["fastpath"] = {
            kind: paired([r[kind] for r in hand], [r[kind] for r in lib]) for kind in ("gzip", "304")
        }
        results["fastpath"]["errors"] = sum(r["errors"] for r in hand + lib)
        log(f"  {json.dumps(results['fastpath'])}")
    return results


# ---- the table --------------------------------------------------------------------------------


def _pct(value: float) -> str:
    return f"{value:+.1f} %"


def _verdict(figures: dict) -> str:
    share = figures["share"]
    verdict = "keep" if share >= THRESHOLD else "use the library"
    if figures["low"] < THRESHOLD <= figures["high"]:
        verdict += " (spread straddles 5 %)"
    return verdict


def _range(figures: dict) -> str:
    return f"{_pct(figures['low'])} … {_pct(figures['high'])}"


def _per_call(seconds: float, calls: int) -> str:
    each = seconds / calls * 1e6 if calls else 0.0
    return f"{seconds:.2f} s for {calls:,} calls ({each:,.1f} µs each)"


def table(results: dict) -> str:
    posts, rounds = results["posts"], results["rounds"]
    build = results.get("build")
    lines = [
        f"| part | replaces | hand-written | library way | library − hand, % of a {posts:,}-post cold build"
        f" or of the edit path (range) | whole builds / service runs A/B, {rounds} each way (range) | output"
        f" | verdict (keep if ≥ {THRESHOLD:.0f} %) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    same = results.get("same", {})
    for part in PARTS:
        if part not in results:
            continue
        figures = results[part]
        replaces, kind = PARTS[part][0], PARTS[part][1]
        primary = figures.get("primary")
        if kind == "cold":
            cpu = figures["cpu"]
            whole = (
                f"{figures['hand']:.2f} → {figures['lib']:.2f} s: {_pct(figures['share'])} ({_range(figures)});"
                f" CPU {cpu['hand']:.1f} → {cpu['lib']:.1f} s: {_pct(cpu['share'])} ({_range(cpu)})"
            )
            output = same.get(part, "not checked")
            if part.startswith("gzip") and output == "same bytes":
                output = "same files (their .gz differ, as they must)"
            if primary is not None:
                hand = _per_call(primary["hand"], primary["calls"])
                lib = _per_call(primary["lib"], primary["calls"])
                diff = f"{_pct(primary['share'])} of the build's CPU time ({_range(primary)})"
            else:
                hand, lib, diff = f"{figures['hand']:.2f} s", f"{figures['lib']:.2f} s", whole
            verdict = _verdict(primary or figures)
        elif kind == "edit":
            whole = f"{figures['hand']:.0f} → {figures['lib']:.0f} ms: {_pct(figures['share'])} ({_range(figures)})"
            output = "same bytes (by construction)" if part == "manifest_text" else "same files"
            if primary is not None:
                hand = f"{primary['hand']:.0f} ms an edit ({primary['written']:.0f} files written)"
                lib = f"{primary['lib']:.0f} ms an edit"
                diff = f"{_pct(primary['share'])} of the edit path ({_range(primary)})"
            else:
                hand, lib, diff = f"{figures['hand']:.0f} ms", f"{figures['lib']:.0f} ms", whole
            verdict = _verdict(primary or figures)
        else:
            gz, nm = figures["gzip"], figures["304"]
            hand = f"gzip 200: {gz['hand']:,.0f} req/s; 304: {nm['hand']:,.0f} req/s"
            lib = f"gzip 200: {gz['lib']:,.0f} req/s; 304: {nm['lib']:,.0f} req/s"
            diff = (
                f"not a build figure: fast path ×{gz['hand'] / gz['lib']:.1f} (gzip 200),"
                f" ×{nm['hand'] / nm['lib']:.1f} (304)"
            )
            whole = f"{rounds} server runs each way, wrk {results.get('wrk_seconds')} s a figure"
            output = f"{figures['errors']} errors"
            verdict = "serving: not under the 5 % rule"
        lines.append(
            f"| {ROWS[part]} | {replaces} | {hand} | {lib} | {diff} | {whole} | {output} | {verdict} |"
        )
    lines.append("")
    if build:
        lines.append(
            f"The cold build: {build['seconds']:.2f} s wall, {build['cpu']:.1f} s CPU (process and workers),"
            f" medians of the {build['runs']} hand-written builds of this run."
        )
    lines.append(
        "The shares decide: each part's calls in a cold build, recorded and counted, replayed both ways in"
        f" alternating chunks in one process ({rounds} passes; CPU seconds of one thread, as % of the build's"
        " CPU seconds; range over passes); the Reaper and manifest_text: one service, each post edited"
        " twice, once each way. The whole-build column (fresh processes taken in turn, medians) is the"
        " cross-check: on this shared machine a build varies by a third between runs."
    )
    for part in PARTS:
        if part in results:
            method = METHOD[part].replace("EDITS", str(results.get("edits", "?")))
            method = method.replace("WRK", str(results.get("wrk_seconds", "?")))
            lines.append(f"- {ROWS[part].split(' ', 1)[0]} {method}.")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("config", nargs="?", type=Path)
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3, help="measurements each way, alternating")
    parser.add_argument("--parts", default=",".join(PARTS), help=f"comma-separated, of: {', '.join(PARTS)}")
    parser.add_argument("--edits", type=int, default=9, help="edits timed per edit-path process")
    parser.add_argument("--wrk-seconds", type=int, default=10)
    parser.add_argument("--check-posts", type=int, default=1000, help="corpus of the output check (0: none)")
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    parser.add_argument("--step", choices=sorted(STEPS), help=argparse.SUPPRESS)
    parser.add_argument("--part", default="-", help=argparse.SUPPRESS)
    parser.add_argument("--variant", choices=("hand", "lib"), default="hand", help=argparse.SUPPRESS)
    parser.add_argument("--digests", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--counted", default="", help=argparse.SUPPRESS)
    parser.add_argument("--serve", choices=("hand", "lib"), help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve_main(args.config, args.serve, args.port)
        return
    if args.step:
        print(json.dumps(STEPS[args.step](args.config, args.part, args.variant, args)))
        return
    args.parts = [p.strip() for p in args.parts.split(",") if p.strip()]
    unknown = [p for p in args.parts if p not in PARTS]
    if unknown:
        parser.error(f"unknown parts: {', '.join(unknown)}")
    with tempfile.TemporaryDirectory(prefix="feedpub-alternatives-") as tmp:
        results = measure_all(args, Path(tmp))
        if args.json:
            args.json.write_text(json.dumps(results, indent=1))
        print(table(results), flush=True)  # before the folders go (deleting them takes minutes)
        log("removing the build folders…")


if __name__ == "__main__":
    with contextlib.suppress(BrokenPipeError):
        main()
