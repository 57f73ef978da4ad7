"""The built-in WebSub hub's endpoint (`POST /websub`, with `websub.builtin: true`).

The topic must be one of our feeds; intent is verified asynchronously with a `hub.challenge` GET
to the callback; leases expire (renewed by subscribing again); subscriptions are stored through
`service.subscriptions`, where the publisher's `Notifier` finds them.
"""

from __future__ import annotations

import logging
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable

from feedpub.config import Settings
from feedpub.render.feed_spec import topic_url
from feedpub.render.formats import is_topic
from feedpub.service.outbound import TIMEOUT, Worker
from feedpub.service.subscriptions import Subscription, Subscriptions

log = logging.getLogger("feedpub")

MAX_SECRET_BYTES = 200  # the spec's limit
MIN_LEASE, MAX_LEASE = 60, 30 * 86_400


# ---- the built-in hub's endpoint --------------------------------------------------------------


class Hub:
    """Subscription requests to `POST /websub`, verified out of band."""

    def __init__(self, settings: Settings, topic_exists: Callable[[str], bool]) -> None:
        self.settings = settings
        self.subscriptions = Subscriptions(settings.cache_dir)
        self.topic_exists = topic_exists  # feeds/-relative path → published?
        self.verifier = Worker("websub-verify", threads=2)

    def request(self, form: dict[str, str]) -> tuple[int, str]:
        """(HTTP status, message) for a subscription request; 202 means verification follows."""
        mode = form.get("hub.mode", "")
        callback = form.get("hub.callback", "")
        topic = form.get("hub.topic", "")
        if mode not in ("subscribe", "unsubscribe"):
            return 400, "hub.mode must be subscribe or unsubscribe\n"
        parts = urllib.parse.urlsplit(callback)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            return 400, "hub.callback must be an http(s) URL\n"
        path = self._topic_path(topic)
        if path is None:
            return 400, "hub.topic is not a feed of this site\n"
        canonical = topic_url(self.settings, path)  # as deliveries name it, however it was spelled
        secret = form.get("hub.secret") or None
        if secret is not None and len(secret.encode("utf-8")) > MAX_SECRET_BYTES:
            return 400, f"hub.secret is longer than {MAX_SECRET_BYTES} bytes\n"
        try:
            lease = int(form.get("hub.lease_seconds") or self.settings.websub.lease_seconds)
        except ValueError:
            return 400, "hub.lease_seconds must be a number of seconds\n"
        lease = max(MIN_LEASE, min(MAX_LEASE, lease))
        self.verifier.submit(
            f"verify {callback} {canonical}",
            lambda: self._verify(mode, callback, topic, canonical, secret, lease),
        )
        return 202, "accepted: verification of intent follows\n"

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
        url = urllib.parse.urlunsplit(
            parts._replace(query=joined + urllib.parse.urlencode(query), fragment="")
        )
        try:
            with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
                echoed = response.read(4096).decode("utf-8", "replace")
                ok = 200 <= response.status < 300 and echoed == challenge
        except urllib.error.HTTPError as exc:
            if exc.code == 404:  # the subscriber does not agree: done, nothing to retry
                log.info("websub: %s refused to %s %s", callback, mode, topic)
                return True
            return False
        except (OSError, ValueError):
            return False  # unreachable now: tried again with backoff
        if not ok:
            log.info("websub: %s did not echo the challenge for %s", callback, topic)
            return True
        if mode == "subscribe":
            self.subscriptions.add(Subscription(callback, canonical, secret, time.time() + lease))
            log.info("websub: %s subscribed to %s for %d s", callback, canonical, lease)
        else:
            self.subscriptions.remove(callback, canonical)
            log.info("websub: %s unsubscribed from %s", callback, canonical)
        return True
