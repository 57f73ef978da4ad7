"""Build a fixture site with the real Jekyll and read back what it published.

The site is copied to a temp dir with `refjson.json` (jekyll_refjson.json here) beside its config, so
Jekyll prints every post's url, id, date, categories and tags as JSON; jekyll-feed writes
`feed.xml`, whose entries give the link and id feeds use. TZ=UTC stands for the build machine's
zone (what Jekyll uses when `timezone` is unset); the tests read such sites with local_zone=UTC.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..tools import require

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOLDEN = ROOT / "tests" / "golden" / "sites"
# the shared reference template (../shared/reference/jekyll/refjson.json), kept here so that the
# repository alone runs its tests: Jekyll renders it into every post's fields as JSON
REFJSON = Path(__file__).resolve().parent / "jekyll_refjson.json"
ATOM = "{http://www.w3.org/2005/Atom}"
# the fields of refjson.json the comparison uses
POST_FIELDS = ("relative_path", "url", "id", "date", "title", "slug", "categories", "tags", "draft")
# fixture → the --config list it is built with (none: Jekyll's own choice of _config.yml)
CONFIGS: dict[str, tuple[str, ...]] = {"jekyll-collections": ("_config.yml", "_config.prod.yml")}


@dataclass(frozen=True)
class RealBuild:
    """What the real Jekyll published: refjson's posts and jekyll-feed's entries, both sorted."""

    posts: list[dict[str, Any]]
    feed: list[dict[str, Any]]

    def as_json(self) -> dict[str, Any]:
        return {"posts": self.posts, "feed": self.feed}


def refjson_template() -> Path:
    return REFJSON


def parse_feed(xml: bytes) -> list[dict[str, Any]]:
    """jekyll-feed's entries: link, id, published, categories (terms in order)."""
    entries = []
    for entry in ET.fromstring(xml).iter(f"{ATOM}entry"):
        link = entry.find(f"{ATOM}link[@rel='alternate']")
        entries.append(
            {
                "link": link.get("href") if link is not None else None,
                "id": entry.findtext(f"{ATOM}id"),
                "published": entry.findtext(f"{ATOM}published"),
                "categories": [c.get("term") for c in entry.iter(f"{ATOM}category")],
            }
        )
    return sorted(entries, key=lambda e: e["link"] or "")


def build(fixture: str, work: Path) -> RealBuild:
    """Copy the fixture into `work`, run `jekyll build` on it, and parse what it wrote."""
    jekyll = require("jekyll", "jekyll ruby-jekyll-feed")
    site, out = work / "site", work / "out"
    shutil.copytree(FIXTURES / fixture, site)
    shutil.copy(refjson_template(), site / "refjson.json")
    command = [jekyll, "build", "--quiet", "-s", str(site), "-d", str(out)]
    if fixture in CONFIGS:
        command += ["--config", ",".join(str(site / name) for name in CONFIGS[fixture])]
    env = {**os.environ, "TZ": "UTC", "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8", "JEKYLL_ENV": "production"}
    done = subprocess.run(command, cwd=work, env=env, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise AssertionError(f"jekyll build failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    raw = json.loads((out / "refjson.json").read_text(encoding="utf-8"))
    posts = sorted(
        ({key: post[key] for key in POST_FIELDS} for post in raw), key=lambda p: p["relative_path"]
    )
    return RealBuild(posts=posts, feed=parse_feed((out / "feed.xml").read_bytes()))


def golden_path(fixture: str) -> Path:
    return GOLDEN / f"{fixture}.json"


def read_golden(fixture: str) -> RealBuild:
    data = json.loads(golden_path(fixture).read_text(encoding="utf-8"))
    return RealBuild(posts=data["posts"], feed=data["feed"])


def write_golden(fixture: str, real: RealBuild) -> None:
    path = golden_path(fixture)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(real.as_json(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
