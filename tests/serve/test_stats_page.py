"""/stats/ in headless Chromium: the site's shell, one inline SVG chart per feed, no console
errors. Chromium cannot send a bearer token by itself, so it goes through a small real proxy
that adds the header, as an operator's authenticating proxy would."""

from __future__ import annotations

import http.client
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from lxml import html as lxml_html

from ..helpers import serve, wait_for
from ..http import fetch
from ..tools import require
from .test_stats import FEEDLY, READER, TOKEN, site, stats_json


def proxy_adding_token(base: str) -> ThreadingHTTPServer:
    host, port = base.removeprefix("http://").split(":")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            conn = http.client.HTTPConnection(host, int(port), timeout=10)
            conn.request("GET", self.path, headers={"Authorization": f"Bearer {TOKEN}"})
            reply = conn.getresponse()
            body = reply.read()
            self.send_response(reply.status)
            for name in ("Content-Type", "Cache-Control"):
                if reply.getheader(name):
                    self.send_header(name, reply.getheader(name))
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def chromium(url: str, profile) -> subprocess.CompletedProcess[str]:
    args = [require("chromium", "chromium"), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
    args += ["--disable-background-networking", "--disable-component-update", "--disable-sync"]
    args += ["--disable-dev-shm-usage", f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0"]
    args += ["--virtual-time-budget=3000", "--dump-dom", url]
    return subprocess.run(args, capture_output=True, text=True, timeout=120)


@pytest.mark.slow
@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_stats_page_renders_one_chart_per_feed_in_chromium(tmp_path, language):
    site(tmp_path)
    extra = {"stats": {"token": TOKEN, "flush_seconds": 0.3}, "site": {"language": language, "title": "E2E"}}
    with serve(tmp_path, 60, server="cheroot", extra=extra) as (base, _proc):
        for path in ("/atom.xml", "/rss.xml", "/feed.json"):
            fetch(base, path, headers={"User-Agent": FEEDLY.format(n=20)})
            fetch(base, path, headers={"User-Agent": READER})
        wait_for(lambda: len(stats_json(tmp_path)["feeds"]) == 3, "requests not counted")
        assert fetch(base, "/stats/").status == 404
        proxy = proxy_adding_token(base)
        try:
            result = chromium(f"http://127.0.0.1:{proxy.server_address[1]}/stats/", tmp_path / "profile")
        finally:
            proxy.shutdown()
    assert result.returncode == 0, result.stderr[-2000:]
    console = [line for line in result.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    assert console == []
    page = lxml_html.fromstring(result.stdout)
    assert page.get("lang") == language
    sections = page.xpath("//section[@class='feed']")
    assert len(sections) == 3
    assert all(len(s.xpath(".//*[local-name()='svg']//*[local-name()='polyline']")) == 1 for s in sections)
    assert page.xpath("//script") == []
    heading = page.xpath("//h1/text()")[0]
    assert heading == ("谁在订阅" if language.startswith("zh") else "Who reads my feeds")
    assert "21" in sections[0].xpath("string(.//p)")  # Feedly's 20 and one direct reader
