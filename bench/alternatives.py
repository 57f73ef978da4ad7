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

Before timing, every cold-build part is built both ways on a small corpus and the outputs compared
file by file (the manifests' sha256), so a patch that changed what is built cannot pass unseen.
The corpus comes from bench/corpus.py (seed 1, mixed dialects) in a temporary folder.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import importlib
import json
import multiprocessing
import os
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
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
    "tmpfile": "feedpub.publish.store:_TMPFILE",
    "fork_map": "feedpub.publish.cold_build:fork_map",
    "manifest_text": "feedpub.publish.store:Store._serialize feedpub.publish.store:Store.prepare",
    "fastpath": "feedpub.serve.fastpath:application feedpub.serve.app:create_app",
    "urls": "feedpub.read.content:absolute_url feedpub.read.content:safe_url feedpub.read.dialects:safe_url "
    "feedpub.read.content:_filter_attribute",
    "xml": "feedpub.render.atom:render_entry feedpub.render.rss:render_entry",
    "hidden": "feedpub.read.content:_drop_simple_hidden",
    "summary": "feedpub.read.dialects:_MARKUP",
    "gzip6": "feedpub.publish.store:gzip_bytes",
    "gzip1": "feedpub.publish.store:gzip_bytes",
}

# part → (what the hand-written code replaces, how it is measured, what the library way is)
PARTS: dict[str, tuple[str, str, str]] = {
    "simple_yaml": ("libyaml for plain front matter", "cold", "PyYAML CSafeLoader for every post"),
    "pages": ("Jinja for post and term pages", "cold", "post.html / term.html through Jinja"),
    "reaper": ("closing replaced files at once", "edit", "os.replace, no held descriptors"),
    "tmpfile": ("temp name + rename for new files", "cold", "temp name + os.replace"),
    "fork_map": ("concurrent.futures process pool", "cold", "ProcessPoolExecutor(fork), a task per lane"),
    "manifest_text": ("json.dumps of the manifest", "edit", "json.dumps of the whole manifest"),
    "fastpath": ("the Flask app alone", "serve", "Flask app (create_app) under Granian"),
    "urls": ("urllib.parse.urljoin for every URL", "cold", "urljoin + scheme check for every URL"),
    "xml": ("lxml.etree for entries", "cold", "Atom and RSS entries built with lxml.etree"),
    "hidden": ("lxml.html for hidden elements", "cold", "lxml.html parse of every hinted fragment"),
    "summary": ("markdown + nh3 for summaries", "cold", "every given summary rendered and cleaned"),
    "gzip6": ("stdlib zlib, level 6 (isal is a library)", "cold", "gzip.compress level 6"),
    "gzip1": ("stdlib zlib, level 1 (isal is a library)", "cold", "gzip.compress level 1"),
}
ROWS = {
    "simple_yaml": "1. `read_simple` (plain YAML front matter)",
    "pages": "2. post/term pages built in code",
    "reaper": "3. `Reaper` thread",
    "tmpfile": "4. O_TMPFILE + link for new files",
    "fork_map": "5. `fork_map` with lanes",
    "manifest_text": "6. `manifest_text` (manifest patched per block)",
    "fastpath": "7. `fastpath` (ready answers before Flask)",
    "urls": "8. URL shortcuts around `urljoin`",
    "xml": "9. entries as escaped text (`xml.text/attr/finish`)",
    "hidden": "10. `_drop_simple_hidden` (regex cut, no parser)",
    "summary": "11. plain summaries not rendered (`_MARKUP` check)",
    "gzip6": "12. ISA-L gzip level 2 (vs zlib 6)",
    "gzip1": "13. ISA-L gzip level 2 (vs zlib 1)",
}
# how each row is measured (printed under the table)
METHOD = {
    "simple_yaml": "whole cold build; lib: `read_simple` answers None, so every front matter goes through "
    "the CSafeLoader path (depth check, compose, construct)",
    "pages": "whole cold build; lib: `PageRenderer.post_page`/`term_page` render post.html/term.html "
    "through the project's Jinja environment (tests/test_pages_fast.py's reference views)",
    "reaper": "edit path: Publisher(watch=True) warm-started on the corpus, one idle scan, then EDITS "
    "edits of different posts 1 s apart, each `rescan()` timed, median per process; lib: "
    "`Reaper` → None, i.e. `Store(feeds_dir, None)`",
    "tmpfile": "whole cold build; lib: `_TMPFILE = 0`, so new files take the temporary name + os.replace way",
    "fork_map": "whole cold build; lib: `fork_map` → ProcessPoolExecutor(mp_context=fork), one task per lane "
    "(biggest first) then one per lane-less group, the task callable passed by `initializer`, "
    "gc.freeze kept; peak RSS main / largest child",
    "manifest_text": "edit path as for the Reaper; lib: `Store._serialize` → json.dumps of the whole manifest "
    "on each publish (same bytes), `Store.prepare` → nothing",
    "fastpath": "Granian, 1 worker, 16 threads, as `feedpub serve` runs it, on a cold-built feeds/; wrk -t2 "
    "-c64 for WRK s each on /atom.xml (gzip 200, then 304 by If-None-Match), after 2 s of warm-up; "
    "lib: `create_app(settings)` alone; medians over rounds",
    "urls": "whole cold build; lib: `absolute_url` → `_resolve` (urljoin, IDNA, quoting) always, `safe_url` "
    "(in content and dialects) without its plain-URL shortcut, the attribute filter without its "
    "footnote shortcut",
    "xml": "whole cold build; lib: Atom (incl. archive) and RSS entries built as lxml.etree trees and "
    "serialised (tests/test_render_text.py's oracle); feed heads stay text",
    "hidden": "whole cold build; lib: `_drop_simple_hidden` does nothing, so every fragment with a hiding "
    "hint is parsed with lxml.html and re-serialised",
    "summary": "whole cold build; lib: `_MARKUP` matches everything, so every given summary is rendered "
    "(markdown-it + nh3) and turned into text",
    "gzip6": "whole cold build; lib: `gzip_bytes` → stdlib gzip.compress(level 6, mtime 0); a library "
    "replaced by a library (isal), measured because the rule asks dependencies to earn their place",
    "gzip1": "as gzip6 with level 1 (about isal level 2's size)",
}
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


def _lib_pages() -> list[Any]:
    """post.html and term.html rendered through Jinja, as tests/test_pages_fast.py's reference."""
    from feedpub.model import Scope
    from feedpub.render.pages import _post_view, post_page_path

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
        return post_page_path(post), self._render(
            "post.html", page_title=title, discovery=self.site_feeds, post=view
        )

    def term_page(self: Any, key: Any, members: tuple[Any, ...]) -> tuple[str, bytes]:
        site = self.settings.site
        label = self.labels["category" if key.scope is Scope.CATEGORY else "tag"]
        feeds = self.links.feeds(key, f"{site.title} · {label}: {key.name}")
        return key.path + "index.html", self._render(
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


def _lib_tmpfile() -> list[Any]:
    return [0]  # no O_TMPFILE: every new file goes through a temporary name and os.replace


_TASK: Callable[[int], Any] | None = None


def _set_task(task: Callable[[int], Any]) -> None:
    """The executor's initializer: a fork context hands `task` over without pickling it."""
    global _TASK
    _TASK = task


def _run_tasks(indices: list[int]) -> list[tuple[int, Any]]:
    assert _TASK is not None
    return [(index, _TASK(index)) for index in indices]


def executor_map(
    task: Callable[[int], Any], count: int, workers: int | None = None, lanes: Any = None
) -> list[Any]:
    """fork_map's contract with concurrent.futures: one task per lane (its indices in order, in
    one worker), then one per lane-less index; the callable reaches the workers through the
    initializer. gc.freeze as fork_map does (a line either way)."""
    workers = min(workers or os.cpu_count() or 1, count)
    if workers <= 1 or threading.active_count() > 1:
        return [task(index) for index in range(count)]
    members: dict[Any, list[int]] = {}
    for index, lane in enumerate(lanes if lanes is not None else [None] * count):
        members.setdefault(lane, []).append(index)
    free = members.pop(None, [])
    results: list[Any] = [None] * count
    gc.freeze()
    try:
        with ProcessPoolExecutor(
            workers, mp_context=multiprocessing.get_context("fork"), initializer=_set_task, initargs=(task,)
        ) as pool:
            futures = [
                pool.submit(_run_tasks, indices) for indices in sorted(members.values(), key=len)[::-1]
            ]
            futures += [pool.submit(_run_tasks, [index]) for index in free]
            for future in futures:
                for index, value in future.result():
                    results[index] = value
    finally:
        gc.unfreeze()
    return results


def _lib_fork_map() -> list[Any]:
    return [executor_map]


def _lib_manifest_text() -> list[Any]:
    from feedpub.publish.manifest_text import compact_json

    def serialize(self: Any, manifest: dict[str, Any], report: Any, whole: bool) -> bytes:
        return (compact_json(manifest) + "\n").encode("utf-8")  # the same bytes, encoded whole

    return [serialize, lambda self: None]


def _lib_urls() -> list[Any]:
    """urljoin (through `_resolve`, which also IDNA-encodes and percent-encodes) for every URL,
    then the scheme check, without any of the shortcuts."""
    from urllib.parse import urlsplit

    from feedpub.read import content

    def absolute_url(url: str, base: str) -> str:
        return content._resolve(url.strip(), base)

    def safe_url(url: str, base: str, schemes: frozenset[str] = content.MEDIA_SCHEMES) -> str | None:
        result = absolute_url(url, base)
        scheme = result.split(":", 1)[0].lower() if ":" in result else ""
        if scheme not in schemes:
            return None
        if scheme in ("http", "https") and not urlsplit(result).netloc:
            return None
        return result

    def filter_attribute(tag: str, attribute: str, value: str) -> str | None:
        if attribute == "href":
            return safe_url(value, content._Base.url, content.LINK_SCHEMES)
        if attribute not in content._URL_ATTRIBUTES:
            return value
        if attribute == "srcset":
            return content._absolute_srcset(value, content._Base.url)
        return safe_url(value, content._Base.url)

    return [absolute_url, safe_url, safe_url, filter_attribute]


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


def _lib_summary() -> list[Any]:
    return [re.compile("")]  # every given summary "has markup": rendered, cleaned, made text


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
    "tmpfile": _lib_tmpfile,
    "fork_map": _lib_fork_map,
    "manifest_text": _lib_manifest_text,
    "fastpath": _lib_fastpath,
    "urls": _lib_urls,
    "xml": _lib_xml,
    "hidden": _lib_hidden,
    "summary": _lib_summary,
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


def edit_targets(posts_dir: Path, count: int) -> list[Path]:
    """`count` published posts spread over the corpus, the same ones in every process."""
    posts = sorted(posts_dir.glob("*.md"))
    chosen: list[Path] = []
    step = 0
    while len(chosen) < count and step < 10 * count:
        step += 1
        path = posts[(step * 7919) % len(posts)]
        if path not in chosen and "draft: true" not in path.read_text("utf-8"):
            chosen.append(path)
    return chosen


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
    for path in edit_targets(settings.posts_dir, args.edits):
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


STEPS = {"cold": step_cold, "edit": step_edit, "prime": step_prime}


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


def table(results: dict) -> str:
    posts, rounds = results["posts"], results["rounds"]
    lines = [
        f"| part | replaces | hand-written | library way | library − hand, % of {posts:,}-post cold build"
        f" or edit path (range over {rounds} rounds) | output | verdict (keep if ≥ {THRESHOLD:.0f} %) |",
        "|---|---|---|---|---|---|---|",
    ]
    same = results.get("same", {})
    for part in PARTS:
        if part not in results:
            continue
        figures = results[part]
        replaces = PARTS[part][0]
        kind = PARTS[part][1]
        if kind == "cold":
            cpu = figures["cpu"]
            hand = f"{figures['hand']:.2f} s (CPU {cpu['hand']:.1f} s)"
            lib = f"{figures['lib']:.2f} s (CPU {cpu['lib']:.1f} s)"
            if part == "fork_map":
                hand += f"; peak RSS {figures['rss'][0]:.0f} / {figures['worker_rss'][0]:.0f} MB"
                lib += f"; peak RSS {figures['rss'][1]:.0f} / {figures['worker_rss'][1]:.0f} MB"
            diff = (
                f"{_pct(figures['share'])} of the build ({_pct(figures['low'])} … {_pct(figures['high'])});"
                f" CPU {_pct(cpu['share'])}"
            )
            output = same.get(part, "not checked")
            verdict = _verdict(figures)
        elif kind == "edit":
            hand = f"{figures['hand']:.0f} ms an edit"
            lib = f"{figures['lib']:.0f} ms an edit"
            diff = f"{_pct(figures['share'])} of the edit path ({_pct(figures['low'])} … {_pct(figures['high'])})"
            output = "same bytes (by construction)" if part == "manifest_text" else "same files"
            hand += f" ({figures['written']:.0f} files written)"
            verdict = _verdict(figures)
        else:
            gz, nm = figures["gzip"], figures["304"]
            hand = f"gzip 200: {gz['hand']:,.0f} req/s; 304: {nm['hand']:,.0f} req/s"
            lib = f"gzip 200: {gz['lib']:,.0f} req/s; 304: {nm['lib']:,.0f} req/s"
            diff = (
                f"not a build figure: fast path ×{gz['hand'] / gz['lib']:.1f} (gzip 200),"
                f" ×{nm['hand'] / nm['lib']:.1f} (304)"
            )
            output = f"{figures['errors']} errors"
            verdict = "serving: the lead decides"
        lines.append(f"| {ROWS[part]} | {replaces} | {hand} | {lib} | {diff} | {output} | {verdict} |")
    lines.append("")
    lines.append(
        f"Each figure is the median of {rounds} fresh processes each way, taken in turn (hand, lib, lib,"
        " hand, …); the share is the median of the paired differences, with their range. Cold builds:"
        " `feedpub build` with no cache, wall seconds (CPU: the process and its workers)."
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
    print(table(results))


if __name__ == "__main__":
    with contextlib.suppress(BrokenPipeError):
        main()
