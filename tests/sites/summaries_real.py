"""What the real generators give as each post's summary (and Hugo as its content), for the
summaries fixtures.

Jekyll: a JSON page evaluates jekyll-feed 0.17's own expression (`post.description | default:
post.excerpt | strip_html | normalize_whitespace`) for every post. Hugo: a JSON output format
lists every page's `.Summary` (HTML). TZ=UTC, production, as the other real-generator tests.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from .hugo_real import FIXTURES, GOLDEN, hugo_binary
from .liquid_real import jekyll_build

GOLDEN_FILE = GOLDEN / "summaries.json"
JEKYLL_FIXTURE, HUGO_FIXTURE = "summaries-jekyll", "summaries-hugo"
HUGO_LAYOUT = """\
{{- $out := dict -}}
{{- range site.RegularPages -}}
{{- $out = merge $out (dict .File.Path (dict "summary" (string .Summary) "content" (string .Content))) -}}
{{- end -}}
{{- $out | jsonify (dict "indent" " ") -}}
"""
HUGO_CONFIG = """\
[outputFormats.summaries]
  mediaType = "application/json"
  baseName = "summaries"
  isPlainText = true
  notAlternative = true
[outputs]
  home = ["summaries"]
"""


def jekyll_summaries(work: Path) -> dict[str, str]:
    """relative_path → jekyll-feed's summary text (HTML entities left in, as jekyll-feed leaves them)."""
    out = jekyll_build(JEKYLL_FIXTURE, work, "jekyll ruby-jekyll-feed")  # the fixture uses jekyll-feed
    posts = json.loads((out / "summaries.json").read_text(encoding="utf-8"))
    return {post["relative_path"]: post["summary"] for post in posts}


def hugo_summaries(work: Path) -> dict[str, Any]:
    """content path → {"summary": `.Summary`, "content": `.Content`}, both HTML."""
    binary = hugo_binary()
    site, out = work / "hugo-site", work / "hugo-out"
    shutil.copytree(FIXTURES / HUGO_FIXTURE, site)
    (site / "layouts").mkdir(exist_ok=True)
    (site / "layouts" / "home.summaries.json").write_text(HUGO_LAYOUT, encoding="utf-8")
    extra = work / "summaries.toml"
    extra.write_text(HUGO_CONFIG, encoding="utf-8")
    command = [
        binary,
        "-s",
        str(site),
        "-d",
        str(out),
        "--config",
        f"{site / 'hugo.toml'},{extra}",
        "--quiet",
    ]
    env = {**os.environ, "HUGO_CACHEDIR": str(work / "hugo-cache")}
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, env=env, check=False)
    assert done.returncode == 0, f"hugo failed:\n{done.stdout}\n{done.stderr}"
    summaries: dict[str, Any] = json.loads((out / "summaries.json").read_text(encoding="utf-8"))
    return summaries


def read_golden() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(GOLDEN_FILE.read_text(encoding="utf-8"))
    return data


def write_golden(real: dict[str, Any]) -> None:
    GOLDEN_FILE.write_text(
        json.dumps(real, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
