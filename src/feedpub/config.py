"""Settings: read config.yaml once, validate every key, and hand frozen values around.

Unknown keys and wrong types fail at start with the key's path (`feeds.limit: expected an
integer >= 1, got 'x'`), so a typo never silently falls back to a default.
"""

from __future__ import annotations

import os
import zoneinfo
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, is_dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from feedpub import config_serving as serving
from feedpub.errors import ConfigError

CONFIG_ENV = "FEEDPUB_CONFIG"
FORMATS = ("rss", "atom", "json")  # the names of render.formats.FORMATS (a test holds them equal)
# the tools whose feed URLs `legacy_urls` can answer (serve.legacy knows their URL shapes)
LEGACY_TOOLS = ("jekyll", "hugo")


@dataclass(frozen=True)
class AuthorSettings:
    name: str = "feedpub"
    email: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class SiteSettings:
    title: str = "feedpub"
    base_url: str = "http://127.0.0.1:8080/"  # where feedpub serves feeds/ (and, standalone, the posts)
    description: str = ""
    language: str = "en"
    timezone: str = "UTC"
    author: AuthorSettings = field(default_factory=AuthorSettings)
    # where the posts are published when that is another site (a Jekyll or Hugo site beside
    # feedpub): entry links point there and feedpub makes no post pages; None: at base_url
    url: str | None = None
    # a Jekyll or Hugo site's root folder: its own config, permalinks and posts are read
    source: str | None = None
    configs: tuple[str, ...] = ()  # Jekyll's extra config files (`jekyll --config a,b`), in order


@dataclass(frozen=True)
class PathSettings:
    posts: str = "posts"
    feeds: str = "feeds"
    cache: str = ".feedpub"


@dataclass(frozen=True)
class FeedSettings:
    limit: int = 20
    formats: tuple[str, ...] = FORMATS
    content: str = "full"
    summary_length: int = 200
    # RFC 5005 archives: every entry of a scope beyond `limit`, in Atom pages of this many entries
    # (oldest first, so a full page never changes); 0 turns archives off
    archive_page_size: int = 100
    archive_content: str = "summary"  # or "full": what archived entries carry


@dataclass(frozen=True)
class PageSettings:
    per_page: int = 30  # posts on each page of a term page (then <term>/page/2/ …)


@dataclass(frozen=True)
class TaxonomySettings:
    categories: tuple[str, ...] = ("categories", "category", "main_topics")
    tags: tuple[str, ...] = ("tags", "tag")


@dataclass(frozen=True)
class LimitSettings:
    """Bounds that keep one hostile post from stalling a build or eating memory."""

    max_file_bytes: int = 5_000_000
    max_terms_per_post: int = 200
    max_term_length: int = 100
    max_title_length: int = 500
    max_yaml_nodes: int = 20_000
    max_html_depth: int = 100
    # HTML characters one entry carries in feeds; a longer post's entries carry its summary and
    # link (its page keeps everything): libxml2-based readers refuse text nodes over 10 MB
    max_entry_content: int = 1_000_000


@dataclass(frozen=True)
class ScanSettings:
    interval_seconds: float = 30.0


@dataclass(frozen=True)
class Settings:
    """Everything configurable; `root` is the directory relative paths are resolved against."""

    site: SiteSettings = field(default_factory=SiteSettings)
    paths: PathSettings = field(default_factory=PathSettings)
    feeds: FeedSettings = field(default_factory=FeedSettings)
    pages: PageSettings = field(default_factory=PageSettings)
    taxonomies: TaxonomySettings = field(default_factory=TaxonomySettings)
    limits: LimitSettings = field(default_factory=LimitSettings)
    scan: ScanSettings = field(default_factory=ScanSettings)
    server: serving.ServerSettings = field(default_factory=serving.ServerSettings)
    websub: serving.WebSubSettings = field(default_factory=serving.WebSubSettings)
    stats: serving.StatsSettings = field(default_factory=serving.StatsSettings)
    polite: serving.PoliteSettings = field(default_factory=serving.PoliteSettings)
    # feed URLs of the tools a site moved from, answered with 301s (see legacy.py)
    legacy_urls: tuple[str, ...] = ()
    root: Path = field(default=Path("."), compare=False)
    # not config.yaml keys: the generator's view of `site.source` (a sites.jekyll.JekyllSite or
    # sites.hugo.HugoSite, read by sites.load), and where each effective setting came from
    profile: Any = field(default=None, compare=False, repr=False)
    origins: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)

    @property
    def posts_dir(self) -> Path:
        return self.root / self.paths.posts

    @property
    def feeds_dir(self) -> Path:
        return self.root / self.paths.feeds

    @property
    def cache_dir(self) -> Path:
        return self.root / self.paths.cache

    @property
    def post_base(self) -> str:
        """The URL posts' permalinks are relative to: the site's own, else feedpub's."""
        return self.site.url or self.site.base_url

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.site.timezone)

    def with_overrides(self, **values: Any) -> Settings:
        """Apply CLI flags such as posts=..., feeds=..., base_url=... (None means 'not given')."""
        settings = self
        if values.get("posts") is not None:
            settings = replace(settings, paths=replace(settings.paths, posts=str(values["posts"])))
        if values.get("feeds") is not None:
            settings = replace(settings, paths=replace(settings.paths, feeds=str(values["feeds"])))
        if values.get("base_url") is not None:
            base = _check_base_url(str(values["base_url"]), "--base-url")
            settings = replace(settings, site=replace(settings.site, base_url=base))
        return settings


def _check_base_url(value: str, where: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"{where}: expected an absolute http(s) URL, got {value!r}")
    return value if value.endswith("/") else value + "/"


def _check_timezone(value: str, where: str) -> str:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"{where}: unknown time zone {value!r}") from exc
    return value


def _check_formats(value: tuple[str, ...], where: str) -> tuple[str, ...]:
    unknown = [f for f in value if f not in FORMATS]
    if unknown or not value:
        raise ConfigError(f"{where}: expected a non-empty list of {', '.join(FORMATS)}, got {list(value)!r}")
    return tuple(dict.fromkeys(value))


def _check_content(value: str, where: str) -> str:
    if value not in ("full", "summary"):
        raise ConfigError(f"{where}: expected 'full' or 'summary', got {value!r}")
    return value


def _check_legacy_urls(value: tuple[str, ...], where: str) -> tuple[str, ...]:
    unknown = [v for v in value if v not in LEGACY_TOOLS]
    if unknown:
        tools = ", ".join(LEGACY_TOOLS)
        raise ConfigError(f"{where}: unknown tool {unknown[0]!r} (expected any of: {tools})")
    return tuple(dict.fromkeys(value))


_CHECKS: dict[str, Callable[[Any, str], Any]] = {  # checks beyond the type, by dotted path
    "site.base_url": _check_base_url,
    "site.url": lambda value, where: None if value is None else _check_base_url(value, where),
    "site.timezone": _check_timezone,
    "feeds.formats": _check_formats,
    "feeds.content": _check_content,
    "feeds.archive_content": _check_content,
    "legacy_urls": _check_legacy_urls,
    "server.trusted_proxies": serving.check_proxies,
}
# numbers that must be > 0: these, every `limits.*` and `websub.max_*`
_POSITIVE = {
    "feeds.limit", "feeds.summary_length", "pages.per_page", "scan.interval_seconds",
    "websub.lease_seconds", "stats.retention_days", "stats.flush_seconds",
    "polite.max_requests", "polite.window_seconds",
}  # fmt: skip

NOT_CONFIG_KEYS = ("root", "profile", "origins")  # Settings fields config.yaml cannot set


def _coerce(value: Any, default: Any, where: str) -> Any:
    """Check `value` against the type of the field's default and return it in that type."""
    if is_dataclass(default):
        return _build(type(default), value, where)
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: expected true or false, got {value!r}")
        return value
    if isinstance(default, int) and not isinstance(default, bool):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where}: expected an integer, got {value!r}")
        return value
    if isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{where}: expected a number, got {value!r}")
        return float(value)
    if isinstance(default, tuple):
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where}: expected a list of strings, got {value!r}")
        return tuple(value)
    # str or optional str
    if value is None and default is None:
        return None
    if not isinstance(value, str):
        raise ConfigError(f"{where}: expected a string, got {value!r}")
    return value


def _build(cls: type, data: Any, prefix: str) -> Any:
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise ConfigError(f"{prefix or 'config'}: expected a mapping, got {data!r}")
    known = {f.name: f for f in fields(cls) if f.name not in NOT_CONFIG_KEYS}
    values: dict[str, Any] = {}
    defaults = cls()
    for key, value in data.items():
        where = f"{prefix}.{key}" if prefix else str(key)
        if key not in known:
            raise ConfigError(f"{where}: unknown key (expected one of: {', '.join(sorted(known))})")
        value = _coerce(value, getattr(defaults, key), where)
        if (where in _POSITIVE or where.startswith(("limits.", "websub.max_"))) and value <= 0:
            raise ConfigError(f"{where}: expected a number > 0, got {value!r}")
        if where in _CHECKS:
            value = _CHECKS[where](value, where)
        values[key] = value
    return cls(**values)


def settings_from_mapping(data: Any, root: Path = Path(".")) -> Settings:
    """Validate a parsed config mapping; raise ConfigError naming the first bad key."""
    settings: Settings = _build(Settings, data, "")
    return replace(settings, root=root)


def load_settings(
    path: str | os.PathLike[str] | None = None, env: Mapping[str, str] | None = None
) -> Settings:
    """Read the config named by `path`, else $FEEDPUB_CONFIG, else ./config.yaml; defaults if absent.
    (With a `site.source`, `sites.load.load_site_settings` adds the site's own config.)"""
    data, root = read_config(path, env)
    return settings_from_mapping(data, root=root)


def read_config(
    path: str | os.PathLike[str] | None = None, env: Mapping[str, str] | None = None
) -> tuple[Any, Path]:
    """config.yaml's parsed mapping (None when there is no file) and the folder paths are relative to."""
    env = os.environ if env is None else env
    explicit = path is not None or bool(env.get(CONFIG_ENV))
    config_path = Path(path if path is not None else env.get(CONFIG_ENV) or "config.yaml")
    if not config_path.exists():
        if explicit:
            raise ConfigError(f"{config_path}: config file not found")
        return None, Path.cwd()
    try:
        data = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"{config_path}: cannot read config: {exc}") from exc
    return data, config_path.resolve().parent
