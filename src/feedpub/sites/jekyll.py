"""Read a Jekyll site the way Jekyll 4.3 does: its config, which files are posts, their dates,
URLs and ids, and whether Jekyll publishes them. Pure functions; nothing is rendered or written.

Public API (all importable from here):

    read_jekyll_site(root, config_files=(), *, local_zone=UTC) -> JekyllSite
        `_config.yml` (or .yaml/.toml), or the given files merged in order as `jekyll --config a,b`;
        JekyllSite has `basics` (SiteBasics with origins: file and line of every key), `permalink`
        (the posts template, styles expanded), url, baseurl, collections_dir, defaults, future,
        show_drafts, unpublished, timezone, zone, markdown_ext, include, exclude, warnings.
        ConfigError like `_config.yml:7: permalink: expected a string, got a list`.
    post_name(site, rel_path) -> PostName | NotAPost
        whether a file (path from the site root) is a post to Jekyll: date text, slug, extension,
        folder categories, draft; or the reason it is not.
    find_posts(site) -> list[PostName | NotAPost]
        every file under a `_posts/` or `_drafts/` folder, judged by post_name.
    load_front_matter(text) -> dict
        the file's front matter typed as Psych types it (unquoted `2024-05-01 10:00:00` is UTC).
    defaults_for(site, relative_path, doc_type="posts") -> dict
        the front-matter defaults that apply to a post (most specific scope wins).
    jekyll_post(site, name, front_matter, mtime=None) -> JekyllPost
        everything below at once: data (defaults < front matter), date, url, id, categories, tags.
    post_date(site, name, data, mtime=None) -> datetime
        front-matter `date`, else the file name's, else (undated draft) the file's mtime; aware, in
        the site's zone. PostError naming `date` when unreadable.
    post_url(site, name, data, date) -> str
        `page.url`: the post's `permalink:` or the site template, placeholders filled and escaped.
    post_id(name, data, url) -> str
        `post.id`: the URL's folder + the slug (what jekyll-feed makes the Atom <id> of).
    publish_status(site, post, now) -> str | None
        None when Jekyll publishes the post at `now`, else why not (published: false, future, draft).
    absolute_url(path, url, baseurl) -> str
        Jekyll's `absolute_url` filter, as jekyll-feed applies it to link and id.
    slugify(text, mode=None, cased=False) -> str | None
        Utils.slugify (raw, default, pretty, ascii, latin).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from feedpub.errors import PostError
from feedpub.sites.jekyll_absolute_url import absolute_url
from feedpub.sites.jekyll_config import DefaultSet, JekyllSite, read_jekyll_site
from feedpub.sites.jekyll_data import defaults_for, document_data, truthy
from feedpub.sites.jekyll_dates import jekyll_date
from feedpub.sites.jekyll_permalinks import (
    category_values,
    date_values,
    generate_url,
    ruby_dirname,
    ruby_join,
    ruby_to_s,
    slugify,
)
from feedpub.sites.jekyll_posts import NotAPost, PostName, find_posts, post_name
from feedpub.sites.jekyll_yaml import load_front_matter

__all__ = [
    "DefaultSet",
    "JekyllPost",
    "JekyllSite",
    "NotAPost",
    "PostName",
    "absolute_url",
    "defaults_for",
    "find_posts",
    "jekyll_post",
    "load_front_matter",
    "post_date",
    "post_id",
    "post_name",
    "post_url",
    "publish_status",
    "read_jekyll_site",
    "slugify",
]


@dataclass(frozen=True)
class JekyllPost:
    """One post as Jekyll sees it before rendering."""

    name: PostName
    data: Mapping[str, Any]
    date: datetime
    url: str
    id: str
    categories: tuple[str, ...]
    tags: tuple[Any, ...]


def post_date(
    site: JekyllSite, name: PostName, data: Mapping[str, Any], mtime: datetime | None = None
) -> datetime:
    """Document#date: the merged `date`, else the name's date, else (a draft) the file's mtime."""
    value = data.get("date")
    if truthy(value):
        return jekyll_date(value, site.zone, "date")
    if name.date is not None:
        return jekyll_date(name.date, site.zone, "date (from the file name)")
    if mtime is None:
        mtime = datetime.fromtimestamp((site.root / name.rel_path).stat().st_mtime, site.zone)
    return mtime.replace(microsecond=0).astimezone(site.zone)


def output_ext(site: JekyllSite, name: PostName, permalink: str | None) -> str:
    """Renderer#output_ext: the own permalink's extension, else the converter's (.html for
    Markdown, .css for Sass), else the file's own extension (the identity converter)."""
    if permalink and not permalink.endswith("/"):
        last = permalink.rsplit("/", 1)[-1]
        stem, dot, tail = last.rpartition(".")
        if dot and stem:
            return "." + tail
    ext = name.extname.lower()
    if ext in site.markdown_ext:
        return ".html"
    return ".css" if ext in (".sass", ".scss") else name.extname


def _own_permalink(data: Mapping[str, Any]) -> str | None:
    value = data.get("permalink")
    if not truthy(value):
        return None
    if not isinstance(value, str):
        raise PostError(f"permalink: expected a string, got {value!r}")
    return value


def _first(value: str | None, fallback: str | None) -> str:
    """Ruby's `a || b` for slugify results ("" counts as a value)."""
    return value if value is not None else fallback or ""


def url_values(site: JekyllSite, name: PostName, data: Mapping[str, Any], date: datetime) -> dict[str, str]:
    """Drops::UrlDrop for a post: every placeholder's value before escaping."""
    slug = ruby_to_s(data.get("slug")) if truthy(data.get("slug")) else None
    relative = name.relative_path[: len(name.relative_path) - len(name.extname)]
    return {
        **date_values(date),
        **category_values(list(data.get("categories") or [])),
        "collection": "posts",
        "title": _first(slugify(slug, "pretty", True), slugify(name.basename_without_ext, "pretty", True)),
        "slug": _first(slugify(slug), slugify(name.basename_without_ext)),
        "name": slugify(name.basename_without_ext) or "",
        "path": relative.replace("_posts", "", 1).rstrip("."),
        "output_ext": output_ext(site, name, _own_permalink(data)),
    }


def post_url(site: JekyllSite, name: PostName, data: Mapping[str, Any], date: datetime) -> str:
    """Document#url (`page.url`): relative to the site, escaped, starting with `/`."""
    own = _own_permalink(data)
    template = own if own is not None else site.permalink
    try:
        return generate_url(template, url_values(site, name, data, date))
    except KeyError as error:
        key = "permalink" if own is not None else "the site's permalink"
        raise PostError(f"{key}: unknown placeholder :{error.args[0]} in {template!r}") from error


def post_id(name: PostName, data: Mapping[str, Any], url: str) -> str:
    """Document#id: File.join(File.dirname(url), slug || basename) (the slug is not escaped)."""
    slug = data.get("slug")
    return ruby_join(ruby_dirname(url), ruby_to_s(slug if truthy(slug) else name.basename_without_ext))


def jekyll_post(
    site: JekyllSite, name: PostName, front_matter: Mapping[str, Any], mtime: datetime | None = None
) -> JekyllPost:
    """A post's data, date, URL and id (PostError names the front-matter key at fault)."""
    data = document_data(site, name, front_matter)
    date = post_date(site, name, data, mtime)
    url = post_url(site, name, data, date)
    return JekyllPost(
        name=name,
        data=data,
        date=date,
        url=url,
        id=post_id(name, data, url),
        categories=tuple(data.get("categories") or ()),
        tags=tuple(data.get("tags") or ()),
    )


def publish_status(site: JekyllSite, post: JekyllPost, now: datetime) -> str | None:
    """Publisher#publish? at `now`: None when Jekyll writes the post, else the reason it does not."""
    if "published" in post.data and not truthy(post.data["published"]) and not site.unpublished:
        return f"published: {ruby_to_s(post.data['published']) or 'null'}"
    if not site.future and int(post.date.timestamp()) > int(now.timestamp()):
        return "dated in the future, and future is off"
    if post.name.draft and not site.show_drafts:
        return "a draft, and show_drafts is off"
    return None
