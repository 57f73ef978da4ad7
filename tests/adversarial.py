"""What the adversarial test modules share: the dialect openings, and the checks every hostile
build must pass.

Adversarial inputs are what real Jekyll and Hugo sites contain, and what hostile files look like;
their tests are split by topic (tests/read/test_adversarial_*.py, tests/render/test_adversarial_xml.py,
tests/publish/test_adversarial_sites.py). Every case ends in one of two places: a normalised Post
with the fields a feed reader's user would expect, or a Problem that names the file (and the key,
where there is one). Whenever we build, the build must not raise and every feed it writes must pass
the validators in tests/validators.py (`build_ok`).
"""

from __future__ import annotations

import json
import re
from datetime import timedelta, timezone
from pathlib import PurePosixPath
from urllib.parse import urlsplit

import lxml.html
from lxml import etree

from feedpub.model import Problem
from feedpub.publish.cold_build import BuildResult, build

from .helpers import problem
from .validators import check_any

CST = timezone(timedelta(hours=8))
BASE = "https://news.example.org/"
FEED_NAMES = ("rss.xml", "atom.xml", "feed.json")

# Front matter openings of each dialect; the next key is on line 4 (Hugo) or line 5 (Jekyll).
HUGO = "---\ntitle: A\ndate: 2025-01-01T00:00:00Z\n"
JEKYLL = "---\nlayout: post\ntitle: A\ndate: 2022-03-18 09:01:56 +0800\n"
DIALECTS = {"hugo": ("h.md", HUGO, 4), "jekyll": ("2022-03-18-j.md", JEKYLL, 5)}

SAFE_SCHEMES = {"http", "https", "mailto", "ftp", "tel"}
URL_ATTRIBUTES = {"href", "src", "cite", "poster", "action", "formaction", "background", "data", "longdesc"}
FORBIDDEN_ELEMENTS = {
    "script",
    "style",
    "iframe",
    "object",
    "embed",
    "svg",
    "math",
    "form",
    "base",
    "meta",
    "link",
    "frame",
    "frameset",
    "applet",
    "noscript",
    "template",
}
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_INVISIBLE_IN_URLS = re.compile(r"[\x00-\x20]")


# ---- helpers -----------------------------------------------------------------------------------


def build_ok(settings, now) -> BuildResult:
    """Build, then hold every feed to every validator; also the OPML and the output paths."""
    result = build(settings, now)
    limit = settings.feeds.limit
    for key, members in result.taxonomy.scopes.items():
        for name in FEED_NAMES:
            path = key.path + name
            assert path in result.files, f"{path} missing"
            check_any(path, result.files[path], min(len(members), limit))
    etree.fromstring(result.files["opml.xml"])
    for path in result.files:
        pure = PurePosixPath(path)
        assert not pure.is_absolute() and "\\" not in path and "\x00" not in path, path
        assert all(part not in ("", ".", "..") for part in pure.parts), path
    directories = {str(parent) for path in result.files for parent in PurePosixPath(path).parents}
    assert not directories & set(result.files), "an output file is also another output's directory"
    for content in feed_html(result):
        assert unsafe_markup(content) == [], content
    return result


def feed_html(result: BuildResult) -> list[str]:
    """Every HTML content string that goes out in any feed."""
    out: list[str] = []
    for path, data in result.files.items():
        if path.endswith("atom.xml"):
            root = etree.fromstring(data)
            out += [c.text or "" for c in root.iter("{http://www.w3.org/2005/Atom}content")]
        elif path.endswith("rss.xml"):
            root = etree.fromstring(data)
            out += [c.text or "" for c in root.iter("{http://purl.org/rss/1.0/modules/content/}encoded")]
        elif path.endswith("feed.json"):
            out += [item.get("content_html", "") for item in json.loads(data)["items"]]
    return out


def _scheme(value: str) -> str | None:
    match = _SCHEME.match(_INVISIBLE_IN_URLS.sub("", value))
    return match.group(1).lower() if match else None


def unsafe_markup(fragment: str) -> list[str]:
    """Scripts, event handlers, styles and URLs of schemes a reader must never follow."""
    if not fragment.strip():
        return []
    found = []
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag.lower() in FORBIDDEN_ELEMENTS:
            found.append(f"<{element.tag}>")
        for name, value in element.attrib.items():
            name = name.lower()
            if name.startswith("on") or name == "style":
                found.append(f"{element.tag}@{name}")
            elif name == "srcset":
                for candidate in value.split(", "):
                    bits = candidate.split()
                    scheme = _scheme(bits[0]) if bits else None
                    if scheme is not None and scheme not in SAFE_SCHEMES:
                        found.append(f"{element.tag}@srcset={value}")
            elif name in URL_ATTRIBUTES:
                scheme = _scheme(value)
                if scheme is not None and scheme not in SAFE_SCHEMES:
                    found.append(f"{element.tag}@{name}={value}")
    return found


def is_http_url(url: str | None) -> bool:
    if url is None:
        return False
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in url


def assert_problem(settings, now, source: str, *words: str, line: int | None = None) -> Problem:
    """`source` is a Problem naming it (and `words`); a build reports it and still succeeds."""
    found = problem(settings, source)
    assert found.source == source
    for word in words:
        assert word in found.message, found
    if line is not None:
        assert found.line == line, found
    build_reports(settings, now, source)
    return found


def build_reports(settings, now, source: str) -> None:
    """A build lists `source` among its problems, leaves it out, and still writes the site feeds."""
    result = build(settings, now)
    assert any(p.source == source for p in result.problems)
    assert all(p.source != source for p in result.posts)
    for name in FEED_NAMES:
        assert result.files[name]


def names(terms) -> list[str]:
    return [t.name for t in terms]
