"""Many post files → posts and problems: through the parse cache, across a process pool.

Only files whose stat signature changed are read again, and of those only the ones whose bytes
changed are parsed again; slug, id and permalink collisions are settled by publication: the post
published first (earliest `published`, ties by path) keeps them, whatever the file names, so a new
post can never take an older one's URL. One bad file never stops a scan.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from feedpub.config import Settings
from feedpub.model import Post, Problem
from feedpub.read.facts import PostFacts
from feedpub.read.hugo_refs import RefIndex
from feedpub.read.look_alikes import merge_look_alikes
from feedpub.read.pool import Progress, read_all
from feedpub.read.post_file import file_digest, read_post
from feedpub.read.scan import SourceFile
from feedpub.read.site_posts import HugoFacts
from feedpub.sites.hugo import HugoSite

Entry = tuple[tuple[int, int, int], str, Post | Problem]


@dataclass
class Loaded:
    """The posts and problems of one scan, and which sources had to be read again."""

    posts: list[Post]
    problems: list[Problem]
    read: list[str]
    renamed: list[str] = field(default_factory=list)  # sources read again for a free slug, or re-keyed
    updated: list[str] = field(default_factory=list)  # sources whose cache entry was replaced
    deleted: list[str] = field(default_factory=list)  # sources dropped from the cache (files gone)

    @property
    def warnings(self) -> list[Problem]:
        """What reading the published posts met that did not stop them, in source order."""
        return [warning for post in self.posts for warning in post.warnings]


def load_posts(
    files: Iterable[SourceFile],
    settings: Settings,
    cache: dict[str, Entry] | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
    pack: bool = False,
    keep_last_good: bool = False,
    changed: Collection[str] | None = None,
    site: HugoFacts | None = None,
    now: datetime | None = None,
) -> Loaded:
    """Read every file whose stat signature differs from `cache` (updated in place) unless its bytes
    hash the same; resolve slug and id collisions by publication (the first published wins).
    `pack` compresses the bodies of the posts read (`Post.packed`), for a process that keeps them.
    With `keep_last_good`, a file that made a post and now makes a Problem keeps its last good
    post published, with the problem reported (the service: an editor's half-saved file must not
    drop an entry from every reader). `changed` names the only sources whose signature may
    differ from `cache` (what inotify reported), so the others are not compared one by one.
    For a Hugo site, `site` keeps every content file's front matter between calls (a new one
    when None); which files are posts, and their facts, are decided site-wide first, at `now`."""
    files, facts, site_problems, refs = _site_posts(files, settings, site, now or datetime.now(UTC))
    by_source = {f.source: f for f in files}
    cache = {} if cache is None else cache
    deleted = sorted(cache.keys() - by_source.keys())
    for source in deleted:
        del cache[source]
    candidates = by_source.values() if changed is None else [by_source[s] for s in changed if s in by_source]
    stale, resigned = _stale_files(candidates, cache, settings)
    if facts:
        stale += _new_facts(facts, cache, by_source, {f.source for f in stale})
    for source_file, (digest, result) in zip(
        stale, read_all(stale, settings, workers, progress, facts, refs), strict=True
    ):
        if pack and isinstance(result, Post):
            result = result.packed()
        elif keep_last_good and isinstance(result, Problem):
            result = _with_last_good(result, cache.get(source_file.source))
        cache[source_file.source] = (source_file.signature, digest, result)
    posts, problems = _in_source_order(sorted(by_source), cache, keep_last_good)
    problems += site_problems
    renamed = {} if settings.profile is not None else _unique_slugs(posts)  # a site's slugs are its own
    if renamed:
        _read_renamed(posts, renamed, by_source, settings, pack)
    merged = merge_look_alikes(posts)  # look-alike terms: one feed (their neighbours change too)
    posts, duplicates = _unique_ids(posts)
    problems.extend(duplicates)
    problems.sort(key=lambda p: (p.source, p.line or 0))
    read = [f.source for f in stale]
    return Loaded(posts, problems, read, sorted({*renamed, *merged}), read + resigned, deleted)


def _stale_files(
    candidates: Iterable[SourceFile], cache: dict[str, Entry], settings: Settings
) -> tuple[list[SourceFile], list[str]]:
    """(files to read: new, or touched with other bytes; sources touched with the same bytes, whose
    cache entry only takes the new signature here)."""
    stale: list[SourceFile] = []
    resigned: list[str] = []  # touched, same bytes: only the signature is new
    for source_file in candidates:
        known = cache.get(source_file.source)
        if known is None or known[0] == source_file.signature:
            if known is None:
                stale.append(source_file)
            continue
        # touched, but perhaps not changed (a checkout, `touch`): the hash decides
        same = known[1] != "" and file_digest(source_file.path, settings) == known[1].split(":", 1)[0]
        if same:
            cache[source_file.source] = (source_file.signature, known[1], known[2])
            resigned.append(source_file.source)
        else:
            stale.append(source_file)
    return stale, resigned


def _site_posts(
    files: Iterable[SourceFile], settings: Settings, site: HugoFacts | None, now: datetime
) -> tuple[Iterable[SourceFile], dict[str, PostFacts], list[Problem], RefIndex | None]:
    """For a Hugo site: only the files that are posts, their facts, the content files Hugo could
    not read, and the index of every page's URL. Anything else: the files as they are."""
    if not isinstance(settings.profile, HugoSite):
        return files, {}, [], None
    files = list(files)
    keeper = site or HugoFacts()
    facts, errors = keeper.update(files, settings, now)
    problems = [Problem(source, error.message, error.line) for source, error in sorted(errors.items())]
    return [f for f in files if f.source in facts], facts, problems, keeper.refs


def _new_facts(
    facts: Mapping[str, PostFacts], cache: dict[str, Entry], by_source: dict[str, SourceFile], stale: set[str]
) -> list[SourceFile]:
    """Cached posts whose facts changed though their file did not (the digest carries the
    facts' fingerprint): read again."""
    again = []
    for source, known in cache.items():
        if (
            source not in stale
            and source in facts
            and not known[1].endswith(":" + facts[source].fingerprint())
        ):
            again.append(by_source[source])
    return again


def _in_source_order(
    sources: list[str], cache: dict[str, Entry], keep_last_good: bool
) -> tuple[list[Post], list[Problem]]:
    """The cached posts and problems of `sources`, with the last good post a Problem keeps (when
    kept: a service's cache read by `feedpub build`, which publishes what a cold build would)."""
    posts: list[Post] = []
    problems: list[Problem] = []
    add_post, add_problem = posts.append, problems.append
    for source in sources:
        result = cache[source][2]
        if isinstance(result, Post):
            add_post(result)
        else:
            add_problem(result)
            if keep_last_good and result.kept is not None:
                add_post(result.kept)
    return posts, problems


def _read_renamed(
    posts: list[Post],
    renamed: dict[str, tuple[str, str]],
    by_source: dict[str, SourceFile],
    settings: Settings,
    pack: bool,
) -> None:
    """Read the `renamed` sources again with their free slugs, in place in `posts`, each with a
    warning naming the post that keeps the slug (`feedpub check` lists it)."""
    position = {post.source: index for index, post in enumerate(posts)}
    for source, (slug, owner) in renamed.items():
        renamed_result = read_post(by_source[source], settings, slug)
        if isinstance(renamed_result, Post):
            taken = posts[position[source]].slug
            warning = Problem(
                source,
                f"slug {taken!r} belongs to {owner} (published first); published as {renamed_result.url}",
                warning=True,
            )
            renamed_result = replace(renamed_result, warnings=(*renamed_result.warnings, warning))
            posts[position[source]] = renamed_result.packed() if pack else renamed_result


def _with_last_good(problem: Problem, previous: Entry | None) -> Problem:
    """`problem`, carrying the post its file made before (kept through any number of bad saves)."""
    last = previous[2] if previous is not None else None
    good = last.kept if isinstance(last, Problem) else last
    if good is None:
        return problem
    return replace(problem, message=f"{problem.message} (its last good version stays published)", kept=good)


def by_publication(posts: Iterable[Post]) -> list[Post]:
    """`posts` with the first published first: earliest `published`, ties broken by source path.
    The order that decides who keeps a contested slug, id or permalink (never file names alone)."""
    return sorted(posts, key=lambda post: (post.published, post.source))


def _unique_slugs(posts: list[Post]) -> dict[str, tuple[str, str]]:
    """{source: (free slug, the source that keeps the wanted one)} for every post whose slug a post
    published before it has: the slug plus a hash of its path (longer if that is taken too)."""
    folded = [post.slug.casefold() for post in posts]
    if len(set(folded)) == len(folded):
        return {}  # no two alike (every scan but the rare one): no walk through the posts
    used = set(folded)
    taken: dict[str, str] = {}
    renamed: dict[str, tuple[str, str]] = {}
    for post in by_publication(posts):
        key = post.slug.casefold()
        if key not in taken:
            taken[key] = post.source
            continue
        digest = hashlib.sha1(post.source.encode("utf-8")).hexdigest()
        size = 6
        while f"{key}-{digest[:size]}" in used and size < len(digest):
            size += 2
        used.add(f"{key}-{digest[:size]}")
        renamed[post.source] = (f"{post.slug}-{digest[:size]}", taken[key])
    return renamed


def _unique_ids(posts: list[Post]) -> tuple[list[Post], list[Problem]]:
    """Two posts with one id (or one permalink) would be one entry to every reader, and one page:
    keep the one published first (`by_publication`), leave the other out and report both, so
    that neither wins silently. The kept posts stay in `posts`' order."""
    if len({post.id for post in posts}) == len(posts) and len({post.url for post in posts}) == len(posts):
        return posts, []  # every id and URL once: the common case, without the walk below
    seen: dict[str, str] = {}
    left_out: set[str] = set()
    problems: list[Problem] = []
    for post in by_publication(posts):
        clash = next((seen[key] for key in (post.id, post.url) if key in seen), None)
        if clash is not None:
            what = f"same id or permalink as {clash}, published first ({post.url})"
            problems.append(Problem(post.source, f"{what}; left out"))
            problems.append(
                Problem(clash, f"same id or permalink as {post.source} ({post.url}); this one kept")
            )
            left_out.add(post.source)
            continue
        seen[post.id] = seen[post.url] = post.source
    return [post for post in posts if post.source not in left_out], problems
