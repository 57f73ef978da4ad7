"""APScheduler wiring: one BackgroundScheduler per service (several would run every job once
each: "Traps in our dependencies" in docs/architecture.md).

Two jobs call the same Publisher.rescan: an interval job every `scan.interval_seconds`, and a
date job set for the next moment a scheduled post falls due (or a post expires), so it appears
on time instead of up to one interval late. Both coalesce and never run twice at once.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler

from feedpub.service.publisher import Publisher

log = logging.getLogger("feedpub")

RESCAN_JOB = "rescan"
DUE_JOB = "publish-due"
# A due job fires this long after the post's time, so the clock has surely passed it.
DUE_MARGIN = timedelta(milliseconds=50)


class Scheduler:
    """Runs rescans in the background and keeps the date job pointed at the next due post."""

    def __init__(self, publisher: Publisher, interval_seconds: float) -> None:
        self.publisher = publisher
        self.interval = interval_seconds
        self.scheduler = BackgroundScheduler(
            timezone=UTC,
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        )

    def run_scan(self) -> None:
        """One rescan; never raises, so a failure is logged and the next run still happens."""
        try:
            self.publisher.rescan()
        except Exception:  # the scheduler must outlive any bug in one scan
            log.exception("scan job failed")
        self.schedule_due()

    def schedule_due(self) -> None:
        due = self.publisher.next_due()
        try:
            run_date = None if due is None else due.astimezone(UTC) + DUE_MARGIN
        except OverflowError:  # a post dated at the very end of year 9999: never due in practice
            run_date = None
        if run_date is None:
            if self.scheduler.get_job(DUE_JOB) is not None:
                self.scheduler.remove_job(DUE_JOB)
            return
        self.scheduler.add_job(
            self.run_scan,
            "date",
            run_date=run_date,
            id=DUE_JOB,
            replace_existing=True,
        )

    def start(self) -> None:
        self.scheduler.add_job(
            self.run_scan,
            "interval",
            seconds=self.interval,
            id=RESCAN_JOB,
            next_run_time=datetime.now(UTC) + timedelta(seconds=self.interval),
        )
        self.scheduler.start()
        self.schedule_due()

    def stop(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
