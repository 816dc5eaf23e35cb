"""Jobs that run inside ``caseboard serve --with-scheduler``: a small loop of our own.

A job runs daily at a wall-clock time in the deployment's time zone (``notify`` each
morning) or at a fixed interval. One daemon thread sleeps until the next job is due,
runs it, and plans its next run; a job that fails is logged and tried at its next
time, and never stops the others. Add a job with :meth:`Scheduler.daily` or
:meth:`Scheduler.every` before :meth:`Scheduler.start`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from time import monotonic, sleep
from zoneinfo import ZoneInfo

from tilegen.domain import DEFAULT_TIMEZONE
from webapp.errors import BadInput

log = logging.getLogger("caseboard.scheduler")


def parse_time(value: str | time) -> time:
    """``HH:MM`` as a time of day."""
    if isinstance(value, time):
        return value
    try:
        return time.fromisoformat(value.strip())
    except (AttributeError, ValueError):
        raise BadInput(f"a time of day is HH:MM, not {value!r}") from None


@dataclass
class Job:
    name: str
    func: Callable[[], object]
    at: time | None = None  # daily at this local time
    interval: timedelta | None = None  # or every this long
    next_run: datetime | None = None

    def plan(self, after: datetime) -> None:
        """Set the next run strictly after ``after`` (an aware local time)."""
        if self.interval is not None:
            self.next_run = after + self.interval
            return
        today = datetime.combine(after.date(), self.at, tzinfo=after.tzinfo)
        self.next_run = today if today > after else today + timedelta(days=1)


class Scheduler:
    def __init__(
        self, timezone: str = DEFAULT_TIMEZONE, clock: Callable[[], datetime] | None = None
    ):
        self.zone = ZoneInfo(timezone)
        self.clock = clock or (lambda: datetime.now(self.zone))
        self.jobs: list[Job] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def now(self) -> datetime:
        return self.clock().astimezone(self.zone)

    def daily(self, name: str, at: str | time, func: Callable[[], object]) -> Job:
        """Run ``func`` every day at ``at`` (HH:MM, local time)."""
        job = Job(name, func, at=parse_time(at))
        job.plan(self.now())
        self.jobs.append(job)
        return job

    def every(self, name: str, interval: timedelta, func: Callable[[], object]) -> Job:
        """Run ``func`` every ``interval``, the first time one interval from now."""
        if interval <= timedelta(0):
            raise BadInput("a job's interval must be positive")
        job = Job(name, func, interval=interval)
        job.plan(self.now())
        self.jobs.append(job)
        return job

    def run_pending(self) -> list[str]:
        """Run every job that is due now; return their names."""
        now, ran = self.now(), []
        for job in self.jobs:
            if job.next_run <= now:
                self._run(job)
                job.plan(max(now, job.next_run))
                ran.append(job.name)
        return ran

    def _run(self, job: Job) -> None:
        log.info("running %s", job.name)
        try:
            job.func()
        except Exception:  # one failing job must not stop the server's other jobs
            log.exception("scheduled job %s failed; it runs again at its next time", job.name)

    def seconds_to_next(self) -> float:
        if not self.jobs:
            return 3600.0
        soonest = min(job.next_run for job in self.jobs)
        return max(0.0, (soonest - self.now()).total_seconds())

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.run_pending()
            # wake at least every minute, so a changed clock (suspend, DST) is noticed
            self._nap(min(self.seconds_to_next(), 60.0))

    def _nap(self, seconds: float) -> None:
        """Sleep up to ``seconds``, waking within half a second of :meth:`stop`. Plain
        sleeps rather than a timed ``Event.wait``: clock-moving tools such as libfaketime,
        with which the suite is checked on other days, stall timed waits for good."""
        end = monotonic() + seconds
        while not self._stop.is_set() and (left := end - monotonic()) > 0:
            sleep(min(left, 0.5))

    def start(self) -> threading.Thread:
        self._thread = threading.Thread(target=self._loop, name="caseboard-scheduler", daemon=True)
        self._thread.start()
        return self._thread

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
