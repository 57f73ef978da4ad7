"""The files one change touches: the feeds of the site and of every term the changed posts had or
have, the shared files when their shape changed, and the changed posts' pages.

Everything else in feeds/ stays as it is, so an edit costs what its scopes cost, not a build.
"""

from __future__ import annotations

from feedpub.model import FeedKey, Post, Scope
from feedpub.render.assets import asset_bytes, asset_files
from feedpub.render.page_parts import post_page_path
from feedpub.render.site import File, SiteRenderer
from feedpub.render.taxonomy import Taxonomy


def changed_files(
    renderer: SiteRenderer, old: Taxonomy, new: Taxonomy, affected: list[Post]
) -> tuple[list[File], list[str]]:
    """(files to write, paths that disappear) when `affected` posts take `old` to `new`."""
    site = FeedKey(Scope.SITE)
    files, removed = renderer.scope_update(site, old.scopes[site], new.scopes[site])
    for scope, key in sorted(_terms_of(affected)):
        if (scope, key) in new.names:
            feed_key = new.feed_key(scope, key)
            before = old.scopes.get(old.feed_key(scope, key)) if (scope, key) in old.names else None
            scope_files, scope_gone = renderer.scope_update(feed_key, before, new.scopes[feed_key])
            files += scope_files
            removed += scope_gone
        elif (scope, key) in old.names:
            old_key = old.feed_key(scope, key)
            removed += renderer.scope_paths(old_key, old.scopes[old_key])
    files += renderer.shared_files(only_if_changed=True)
    pages, gone = _post_pages(renderer, new, affected)
    # pages and media before the feeds and lists that link to them: a write that stops half-way
    # (a full disk) leaves old lists beside new pages, never a new entry whose page is missing
    return pages + files, removed + gone


def _terms_of(posts: list[Post]) -> set[tuple[Scope, str]]:
    keys: set[tuple[Scope, str]] = set()
    for post in posts:
        keys |= {(Scope.CATEGORY, t.key) for t in post.categories} | {(Scope.TAG, t.key) for t in post.tags}
    return keys


def _post_pages(renderer: SiteRenderer, new: Taxonomy, affected: list[Post]) -> tuple[list[File], list[str]]:
    """The pages of the affected posts that are visible now, and the paths of those that are not."""
    visible_now = {p.id: p for p in new.scopes[FeedKey(Scope.SITE)]}
    pages = {}
    for post in affected:
        page = renderer.pages.post_page(post) if visible_now.get(post.id) is post else None
        if page is not None:
            pages[page[0]] = page[1]
    base = renderer.settings.site.base_url
    gone = [path for post in affected if (path := post_page_path(post, base)) and path not in pages]
    # the files the changed posts link to (an asset no post links to any more stays until the
    # next full build: another post may still link to it)
    visible = [post for post in affected if visible_now.get(post.id) is post]
    pages.update(asset_bytes(sorted(asset_files(renderer.settings, visible).items())))
    return sorted(pages.items()), gone
