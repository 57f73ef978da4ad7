"""`read_hugo_site`: a Hugo site's settings, typed and checked, with where each came from.

Defaults are Hugo's (`config/allconfig.newDefaultConfig`): contentDir `content`, taxonomies
tag→tags and category→categories (a `[taxonomies]` table replaces them, an empty one disables
them), summaryLength 70, timeZone UTC, defaultContentLanguage `en`. `languageCode` is the old
name of `locale`. mainSections comes from `params.mainSections`; without it Hugo picks the
section with the most pages, which needs the pages (`hugo_content.main_sections`).
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from feedpub.errors import ConfigError
from feedpub.sites.hugo_cascade import CascadeRule, decode_cascade
from feedpub.sites.hugo_config import config_files, load_config
from feedpub.sites.hugo_dates import FrontmatterConfig, decode_frontmatter
from feedpub.sites.hugo_permalinks import PermalinkRule, decode_permalinks
from feedpub.sites.profile import Origin, SiteBasics

DEFAULT_TAXONOMIES = {"tag": "tags", "category": "categories"}


@dataclass(frozen=True)
class HugoSite:
    """Everything about a Hugo site that decides which files are posts and where they live."""

    root: Path
    basics: SiteBasics
    content_dir: Path
    base_url: str  # baseURL with a trailing slash; "/" when unset (Hugo's permalinks are then paths)
    base_path: str  # the baseURL's path without trailing slash: "/blog" or ""
    permalinks: tuple[PermalinkRule, ...]
    taxonomies: Mapping[str, str]  # singular → plural
    main_sections_param: tuple[str, ...] | None
    summary_length: int  # words in an automatic .Summary
    has_cjk_language: bool  # count CJK characters as words (in pages written in them)
    build_drafts: bool
    build_future: bool
    build_expired: bool
    ugly_urls: bool | Mapping[str, bool]
    disable_path_to_lower: bool
    remove_path_accents: bool
    canonify_urls: bool
    cascade: tuple[CascadeRule, ...]
    frontmatter: FrontmatterConfig
    timezone: zoneinfo.ZoneInfo
    default_content_language: str
    default_content_language_in_subdir: bool
    languages: tuple[str, ...]
    ignore_files: tuple[str, ...] = ()
    disable_kinds: tuple[str, ...] = ()
    environment: str = "production"
    config_files: tuple[str, ...] = ()
    origins: Mapping[str, Origin] = field(default_factory=dict)  # dotted lower-case key → where
    warnings: tuple[str, ...] = ()

    def is_ugly(self, section: str) -> bool:
        """`IsUglyURLs(section)`: a bool for every section, or a table per section."""
        if isinstance(self.ugly_urls, bool):
            return self.ugly_urls
        return bool(self.ugly_urls.get(section, False))

    def where(self, key: str) -> str:
        """`file:line key` for a dotted config key, for error messages."""
        origin = self.origins.get(key)
        return str(origin) if origin else key


def read_hugo_site(root: Path, environment: str = "production") -> HugoSite:
    """Read and check the config of the Hugo site at `root` (ConfigError names file, line, key)."""
    if not config_files(root, environment):
        raise ConfigError(f"{root}: no hugo.toml, config.toml or config/_default/ found")
    config, origins = load_config(root, environment)
    get = _Getter(config, origins)
    base_url = get.text("baseurl") or ""
    languages = get.table("languages")
    default_lang = (get.text("defaultcontentlanguage") or "en").lower()
    params = get.table("params")
    return HugoSite(
        root=root,
        basics=_basics(get, params, base_url, default_lang, origins),
        content_dir=root / (get.text("contentdir") or "content"),
        base_url=_normalise_base_url(base_url),
        base_path=_base_path(_normalise_base_url(base_url)),
        permalinks=decode_permalinks(config.get("permalinks"), get.where("permalinks")),
        taxonomies=_taxonomies(config),
        main_sections_param=_main_sections(params),
        summary_length=get.integer("summarylength", 70),
        has_cjk_language=get.flag("hascjklanguage"),
        build_drafts=get.flag("builddrafts"),
        build_future=get.flag("buildfuture"),
        build_expired=get.flag("buildexpired"),
        ugly_urls=_ugly(config.get("uglyurls")),
        disable_path_to_lower=get.flag("disablepathtolower"),
        remove_path_accents=get.flag("removepathaccents"),
        canonify_urls=get.flag("canonifyurls"),
        cascade=decode_cascade(config.get("cascade"), get.where("cascade"), in_config=True),
        frontmatter=decode_frontmatter(config.get("frontmatter"), get.where("frontmatter")),
        timezone=_zone(get, languages.get(default_lang)),
        default_content_language=default_lang,
        default_content_language_in_subdir=get.flag("defaultcontentlanguageinsubdir"),
        languages=tuple(str(k).lower() for k in languages) or (default_lang,),
        ignore_files=tuple(str(p) for p in config.get("ignorefiles") or ()),
        disable_kinds=tuple(str(k).lower() for k in config.get("disablekinds") or ()),
        environment=environment,
        config_files=tuple(sorted({o.file for o in origins.values()})),
        origins=origins,
        warnings=_warnings(config),
    )


class _Getter:
    """Typed reads of top-level keys; a wrong type is a ConfigError at the key's file and line."""

    def __init__(self, config: Mapping[str, Any], origins: Mapping[str, Origin]) -> None:
        self.config, self.origins = config, origins

    def where(self, key: str) -> str:
        origin = self.origins.get(key)
        return str(origin) if origin else key

    def _typed(self, key: str, kinds: tuple[type, ...], label: str) -> Any:
        value = self.config.get(key)
        if value is not None and (
            not isinstance(value, kinds) or (bool not in kinds and isinstance(value, bool))
        ):
            raise ConfigError(f"{self.where(key)}: expected {label}, got {value!r}")
        return value

    def text(self, key: str) -> str | None:
        value = self._typed(key, (str,), "a string")
        return value if isinstance(value, str) else None

    def flag(self, key: str) -> bool:
        value = self.config.get(key)
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        return bool(self._typed(key, (bool,), "true or false"))

    def integer(self, key: str, default: int) -> int:
        value = self._typed(key, (int,), "an integer")
        return default if value is None else int(value)

    def table(self, key: str) -> Mapping[str, Any]:
        value = self._typed(key, (Mapping,), "a table")
        return value if isinstance(value, Mapping) else {}


def _basics(
    get: _Getter, params: Mapping[str, Any], base_url: str, lang: str, origins: Mapping[str, Origin]
) -> SiteBasics:
    author = params.get("author") if params.get("author") is not None else get.config.get("author")
    name, email, url = _author(author)
    description = params.get("description")
    language = get.text("locale") or get.text("languagecode") or lang
    chosen = {
        "title": "title",
        "url": "baseurl",
        "description": "params.description",
        "language": next(
            (k for k in ("locale", "languagecode", "defaultcontentlanguage") if k in origins), ""
        ),
        "timezone": "timezone",
        "author": "params.author" if "params.author" in origins else "author",
        "permalink": "permalinks",
        "taxonomies": "taxonomies",
        "main_sections": "params.mainsections",
    }
    return SiteBasics(
        generator="hugo",
        title=get.text("title"),
        description=description if isinstance(description, str) else None,
        url=_normalise_base_url(base_url) if base_url else None,
        language=language,
        timezone=get.text("timezone"),
        author_name=name,
        author_email=email,
        author_url=url,
        variables=get.config,
        origins={name: origins[key] for name, key in chosen.items() if key in origins},
    )


def _author(value: Any) -> tuple[str | None, str | None, str | None]:
    if isinstance(value, str):
        return value or None, None, None
    if isinstance(value, Mapping):
        fields = [value.get(k) for k in ("name", "email", "url")]
        return tuple(f if isinstance(f, str) and f else None for f in fields)  # type: ignore[return-value]
    return None, None, None


def _normalise_base_url(base_url: str) -> str:
    """`urls.NewBaseURLFromString`: the path always ends in a slash (`#11669`)."""
    if not base_url:
        return "/"
    head, sep, tail = base_url.partition("?")
    head = head if head.endswith("/") else head + "/"
    return head + sep + tail


def _base_path(base_url: str) -> str:
    rest = base_url.split("://", 1)[-1]
    path = "/" + rest.split("/", 1)[1] if "/" in rest else "/"
    return path.rstrip("/")


def _taxonomies(config: Mapping[str, Any]) -> Mapping[str, str]:
    if "taxonomies" not in config:
        return dict(DEFAULT_TAXONOMIES)
    table = config["taxonomies"] or {}
    if not isinstance(table, Mapping):
        raise ConfigError(f"taxonomies: expected a table, got {table!r}")
    return {str(k).lower(): str(v).lower() for k, v in table.items() if k and v and isinstance(v, str)}


def _main_sections(params: Mapping[str, Any]) -> tuple[str, ...] | None:
    if "mainsections" not in params:
        return None
    value = params["mainsections"]
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value or ())


def _ugly(value: Any) -> bool | Mapping[str, bool]:
    if isinstance(value, Mapping):
        return {str(k).lower(): v is True or v == "true" for k, v in value.items()}
    return value is True or value == "true"


def _zone(get: _Getter, language: Any) -> zoneinfo.ZoneInfo:
    name = language.get("timezone") if isinstance(language, Mapping) and language.get("timezone") else None
    key = "timezone"
    name = name or get.text(key) or "UTC"
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"{get.where(key)}: invalid timeZone {name!r}") from exc


def _warnings(config: Mapping[str, Any]) -> tuple[str, ...]:
    if config.get("enablegitinfo") is True:
        return ("enableGitInfo: dates from :git (the last commit) are not supported; lastmod falls back",)
    return ()
