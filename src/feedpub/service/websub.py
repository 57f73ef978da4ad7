"""WebSub (W3C Recommendation, 2018) after a publish, so subscribers get new posts in seconds
instead of at their next poll.

`Notifier`: for every feed whose bytes changed, pings the external hub (`hub.mode=publish`)
and/or delivers the new feed to the built-in hub's subscribers (signed with
`X-Hub-Signature: sha256=…` when they gave a secret), on `outbound` worker threads.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
import urllib.parse
from collections.abc import Callable, Iterable

from feedpub.config import Settings
from feedpub.render.feed_spec import hub_url, topic_url
from feedpub.render.formats import is_topic, media_type
from feedpub.service.callbacks import callback_host, printable
from feedpub.service.outbound import REFUSED, Worker, post
from feedpub.service.subscriptions import Subscription, Subscriptions

log = logging.getLogger("feedpub")


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


class Notifier:
    """After each publish: ping the external hub and deliver to the built-in hub's subscribers."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.subscriptions = Subscriptions(settings.cache_dir) if settings.websub.builtin else None
        self.worker = Worker("websub")

    def published(self, paths: Iterable[str]) -> None:
        """Feeds among `paths` changed bytes: tell whoever wants to know (never blocks)."""
        feeds = sorted(p for p in paths if is_topic(p))
        if not feeds:
            return
        if self.settings.websub.hub:
            topics = [topic_url(self.settings, p) for p in feeds]
            self.worker.submit("ping " + " ".join(topics), lambda: self._ping(topics))
        if self.subscriptions is not None:  # who subscribed is looked up on a worker, not in the scan
            self.worker.submit("fan-out " + " ".join(feeds), lambda: self._fan_out(feeds))

    def _fan_out(self, feeds: list[str]) -> bool:
        assert self.subscriptions is not None
        topics = {topic_url(self.settings, path): path for path in feeds}
        for sub in self.subscriptions.active_for(list(topics)):
            key = f"deliver {sub.callback} {sub.topic}"
            self.worker.submit(key, self._delivery(sub, topics[sub.topic]), host=callback_host(sub.callback))
        return True

    def _ping(self, topics: list[str]) -> bool:
        hub = self.settings.websub.hub
        assert hub is not None
        form = (
            [("hub.mode", "publish")] + [("hub.url", t) for t in topics] + [("hub.topic", t) for t in topics]
        )
        status = post(
            hub,
            urllib.parse.urlencode(form).encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
            self.settings.websub.allow_private_callbacks,
        )
        if not 200 <= status < 300:
            log.warning("websub: hub %s answered %s to a publish ping", printable(hub), status or "nothing")
        return 200 <= status < 300 or status == REFUSED or 300 <= status < 400  # no retry for those

    def _delivery(self, sub: Subscription, path: str) -> Callable[[], bool]:
        def deliver() -> bool:
            if sub.expires <= time.time():
                return True  # the lease ran out meanwhile: nothing to do
            try:
                body = (self.settings.feeds_dir / path).read_bytes()  # the newest bytes
            except OSError:
                return True  # the feed is gone: its removal is not content
            headers = {
                "Content-Type": media_type(path).split(";")[0],
                "Link": f'<{hub_url(self.settings)}>; rel="hub", <{sub.topic}>; rel="self"',
            }
            if sub.secret:
                headers["X-Hub-Signature"] = signature(sub.secret, body)
            status = post(sub.callback, body, headers, self.settings.websub.allow_private_callbacks)
            if status == REFUSED or 300 <= status < 400:  # never requested again, redirects not followed
                return True
            if status == 410:  # the subscriber says it is gone for good
                if self.subscriptions is not None:
                    self.subscriptions.remove(sub.callback, sub.topic)
                return True
            return 200 <= status < 300

        return deliver

    def stop(self) -> None:
        self.worker.stop()
