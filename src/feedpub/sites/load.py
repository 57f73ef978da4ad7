"""Settings for a Jekyll or Hugo site: its own config underneath, config.yaml on top.

`load_site_settings` is what the command line calls: without `site.source` (or `--site`) it is
`config.load_settings`; with one, the site's generator is recognised by its config file, the
site's config is read (`sites.jekyll`, `sites.hugo`), and what feeds need of it (title,
description, url, language, time zone, author) fills every setting config.yaml leaves unset.
`Settings.profile` keeps the whole site for the read stage (permalinks, defaults, which files are
posts) and `Settings.origins` says where each effective setting came from (`feedpub check`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import fields, is_dataclass, replace
from pathlib import Path
from typing import Any

from feedpub.config import CONFIG_ENV, NOT_CONFIG_KEYS, Settings, read_config, settings_from_mapping
from feedpub.errors import ConfigError
from feedpub.sites.hugo import HugoSite, read_hugo_site
from feedpub.sites.jekyll import JekyllSite, read_jekyll_site
from feedpub.sites.profile import SiteBasics

JEKYLL_CONFIGS = ("_config.yml", "_config.yaml", "_config.toml")
HUGO_CONFIGS = tuple(
    f"{stem}.{ext}" for stem in ("hugo", "config") for ext in ("toml", "yaml", "yml", "json")
)
SITE_ENV = "FEEDPUB_SITE"  # `--site` as `feedpub serve` hands it to its worker processes
FEEDS_FOLDER = "feeds/"  # where feeds go under the site's URL when config.yaml names no base_url

Site = JekyllSite | HugoSite


def generator_of(root: Path) -> str:
    """ "hugo" or "jekyll", by the config file the site's root holds; ConfigError when neither."""
    if any((root / name).is_file() for name in HUGO_CONFIGS) or (root / "config" / "_default").is_dir():
        return "hugo"
    if any((root / name).is_file() for name in JEKYLL_CONFIGS):
        return "jekyll"
    if not root.is_dir():
        raise ConfigError(f"site.source: {root} is not a folder")
    raise ConfigError(
        f"site.source: {root} holds neither a Jekyll config (_config.yml) nor a Hugo config"
        " (hugo.toml, config.toml, config/_default/)"
    )


def read_site(root: Path, config_files: Sequence[str] = ()) -> Site:
    """The site at `root`, read as its generator reads it; `config_files` are read after the
    site's own `_config.yml`, later ones winning (`jekyll --config _config.yml,a,b`)."""
    if generator_of(root) == "hugo":
        if config_files:
            raise ConfigError("site.configs: extra config files are read for Jekyll sites only")
        return read_hugo_site(root)
    if not config_files:
        return read_jekyll_site(root)
    own = next((root / name for name in JEKYLL_CONFIGS if (root / name).is_file()), None)
    return read_jekyll_site(root, [*([own] if own else []), *(root / name for name in config_files)])


def load_site_settings(
    path: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
    site_dir: str | None = None,
) -> Settings:
    """config.yaml (see `config.read_config`), over the site's own config when it names one
    (`site.source`, or `site_dir` from `--site`, relative to the current folder)."""
    data, root = read_config(path, env)
    site_dir = (
        site_dir if site_dir is not None else (os.environ if env is None else env).get(SITE_ENV) or None
    )
    data = dict(data) if isinstance(data, Mapping) else ({} if data is None else data)
    from_flag = site_dir is not None and isinstance(data, dict)
    if from_flag:
        data["site"] = {**_mapping(data.get("site")), "source": str(Path(str(site_dir)).resolve())}
    source = _mapping(_mapping(data).get("site")).get("source")
    if not isinstance(source, str) or not source:
        plain = settings_from_mapping(data, root=root)
        return replace(plain, origins=_origins(plain, data, {}))
    configs = _mapping(data.get("site")).get("configs") or ()
    site = read_site(root / source, [configs] if isinstance(configs, str) else list(configs))
    underneath, origins = _from_site(site, root / source)
    merged = _merge(underneath, data)
    settings = settings_from_mapping(merged, root=root)
    origins = _origins(settings, data, origins)
    if from_flag:
        origins["site.source"] = "--site"
    return replace(settings, profile=site, origins=origins)


def config_file(path: str | None) -> str | None:
    """The config file a command reads (`--config`, $FEEDPUB_CONFIG, ./config.yaml), if any."""
    return path or os.environ.get(CONFIG_ENV) or ("config.yaml" if Path("config.yaml").exists() else None)


def defaults_note(settings: Settings, config_path: str | None, site_dir: str | None) -> str | None:
    """One line saying which defaults a command without any config file runs with."""
    if config_path is not None or site_dir is not None or os.environ.get(SITE_ENV):
        return None
    return (
        f"no config file (./config.yaml), so: posts {settings.posts_dir}, "
        f"feeds {settings.feeds_dir}, base_url {settings.site.base_url}"
    )


def _from_site(site: Site, root: Path) -> tuple[dict[str, Any], dict[str, str]]:
    """The settings the site's config gives, in config.yaml's shape, and where each came from."""
    basics: SiteBasics = site.basics
    url = _site_url(basics)
    values: dict[str, Any] = {
        "site.title": basics.title,
        "site.description": basics.description,
        "site.url": url,
        "site.base_url": url + FEEDS_FOLDER if url else None,
        "site.language": basics.language,
        "site.timezone": basics.timezone,
        "site.author.name": basics.author_name,
        "site.author.email": basics.author_email,
        "site.author.url": basics.author_url,
        "paths.posts": str(posts_folder(site, root)),
    }
    mapping: dict[str, Any] = {}
    origins: dict[str, str] = {}
    for dotted, value in values.items():
        if value is None:
            continue
        *parents, last = dotted.split(".")
        node = mapping
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = value
        origin = next((basics.origins[k] for k in _ORIGIN_KEYS.get(dotted, ()) if k in basics.origins), None)
        origins[dotted] = str(origin) if origin else f"{basics.generator} site at {root}"
    return mapping, origins


# each setting → the keys SiteBasics.origins may hold it under (Jekyll's and Hugo's names)
_ORIGIN_KEYS: dict[str, tuple[str, ...]] = {
    "site.title": ("title",),
    "site.description": ("description", "params.description"),
    "site.url": ("url", "baseurl", "baseURL"),
    "site.base_url": ("url", "baseurl", "baseURL"),
    "site.language": ("language", "lang", "locale", "languageCode", "languagecode", "defaultContentLanguage"),
    "site.timezone": ("timezone", "timeZone"),
    "site.author.name": ("author_name", "author.name", "author", "params.author.name", "params.author"),
    "site.author.email": ("author_email", "author.email", "params.author.email", "author"),
    "site.author.url": ("author_url", "author.url", "params.author.url", "author"),
    "paths.posts": ("contentDir", "contentdir", "collections_dir"),
}


def _site_url(basics: SiteBasics) -> str | None:
    """The site's URL as its generator's feed writes it: jekyll-feed's `absolute_url` lower-cases
    the scheme and host (`https://Harry-hhj.github.io` → `https://harry-hhj.github.io`)."""
    url = basics.url
    if url is None or basics.generator != "jekyll":
        return url
    scheme, _, rest = url.partition("://")
    host, slash, path = rest.partition("/")
    return f"{scheme.lower()}://{host.lower()}{slash}{path}"


def posts_folder(site: Site, root: Path) -> Path:
    """Where the site's posts are searched: a Jekyll site's root (its `_posts/` folders may sit
    under category folders), a Hugo site's content folder."""
    if isinstance(site, HugoSite):
        return site.content_dir
    return root


def _merge(under: Mapping[str, Any], over: Any) -> Any:
    """`over` on top of `under`, mapping by mapping (config.yaml's values win, even null)."""
    if not isinstance(over, Mapping):
        return over
    merged = dict(under)
    for key, value in over.items():
        merged[key] = _merge(under[key], value) if isinstance(under.get(key), Mapping) else value
    return merged


def _origins(settings: Settings, data: Any, from_site: Mapping[str, str]) -> dict[str, str]:
    """Every setting's dotted name → "config.yaml", the site file and key, or "default"."""
    origins: dict[str, str] = {}
    for dotted in _dotted_names(settings, ""):
        if _given(data, dotted.split(".")):
            origins[dotted] = "config.yaml"
        else:
            origins[dotted] = from_site.get(dotted, "default")
    return origins


def _dotted_names(value: Any, prefix: str) -> list[str]:
    if not is_dataclass(value):
        return [prefix]
    names: list[str] = []
    for item in fields(value):
        if item.name in NOT_CONFIG_KEYS:
            continue
        names += _dotted_names(getattr(value, item.name), f"{prefix}.{item.name}" if prefix else item.name)
    return names


def _given(data: Any, path: list[str]) -> bool:
    for part in path:
        if not isinstance(data, Mapping) or part not in data:
            return False
        data = data[part]
    return True


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def effective_settings(settings: Settings) -> list[tuple[str, Any, str]]:
    """(dotted name, value, where it came from) of every setting, for `feedpub config`."""
    rows = []
    for dotted in _dotted_names(settings, ""):
        value: Any = settings
        for part in dotted.split("."):
            value = getattr(value, part)
        if isinstance(value, tuple):
            value = list(value)
        rows.append((dotted, value, settings.origins.get(dotted, "default")))
    return rows
