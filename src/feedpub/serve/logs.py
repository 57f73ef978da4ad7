"""How `feedpub serve` logs: plain lines or one JSON object a line (for a log shipper), and an
optional access log in the common log format.

Both servers' access lines reach the `feedpub.access` logger: cheroot's through a WSGI wrapper,
Granian's from its own access log (written by its Rust side, no Python wrapper per request),
renamed on the way. Granian's own messages go through the same handler, so a JSON log stays
JSON whichever server runs.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

ACCESS_LOGGER = "feedpub.access"
LOG_FORMATS = ("text", "json")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Granian's fields in the common log format's order (it gives no response size: "-")
GRANIAN_TIME = "%Y-%m-%d %H:%M:%S %z"  # the `time` Granian hands its access log
CLF_TIME = "%d/%b/%Y:%H:%M:%S %z"
GRANIAN_ACCESS_FORMAT = '%(addr)s - - [%(time)s] "%(method)s %(path)s %(protocol)s" %(status)d -'


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (RFC 3339, UTC), level, logger, message (and the traceback)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def formatter(log_format: str) -> logging.Formatter:
    return JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)


class AccessName(logging.Filter):
    """Granian's access records made cheroot's: named `feedpub.access`, the common log format's
    time, the query string kept, the request line safe for a log line."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.name = ACCESS_LOGGER
        if isinstance(record.args, dict) and "time" in record.args:
            fields = dict(record.args)
            when = datetime.strptime(str(fields["time"]), GRANIAN_TIME)
            fields["time"] = when.strftime(CLF_TIME)
            path = str(fields.get("path", "")) + (
                f"?{fields['query_string']}" if fields.get("query_string") else ""
            )
            fields["path"] = _printable(path)
            record.args = fields
        return True


def granian_log_config(access_log: bool) -> dict[str, Any]:
    """Granian's logging config (its `log_dictconfig`): its loggers hand their records to the
    root logger, whose handler `configure_logging` set, instead of printing their own lines."""
    return {
        "filters": {"access_name": {"()": AccessName}},
        "loggers": {
            "_granian": {"handlers": [], "propagate": True},
            "granian.access": {
                "handlers": [],
                "filters": ["access_name"],
                "level": "INFO" if access_log else "WARNING",
                "propagate": True,
            },
        },
    }


WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class AccessLog:
    """A WSGI wrapper logging each request in the common log format once its answer is sent."""

    def __init__(self, app: WSGIApp) -> None:
        self.app = app
        self.log = logging.getLogger(ACCESS_LOGGER)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        seen: dict[str, str] = {}

        def recording(status: str, headers: list[tuple[str, str]], *exc_info: Any) -> Any:
            seen["status"] = status.split(" ", 1)[0]
            return start_response(status, headers, *exc_info)

        return self._logged(environ, self.app(environ, recording), seen)

    def _logged(
        self, environ: dict[str, Any], body: Iterable[bytes], seen: dict[str, str]
    ) -> Iterator[bytes]:
        sent = 0
        try:
            for chunk in body:
                sent += len(chunk)
                yield chunk
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()
            self.log.info(common_log_line(environ, seen.get("status", "-"), sent))


def common_log_line(environ: dict[str, Any], status: str, sent: int) -> str:
    """`127.0.0.1 - - [06/Dec/2026:23:10:06 +0000] "GET /atom.xml HTTP/1.1" 200 5120`."""
    target = environ.get("PATH_INFO", "")
    if environ.get("QUERY_STRING"):
        target += "?" + environ["QUERY_STRING"]
    request = f"{environ.get('REQUEST_METHOD', '-')} {target} {environ.get('SERVER_PROTOCOL', '-')}"
    when = time.strftime(CLF_TIME, time.localtime())
    return f'{environ.get("REMOTE_ADDR", "-")} - - [{when}] "{_printable(request)}" {status} {sent or "-"}'


def _printable(text: str) -> str:
    """A request line from outside, safe for a log line (no quotes or control characters)."""
    return "".join(c if c.isprintable() and c not in '"\\' else f"\\x{ord(c):02x}" for c in text)
