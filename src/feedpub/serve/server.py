"""`feedpub serve`: a production HTTP server, the scheduler, and a clean stop.

The default server is Granian (HTTP in Rust, our WSGI app in its worker process): with the fast
path it answers feed polls about as fast as nginx does on the same machine. The main process
builds, runs the scheduler and supervises the worker; the worker only reads feeds/ through the
manifest (an app process without a scheduler: see "Traps in our dependencies" in
docs/architecture.md). `--server cheroot` runs everything in one pure-Python process instead.
Either way SIGTERM or SIGINT stops the scheduler, lets requests in flight finish and exits 0;
SIGHUP reloads the config (`service.reload`), and systemd hears READY, RELOADING and STOPPING
(`service.sd_notify`).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import FrameType

from feedpub.command import LOG_FORMAT_ENV
from feedpub.config import CONFIG_ENV, Settings
from feedpub.lifeline import die_with_parent
from feedpub.render.feed_spec import hub_url
from feedpub.serve.cheroot_server import cheroot_server
from feedpub.serve.fastpath import application
from feedpub.serve.listen import BASE_URL_ENV, check_port
from feedpub.serve.logs import GRANIAN_ACCESS_FORMAT, AccessLog, formatter, granian_log_config
from feedpub.service.reload import ReloadablePublisher, Reloader, config_file
from feedpub.service.scheduler import Scheduler
from feedpub.service.sd_notify import notify, ready_when_serving
from feedpub.service.websub import Notifier
from feedpub.sites.load import SITE_ENV, load_site_settings

log = logging.getLogger("feedpub")
# A Granian worker still alive this long after SIGTERM is killed, and its last counts (flushed as
# it exits) are lost: a loaded CI run once lost them at 4 s (the likeliest cause; not reproduced
# in 11 runs under load). The unit gives the whole service 15 s to stop.
SHUTDOWN_SECONDS = 8


def configure_logging(log_format: str | None = None) -> None:
    """One handler on stderr, plain or JSON lines (`--log-format`, handed on to the workers)."""
    log_format = log_format or os.environ.get(LOG_FORMAT_ENV) or "text"
    os.environ[LOG_FORMAT_ENV] = log_format
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(formatter(log_format))
        root.addHandler(handler)
        root.setLevel(logging.INFO)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # feedpub logs what its requests did


PARENT_ENV = "FEEDPUB_SERVICE_PID"


def _die_with_service() -> None:
    """A worker must never outlive the service: were the main process killed (SIGKILL, OOM), a
    worker left behind would keep the port and serve feeds nobody updates any more. SIGKILL: a
    worker's SIGTERM handler runs only when its Rust server loop yields, and with the service
    gone there is nothing left to drain for anyway."""
    expected = os.environ.get(PARENT_ENV)
    if expected and expected.isdigit():
        die_with_parent(int(expected))


def granian_app() -> object:
    """The WSGI app in a Granian worker: settings from the config file the main process chose."""
    _die_with_service()
    configure_logging()
    settings = load_site_settings(os.environ.get(CONFIG_ENV) or None, {}, os.environ.get(SITE_ENV) or None)
    return application(settings.with_overrides(base_url=os.environ.get(BASE_URL_ENV) or None), config_file())


def run_service(
    settings: Settings,
    host: str,
    port: int,
    scheduler: bool = True,
    threads: int = 16,
    server_kind: str = "granian",
    workers: int = 1,
    config_path: str | None = None,
    access_log: bool = False,
) -> int:
    """Serve until SIGTERM/SIGINT; return the exit code."""
    configure_logging()
    # only the scheduling process scans, publishes and keeps the post cache open
    notifier = Notifier(settings) if scheduler and hub_url(settings) is not None else None
    on_publish = notifier.published if notifier is not None else None
    publisher = ReloadablePublisher(settings, watch=True, on_publish=on_publish) if scheduler else None
    jobs = Scheduler(publisher, settings.scan.interval_seconds) if publisher is not None else None
    if publisher is not None:
        report = publisher.rescan()
        if report.error:
            log.error("first build failed: %s (serving what feeds/ already holds)", report.error)
        elif not report.rendered:  # a warm start: its quiet scan logged at DEBUG
            log.info("feeds/ is current: posts %s", ", ".join(f"{v} {k}" for k, v in report.posts.items()))
    site = os.environ.get(SITE_ENV) or None
    reloader = Reloader(
        lambda: load_site_settings(config_path, site_dir=site),
        settings,
        publisher,
        jobs.run_scan if jobs is not None else None,
    )
    reloader.start()
    signal.signal(signal.SIGHUP, reloader.request)  # Granian takes SIGHUP over: see _run_granian
    ready_when_serving(host, port)
    try:
        if server_kind == "granian":
            return _run_granian(
                settings, host, port, jobs, threads, workers, config_path, reloader, access_log
            )
        return _run_cheroot(
            settings, host, port, jobs, threads, reloader, config_file(config_path), access_log
        )
    finally:
        notify("STOPPING=1")
        reloader.stop()
        if publisher is not None:
            publisher.close()
        if notifier is not None:
            notifier.stop()


def _run_cheroot(
    settings: Settings,
    host: str,
    port: int,
    jobs: Scheduler | None,
    threads: int,
    reloader: Reloader,
    config: Path,
    access_log: bool,
) -> int:
    def app_of(current: Settings) -> object:
        app = application(current, config)
        return AccessLog(app) if access_log else app

    server = cheroot_server(app_of(settings), host, port, threads, SHUTDOWN_SECONDS)
    # a reload swaps the whole app between requests: the next request sees the new settings
    reloader.appliers.append(lambda new: setattr(server, "wsgi_app", app_of(new)))
    stopping = threading.Event()

    def stop(signum: int, _frame: FrameType | None) -> None:
        if stopping.is_set():
            return
        stopping.set()
        notify("STOPPING=1")
        log.info("received %s; stopping", signal.Signals(signum).name)
        if jobs is not None:
            jobs.stop()
        threading.Thread(target=server.stop, name="feedpub-stop", daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        server.prepare()
    except OSError:
        check_port(host, port)  # taken since the probe: say so in one line
        raise
    bound = server.bind_addr
    log.info("serving %s on http://%s:%s/", settings.feeds_dir, bound[0], bound[1])
    return _serve_with_jobs(server.serve, jobs)


def _serve_with_jobs(serve: Callable[[], object], jobs: Scheduler | None) -> int:
    """Run the scheduler for as long as `serve` blocks; stop it however serving ends."""
    if jobs is not None:
        jobs.start()
    try:
        serve()
    finally:
        if jobs is not None:
            jobs.stop()
    log.info("stopped")
    return 0


def _run_granian(
    settings: Settings,
    host: str,
    port: int,
    jobs: Scheduler | None,
    threads: int,
    workers: int,
    config_path: str | None,
    reloader: Reloader,
    access_log: bool,
) -> int:
    from granian import Granian
    from granian.constants import Interfaces
    from granian.log import LogLevels

    # the worker process reads the same config file (an absolute path: its cwd may differ)
    os.environ[CONFIG_ENV] = str(Path(config_path).resolve()) if config_path else ""
    # Granian starts workers the default way, which on Linux forks this process with every post
    # loaded; a worker only reads feeds/, so a fresh interpreter is a third of the memory and
    # never copies the posts page by page as reference counts touch them
    multiprocessing.set_start_method("spawn", force=True)
    os.environ[PARENT_ENV] = str(os.getpid())
    server = Granian(
        "feedpub.serve.server:granian_app",
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        workers=workers,
        blocking_threads=threads,
        factory=True,
        websockets=False,
        log_level=LogLevels.warning,
        log_dictconfig=granian_log_config(access_log),
        log_access=access_log,
        log_access_format=GRANIAN_ACCESS_FORMAT,
        workers_kill_timeout=SHUTDOWN_SECONDS,
        working_dir=Path.cwd(),
    )
    # Granian's own SIGHUP handler respawns the workers (which read the config file again) at
    # once, even for an invalid file: ours replaces it, and the workers are respawned only after
    # the reload has validated the file and republished
    server.on_startup(lambda: signal.signal(signal.SIGHUP, reloader.request))
    reloader.appliers.append(lambda _new: server.signal_handler_reload())  # type: ignore[no-untyped-call]
    check_port(host, port)  # still free after the first build? Granian's own answer is a panic
    log.info("serving %s on http://%s:%s/ (granian, %d worker)", settings.feeds_dir, host, port, workers)
    return _serve_with_jobs(server.serve, jobs)
