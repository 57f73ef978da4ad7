"""`feedpub serve`: the production WSGI server (cheroot), the scheduler, and a clean stop.

One process: the scheduler's threads scan and publish, cheroot's threads serve. SIGTERM or
SIGINT stops the scheduler, lets requests in flight finish (cheroot's shutdown_timeout), and
exits 0.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
from types import FrameType

from cheroot import wsgi

from .config import Settings
from .fastpath import application
from .schedule import Scheduler
from .service import Publisher

log = logging.getLogger("feedpub")
SHUTDOWN_SECONDS = 4


def configure_logging() -> None:
    if not logging.getLogger().handlers:
        logging.basicConfig(
            stream=sys.stderr,
            level=logging.INFO,
            format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        )
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def run_service(settings: Settings, host: str, port: int, scheduler: bool = True, threads: int = 16) -> int:
    """Serve until SIGTERM/SIGINT; return the exit code."""
    configure_logging()
    publisher = Publisher(settings)
    jobs = Scheduler(publisher, settings.scan.interval_seconds) if scheduler else None
    if jobs is not None:
        report = publisher.rescan()
        if report.error:
            log.error("first build failed: %s (serving what feeds/ already holds)", report.error)
    server = wsgi.Server(
        (host, port),
        application(settings),
        numthreads=threads,
        shutdown_timeout=SHUTDOWN_SECONDS,
        server_name="feedpub",
        request_queue_size=128,
    )
    stopping = threading.Event()

    def stop(signum: int, _frame: FrameType | None) -> None:
        if stopping.is_set():
            return
        stopping.set()
        log.info("received %s; stopping", signal.Signals(signum).name)
        if jobs is not None:
            jobs.stop()
        threading.Thread(target=server.stop, name="feedpub-stop", daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    server.prepare()
    bound = server.bind_addr
    log.info("serving %s on http://%s:%s/", settings.feeds_dir, bound[0], bound[1])
    if jobs is not None:
        jobs.start()
    try:
        server.serve()
    finally:
        if jobs is not None:
            jobs.stop()
    log.info("stopped")
    return 0
