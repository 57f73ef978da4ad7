"""The built-in WebSub hub's endpoint (`POST /websub`, with `websub.builtin: true`).

The topic must be one of our feeds; intent is verified asynchronously with a `hub.challenge` GET
to the callback; leases expire (renewed by subscribing again); subscriptions are stored through
`service.subscriptions`, where the publisher's `Notifier` finds them. What one client can make
the hub do is bounded: callback and topic length, subscriptions per callback host and in all
(pending verifications count), callbacks canonicalised (one endpoint, one subscription), and
every verification GET goes through `service.guarded_http` on the shared bounded `Worker`.
"""

from __future__ import annotations

import ipaddress
import logging
import secrets
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from feedpub.config import Settings
from feedpub.render.feed_spec import topic_url
from feedpub.render.formats import is_topic
from feedpub.service.callbacks import callback_host, canonical_callback, printable
from feedpub.service.guarded_http import Refused, is_public, request
from feedpub.service.outbound import Worker
from feedpub.service.subscriptions import Subscription, Subscriptions

log = logging.getLogger("feedpub")

MAX_SECRET_BYTES = 200  # the spec's limit
MIN_LEASE, MAX_LEASE = 60, 30 * 86_400
PENDING_SECONDS = 120.0  # a verification still retrying counts against the limits this long


# ---- the built-in hub's endpoint --------------------------------------------------------------


@dataclass(frozen=True)
class Ask:
    """A subscription request that passed the checks."""

    mode: str
    callback: str  # canonical
    topic: str  # as the subscriber wrote it (echoed in the verification)
    canonical: str  # the topic as deliveries name it
    secret: str | None
    lease: int


class Hub:
    """Subscription requests to `POST /websub`, verified out of band."""

    def __init__(self, settings: Settings, topic_exists: Callable[[str], bool]) -> None:
        self.settings = settings
        self.limits = settings.websub
        self.subscriptions = Subscriptions(settings.cache_dir)
        self.topic_exists = topic_exists  # feeds/-relative path → published?
        self.verifier = Worker("websub-verify")
        self._pending: dict[tuple[str, str], tuple[str, float]] = {}  # (callback, topic) → host, until
        self._lock = threading.Lock()
        self._logged, self._quiet = 0.0, 0  # when a refusal was last logged; how many since

    def request(self, form: dict[str, str]) -> tuple[int, str]:
        """(HTTP status, message) for a subscription request; 202 means verification follows."""
        checked = self._check(form)
        if isinstance(checked, tuple):
            self._log_refusal(form.get("hub.callback", ""), checked[1].strip())
            return checked
        mode, callback, topic, canonical, secret, lease = (
            checked.mode,
            checked.callback,
            checked.topic,
            checked.canonical,
            checked.secret,
            checked.lease,
        )
        host = callback_host(callback)
        if mode == "subscribe":
            full = self._full(callback, canonical, host)
            if full:
                self._log_refusal(callback, full)
                return 429, full + "\n"
        with self._lock:
            self._pending[(callback, canonical)] = (host, time.monotonic() + PENDING_SECONDS)
        job = lambda: self._verify(mode, callback, topic, canonical, secret, lease)  # noqa: E731
        if not self.verifier.submit(f"verify {callback} {canonical}", job, host=host):
            return 503, "too many verifications waiting; try again later\n"
        return 202, "accepted: verification of intent follows\n"

    def _log_refusal(self, callback: str, reason: str) -> None:
        """At most one line a second: a flood of bad requests must not flood the log too."""
        now = time.monotonic()
        with self._lock:
            if now - self._logged < 1.0:
                self._quiet += 1
                return
            quiet, self._quiet, self._logged = self._quiet, 0, now
        more = f" ({quiet} more refused before, not logged)" if quiet else ""
        log.info("websub: refused %s: %s%s", printable(callback), reason, more)

    def _check(self, form: dict[str, str]) -> tuple[int, str] | Ask:
        """The request's fields, checked, or (status, message) for a request to refuse."""
        mode, topic = form.get("hub.mode", ""), form.get("hub.topic", "")
        raw = form.get("hub.callback", "")
        if mode not in ("subscribe", "unsubscribe"):
            return 400, "hub.mode must be subscribe or unsubscribe\n"
        if len(raw) > self.limits.max_callback_length or len(topic) > self.limits.max_topic_length:
            return 400, "hub.callback or hub.topic is too long\n"
        callback = canonical_callback(raw)
        if callback is None:
            return 400, "hub.callback must be an http(s) URL\n"
        if not self.limits.allow_private_callbacks and _private_literal(callback_host(callback)):
            return 400, "hub.callback must be a public address\n"
        path = self._topic_path(topic)
        if path is None:
            return 400, "hub.topic is not a feed of this site\n"
        secret = form.get("hub.secret") or None
        if secret is not None and len(secret.encode("utf-8")) > MAX_SECRET_BYTES:
            return 400, f"hub.secret is longer than {MAX_SECRET_BYTES} bytes\n"
        try:
            lease = int(form.get("hub.lease_seconds") or self.limits.lease_seconds)
        except ValueError:
            return 400, "hub.lease_seconds must be a number of seconds\n"
        lease = max(MIN_LEASE, min(MAX_LEASE, lease))
        # the canonical topic is how deliveries name it, however it was spelled
        return Ask(mode, callback, topic, topic_url(self.settings, path), secret, lease)

    def _full(self, callback: str, topic: str, host: str) -> str | None:
        """Why a new subscription would pass a limit (stored ones and pending verifications
        both count), or None. Renewing a stored subscription is always allowed."""
        now = time.monotonic()
        with self._lock:
            self._pending = {k: v for k, v in self._pending.items() if v[1] > now}
            if (callback, topic) in self._pending:
                return None
            pending_host = sum(1 for h, _ in self._pending.values() if h == host)
            pending_all = len(self._pending)
        per_host, total = self.limits.max_subscriptions_per_host, self.limits.max_subscriptions
        if self.subscriptions.count(host) + pending_host >= per_host:
            reason = f"{per_host} subscriptions for callbacks on this host already"
        elif self.subscriptions.count() + pending_all >= total:
            reason = f"the hub holds {total} subscriptions already"
        else:
            return None
        return None if self.subscriptions.has(callback, topic) else reason

    def _topic_path(self, topic: str) -> str | None:
        base = self.settings.site.base_url
        if not topic.startswith(base):
            return None
        path = urllib.parse.unquote(topic[len(base) :])
        return path if is_topic(path) and self.topic_exists(path) else None

    def _verify(
        self, mode: str, callback: str, topic: str, canonical: str, secret: str | None, lease: int
    ) -> bool:
        """GET the callback with a challenge (echoing the topic as the subscriber wrote it); store
        or drop the subscription under the canonical topic URL when it answers the challenge."""
        challenge = secrets.token_urlsafe(24)
        query = {"hub.mode": mode, "hub.topic": topic, "hub.challenge": challenge}
        if mode == "subscribe":
            query["hub.lease_seconds"] = str(lease)
        parts = urllib.parse.urlsplit(callback)
        joined = f"{parts.query}&" if parts.query else ""
        url = urllib.parse.urlunsplit(parts._replace(query=joined + urllib.parse.urlencode(query)))
        shown = printable(callback)
        try:
            answer = request("GET", url, allow_private=self.limits.allow_private_callbacks)
        except Refused as exc:
            log.warning("websub: not verifying %s: %s", shown, printable(str(exc)))
            return self._done(callback, canonical)
        except httpx.HTTPError:
            return False  # unreachable now: tried again with backoff
        if answer.status == 404 or 300 <= answer.status < 400:  # no, or a redirect (never followed)
            log.info("websub: %s answered %d to %s %s", shown, answer.status, mode, printable(topic))
            return self._done(callback, canonical)
        if not 200 <= answer.status < 300:
            return False
        if answer.body.decode("utf-8", "replace") != challenge:
            log.info("websub: %s did not echo the challenge for %s", shown, printable(topic))
        elif mode == "subscribe":
            sub = Subscription(callback, canonical, secret, time.time() + lease)
            if self.subscriptions.add(
                sub, self.limits.max_subscriptions_per_host, self.limits.max_subscriptions
            ):
                log.info("websub: %s subscribed to %s for %d s", shown, canonical, lease)
            else:
                log.warning("websub: %s not subscribed: subscription limit reached", shown)
        else:
            self.subscriptions.remove(callback, canonical)
            log.info("websub: %s unsubscribed from %s", shown, canonical)
        return self._done(callback, canonical)

    def _done(self, callback: str, topic: str) -> bool:
        with self._lock:
            self._pending.pop((callback, topic), None)
        return True


def _private_literal(host: str) -> bool:
    """Whether `host` is an IP address written out that is not public (refused at once; names
    are resolved and checked when the request is made)."""
    try:
        return not is_public(ipaddress.ip_address(host))
    except ValueError:
        return False
