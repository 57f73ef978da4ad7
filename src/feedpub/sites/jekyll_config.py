"""A Jekyll site's settings, read and checked the way Jekyll 4.3 reads them (configuration.rb).

Values Jekyll would crash on (a list for `permalink`, an unknown placeholder, `exclude` not a
list, a time zone that does not exist) become ConfigError naming file, line and key. Front-matter
default sets Jekyll only warns about (no `values` mapping) are skipped and listed in `warnings`.
"""

from __future__ import annotations

import glob
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from feedpub.errors import ConfigError
from feedpub.sites.jekyll_config_files import kind, read_config
from feedpub.sites.jekyll_permalinks import PLACEHOLDERS, expand_style, unknown_placeholders
from feedpub.sites.profile import Origin, SiteBasics


@dataclass(frozen=True)
class DefaultSet:
    """One entry of `defaults:`. `globbed` holds, for a scope path with `*`, the paths (relative to
    collections_dir) that Dir.glob found when the site was read; Jekyll matches by prefix of those."""

    path: str
    type: str | None
    values: Mapping[str, Any]
    globbed: tuple[str, ...] | None = None


@dataclass(frozen=True)
class JekyllSite:
    """What Jekyll's config decides for posts. `zone` is `timezone`'s zone, else the build machine's."""

    root: Path
    basics: SiteBasics
    config: Mapping[str, Any]
    permalink: str
    url: str | None
    baseurl: str | None
    collections_dir: str
    defaults: tuple[DefaultSet, ...]
    excerpt_separator: str
    future: bool
    show_drafts: bool
    unpublished: bool
    timezone: str | None
    zone: tzinfo
    markdown_ext: tuple[str, ...]
    include: tuple[str, ...]
    exclude: tuple[str, ...]
    limit_posts: int
    files: tuple[str, ...] = ()
    warnings: tuple[str, ...] = field(default_factory=tuple)


class _Checker:
    """Typed reads of the merged config whose errors name the file and line the key came from."""

    def __init__(self, config: Mapping[str, Any], origins: Mapping[str, Origin]) -> None:
        self.config, self.origins = config, origins

    def fail(self, key: str, message: str) -> ConfigError:
        origin = self.origins.get(key)
        where = (
            f"{origin.file}:{origin.line}: "
            if origin and origin.line
            else f"{origin.file}: "
            if origin
            else ""
        )
        return ConfigError(f"{where}{key}: {message}")

    def string(self, key: str, value: Any = None) -> str | None:
        value = self.config.get(key) if value is None else value
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        raise self.fail(key, f"expected a string, got {kind(value)}")

    def strings(self, key: str) -> tuple[str, ...]:
        value = self.config.get(key)
        if not isinstance(value, list):
            raise self.fail(key, f"expected a list, got {kind(value)}")
        return tuple(str(item) for item in value)

    def flag(self, key: str) -> bool:
        """Ruby truthiness: everything but nil and false (so the string "false" is true)."""
        value = self.config.get(key)
        return value is not None and value is not False


def _template(check: _Checker) -> tuple[str, str]:
    """The posts permalink template and the key it came from; styles expanded, placeholders checked."""
    posts = check.config.get("collections")
    own = posts.get("posts") if isinstance(posts, Mapping) else None
    if isinstance(own, Mapping) and own.get("permalink") is not None:
        key, template = (
            "collections.posts.permalink",
            check.string("collections.posts.permalink", own["permalink"]),
        )
    else:
        key, template = "permalink", expand_style(check.string("permalink") or "")
    template = template or ""
    unknown = unknown_placeholders(template)
    if unknown:
        known = ", ".join(f":{name}" for name in sorted(PLACEHOLDERS))
        raise check.fail(key, f"unknown placeholder :{unknown[0]} in {template!r} (Jekyll knows {known})")
    return template, key


def _zone(check: _Checker, local_zone: tzinfo) -> tuple[str | None, tzinfo]:
    name = check.string("timezone")
    if not name:
        return None, local_zone
    try:
        return name, ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise check.fail("timezone", f"unknown time zone {name!r}") from error


def _author(check: _Checker) -> tuple[str | None, str | None, str | None]:
    author = check.config.get("author")
    if isinstance(author, Mapping):
        parts = (author.get("name"), author.get("email"), author.get("url") or author.get("uri"))
        return tuple(None if p is None else str(p) for p in parts)  # type: ignore[return-value]
    if author is None or isinstance(author, list):
        return None, None, None
    return str(author), None, None


def site_url(url: str | None, baseurl: str | None) -> str | None:
    """`url` + `baseurl`, ending in `/` (None without a `url`)."""
    if not url:
        return None
    base = (baseurl or "").strip("/")
    return url.rstrip("/") + "/" + (base + "/" if base else "")


def _language(check: _Checker) -> tuple[str | None, str | None]:
    for key in ("lang", "locale", "language"):
        value = check.string(key)
        if value:
            return value, key
    return None, None


def _basics(check: _Checker, zone_name: str | None, permalink_key: str) -> SiteBasics:
    url, baseurl = check.string("url"), check.string("baseurl")
    language, language_key = _language(check)
    name, email, author_url = _author(check)
    aliases = {"language": language_key, "author_name": "author", "permalink": permalink_key}
    origins = dict(check.origins)
    origins.update({alias: origins[key] for alias, key in aliases.items() if key in origins})
    return SiteBasics(
        generator="jekyll",
        title=check.string("title"),
        description=check.string("description"),
        url=site_url(url, baseurl),
        language=language,
        timezone=zone_name,
        author_name=name,
        author_email=email,
        author_url=author_url,
        variables=check.config,
        origins=origins,
    )


def _expand_braces(pattern: str) -> list[str]:
    """Dir.glob's `{a,b}` alternatives (Python's glob has none)."""
    found = re.search(r"\{([^{}]*)\}", pattern)
    if found is None:
        return [pattern]
    head, tail = pattern[: found.start()], pattern[found.end() :]
    return [out for choice in found[1].split(",") for out in _expand_braces(head + choice + tail)]


def _globbed(root: Path, pattern: str, collections_dir: str) -> tuple[str, ...]:
    """FrontmatterDefaults#glob_scope: the matching paths, collections_dir prefix stripped."""
    prefix = collections_dir + "/" if collections_dir else None
    paths: list[str] = []
    for one in _expand_braces(pattern.lstrip("/")):
        for hit in sorted(glob.glob(one, root_dir=root, recursive=True)):
            paths.append(hit.removeprefix(prefix) if prefix and hit.startswith(prefix) else hit)
    return tuple(paths)


def _default_sets(
    check: _Checker, root: Path, collections_dir: str
) -> tuple[tuple[DefaultSet, ...], list[str]]:
    """The valid `defaults:` sets (deprecated types renamed) and a warning per set Jekyll skips."""
    raw = check.config.get("defaults")
    if not isinstance(raw, list):
        return (), [f"defaults: ignored, Jekyll expects a list, got {kind(raw)}"] if raw is not None else []
    sets: list[DefaultSet] = []
    warnings: list[str] = []
    for index, item in enumerate(raw):
        if not isinstance(item, Mapping) or not isinstance(item.get("values"), Mapping):
            warnings.append(f"defaults[{index}]: ignored, Jekyll needs a `values` mapping")
            continue
        scope: Mapping[str, Any] = item["scope"] if isinstance(item.get("scope"), Mapping) else {}
        path = scope.get("path")
        path = path if isinstance(path, str) else ""
        kind_ = scope.get("type")
        kind_ = (
            {"page": "pages", "post": "posts", "draft": "drafts"}.get(str(kind_), str(kind_))
            if kind_
            else None
        )
        globbed = _globbed(root, path, collections_dir) if "*" in path else None
        sets.append(DefaultSet(path, kind_, item["values"], globbed))
    return tuple(sets), warnings


def _limit(check: _Checker) -> int:
    value = check.config.get("limit_posts") or 0
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise check.fail("limit_posts", f"expected a whole number 0 or more, got {value!r}")
    return value


def read_jekyll_site(
    root: Path, config_files: Sequence[Path] = (), *, local_zone: tzinfo = UTC
) -> JekyllSite:
    """Read a Jekyll site's config: `_config.yml` (or .yaml/.toml) or the given files in order.

    `local_zone` stands for the build machine's TZ, which Jekyll uses when `timezone` is unset.
    Raises ConfigError naming file, line and key.
    """
    config, origins, files = read_config(root, config_files)
    check = _Checker(config, origins)
    permalink, permalink_key = _template(check)
    zone_name, zone = _zone(check, local_zone)
    collections_dir = (check.string("collections_dir") or "").strip("/")
    defaults, warnings = _default_sets(check, root, collections_dir)
    markdown = check.string("markdown_ext") or ""
    return JekyllSite(
        root=root,
        basics=_basics(check, zone_name, permalink_key),
        config=config,
        permalink=permalink,
        url=check.string("url"),
        baseurl=check.string("baseurl"),
        collections_dir=collections_dir,
        defaults=defaults,
        excerpt_separator=str(config.get("excerpt_separator") or ""),
        future=check.flag("future"),
        show_drafts=check.flag("show_drafts"),
        unpublished=check.flag("unpublished"),
        timezone=zone_name,
        zone=zone,
        markdown_ext=tuple("." + ext.strip().lower() for ext in markdown.split(",") if ext.strip()),
        include=check.strings("include"),
        exclude=check.strings("exclude"),
        limit_posts=_limit(check),
        files=tuple(files),
        warnings=tuple(warnings),
    )
