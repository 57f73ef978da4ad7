"""A post's data hash as Jekyll builds it: folder categories, then front-matter defaults, then the
file's front matter, then what the name supplies (slug, title, ext) and the category/tag lists.

Rules from document.rb and frontmatter_defaults.rb: a default applies when its scope path is a
plain string prefix of the post's relative path (a leading `/` is *not* removed there, so
`path: /_posts` never matches), or for a glob, a prefix of a path the glob found; `type` must be
`posts` (a draft's type is `posts` too). The longer scope path wins, a set with a type beats one
without at equal length, the later set wins a tie. Merging keeps the old value where the new one
is null. Categories are never replaced, only added to: folders, then defaults, then front matter,
then `category:`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from feedpub.sites.jekyll_config import DefaultSet, JekyllSite
from feedpub.sites.jekyll_config_files import deep_merge
from feedpub.sites.jekyll_permalinks import ruby_to_s
from feedpub.sites.jekyll_posts import PostName


def _strip_collections_dir(site: JekyllSite, path: str) -> str:
    prefix = site.collections_dir + "/"
    return path.replace(prefix, "", 1) if site.collections_dir and path.startswith(prefix) else path


def _applies(site: JekyllSite, rule: DefaultSet, relative_path: str, doc_type: str) -> bool:
    if rule.type is not None and rule.type != doc_type:
        return False
    if not rule.path:
        return True
    if rule.globbed is not None:
        return any(relative_path.startswith(found) for found in rule.globbed)
    return relative_path.startswith(_strip_collections_dir(site, rule.path))


def _precedes(old: DefaultSet | None, new: DefaultSet) -> bool:
    """FrontmatterDefaults#has_precedence?."""
    if old is None:
        return True
    new_path, old_path = new.path.removeprefix("/"), old.path.removeprefix("/")
    if len(new_path) != len(old_path):
        return len(new_path) >= len(old_path)
    return new.type is not None or old.type is None


def defaults_for(site: JekyllSite, relative_path: str, doc_type: str = "posts") -> dict[str, Any]:
    """FrontmatterDefaults#all: every matching set's values, the most specific winning."""
    values: dict[str, Any] = {}
    winner: DefaultSet | None = None
    for rule in site.defaults:
        if not _applies(site, rule, relative_path, doc_type):
            continue
        if _precedes(winner, rule):
            values, winner = deep_merge(values, rule.values), rule
        else:
            values = deep_merge(rule.values, values)
    return values


def truthy(value: Any) -> bool:
    """Ruby truthiness: only nil and false are false ("" and 0 are true)."""
    return value is not None and value is not False


def _as_list(value: Any) -> list[Any]:
    """Ruby's Array(): nil → [], a list stays, anything else becomes a one-item list."""
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def merge_data(data: dict[str, Any], other: Mapping[str, Any]) -> dict[str, Any]:
    """Document#merge_data!: categories are a union (a string is split on spaces), the rest deep-merged."""
    other = dict(other)
    if other.get("categories") is not None:
        added = (
            other["categories"].split()
            if isinstance(other["categories"], str)
            else _as_list(other["categories"])
        )
        if isinstance(data.get("categories"), list):
            added = data["categories"] + [c for c in added if c not in data["categories"]]
        other["categories"] = added
    return deep_merge(data, other)


def pluralized(data: Mapping[str, Any], singular: str, plural: str) -> list[Any]:
    """Utils.pluralized_array_from_hash: the singular key wins; a plural string is split on spaces."""
    value = data.get(singular)
    if not truthy(value):
        plural_value = data.get(plural)
        value = plural_value.split() if isinstance(plural_value, str) else plural_value
        value = [v for v in value if v is not None] if isinstance(value, list) else None
    flat: list[Any] = []
    for item in _as_list(value):
        flat.extend(_flatten(item))
    return [item for item in flat if item is not None]


def _flatten(item: Any) -> list[Any]:
    return [x for inner in item for x in _flatten(inner)] if isinstance(item, list) else [item]


def document_data(site: JekyllSite, name: PostName, front_matter: Mapping[str, Any]) -> dict[str, Any]:
    """The post's `page.*` data before rendering (dates still raw: see jekyll_dates.jekyll_date)."""
    data = {"categories": list(name.categories), "draft": name.draft}
    data = merge_data(data, defaults_for(site, name.relative_path))
    data = merge_data(data, front_matter)
    if not truthy(data.get("date")) and name.date is not None:
        data["date"] = name.date
    if not truthy(data.get("title")):
        data["title"] = " ".join(p.capitalize() for p in name.slug.split("-")).rstrip(" ")
    data["slug"] = data["slug"] if truthy(data.get("slug")) else name.slug
    data["ext"] = data["ext"] if truthy(data.get("ext")) else name.ext
    categories = [*_as_list(data.get("categories")), *pluralized(data, "category", "categories")]
    categories = list(dict.fromkeys(ruby_to_s(c) for c in _flatten(categories)))
    data = merge_data(data, {"categories": categories})
    data["tags"] = pluralized(data, "tag", "tags")
    return data
