"""The files one change touches: the feeds of the site and of every term the changed posts had or
have (with every page of those terms' pages), the shared files when their shape changed, the
changed posts' pages and those of the posts beside them (previous/next, before and after), and
the archive's index and the months the changed posts were or are in.

Everything else in feeds/ stays as it is, so an edit costs what its scopes cost, not a build.
"""

from __future__ import annotations

from feedpub.model import FeedKey, Post, Scope
from feedpub.render.assets import asset_bytes, asset_files
from feedpub.render.page_nav import around, holds, month_of, month_path
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
    archive, archive_gone = _archive_pages(renderer, old, affected)
    files += archive
    removed += archive_gone
    pages, gone = _post_pages(renderer, old, new, affected)
    # pages and media before the feeds and lists that link to them: a write that stops half-way
    # (a full disk) leaves old lists beside new pages, never a new entry whose page is missing
    return pages + files, removed + gone


def _terms_of(posts: list[Post]) -> set[tuple[Scope, str]]:
    keys: set[tuple[Scope, str]] = set()
    for post in posts:
        keys |= {(Scope.CATEGORY, t.key) for t in post.categories} | {(Scope.TAG, t.key) for t in post.tags}
    return keys


def _archive_pages(
    renderer: SiteRenderer, old: Taxonomy, affected: list[Post]
) -> tuple[list[File], list[str]]:
    """The archive's index and the pages of the months the affected posts were or are in (every
    month when a month appears or goes: each names the months beside it); the months now empty.

    The months before are worked out from the months now and the affected posts (a month no
    affected post is in had the same posts; one that is keeps a post, or an affected post was
    in it), not from every post again."""
    now = dict(renderer.pages.archives.months)
    changed = {post.id for post in affected}
    touched = {month_of(post) for post in affected}
    before = {
        month
        for month, posts in now.items()
        if month not in touched or any(p.id not in changed for p in posts)
    }
    before |= {month_of(post) for post in affected if holds(old.scopes[FeedKey(Scope.SITE)], post)}
    only = None if before != now.keys() else touched
    gone = [month_path(*month) + "index.html" for month in sorted(before - now.keys())]
    return list(renderer.pages.archives.files(only)), gone


def _post_pages(
    renderer: SiteRenderer, old: Taxonomy, new: Taxonomy, affected: list[Post]
) -> tuple[list[File], list[str]]:
    """The pages of the affected posts that are visible now and of the posts beside them before
    and after (their previous/next links), and the paths of the affected posts' pages that went."""
    site = new.scopes[FeedKey(Scope.SITE)]
    visible_now = {p.id: p for p in site}
    changed = {p.id for p in affected}
    beside = around(old.scopes[FeedKey(Scope.SITE)], affected) | around(site, affected)
    pages = {}
    for post in [*affected, *(p for i, p in beside.items() if i not in changed and visible_now.get(i) is p)]:
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
