"""One post file → a Post or a Problem, never an exception.

The bytes are decoded (UTF-8, or UTF-16/32 with a BOM), the front matter split and parsed, and
the dialect's fields normalised; every failure, expected or not, becomes a Problem naming the
file, the line where it can be found, and the reason.
"""

from __future__ import annotations

import hashlib
import re

from feedpub.config import Settings
from feedpub.errors import PostError
from feedpub.model import Post, Problem
from feedpub.read.decode import decode
from feedpub.read.dialects import normalise
from feedpub.read.facts import PostFacts
from feedpub.read.front_matter import FrontMatter, has_front_matter, split
from feedpub.read.markdown import is_panic
from feedpub.read.safe_read import read_inside
from feedpub.read.scan import SourceFile
from feedpub.read.site_normalise import normalise_site_post
from feedpub.read.site_posts import jekyll_facts
from feedpub.sites.jekyll import JekyllSite


def _key_line(text: str, message: str) -> int | None:
    """The line of the front-matter key a message starts with (`tags: ...`), when we can find it."""
    match = re.match(r"([A-Za-z_][\w-]*):", message)
    if not match:
        return None
    found = re.search(
        rf"^[ \t]*\"?{re.escape(match.group(1))}\"?[ \t]*[:=]", text, re.MULTILINE | re.IGNORECASE
    )
    return text.count("\n", 0, found.start()) + 1 if found else None


def read_post(
    source_file: SourceFile, settings: Settings, slug: str | None = None, facts: PostFacts | None = None
) -> Post | Problem:
    """Read and normalise one file; any failure becomes a Problem, never an exception."""
    return read_hashed(source_file, settings, slug, facts)[1]


def file_digest(path: str, settings: Settings) -> str:
    """sha256 of the file's bytes, read as a post is read (`read.safe_read`); "" when it cannot be."""
    try:
        return hashlib.sha256(
            read_inside(path, settings.posts_dir, settings.limits.max_file_bytes)
        ).hexdigest()
    except (OSError, PostError):
        return ""


def read_hashed(
    source_file: SourceFile, settings: Settings, slug: str | None = None, facts: PostFacts | None = None
) -> tuple[str, Post | Problem]:
    """(sha256 of the bytes read, the Post or Problem they make); never raises. A post of a Hugo
    site comes with its `facts` (decided site-wide); a Jekyll site's post has them made here. The
    facts' fingerprint is part of the digest, so new facts read the file again."""
    source = source_file.source
    text, digest = "", ""
    try:
        data = read_inside(source_file.path, settings.posts_dir, settings.limits.max_file_bytes)
        digest = hashlib.sha256(data).hexdigest()
        text = decode(data)
        jekyll_site = isinstance(settings.profile, JekyllSite)
        if settings.profile is not None and not has_front_matter(text, yaml_only=jekyll_site):
            front_matter = FrontMatter("yaml", {}, text, 1)  # both generators publish a file without one
        else:
            front_matter = split(text, settings.limits.max_yaml_nodes)
        if facts is None and jekyll_site:
            facts = jekyll_facts(settings, source, text, source_file.path)
        if facts is not None:
            digest += ":" + facts.fingerprint()
        if facts is not None:
            return digest, normalise_site_post(front_matter, source, settings, facts)
        return digest, normalise(front_matter, source, settings, slug)
    except PostError as exc:
        return digest, Problem(source, exc.message, exc.line or _key_line(text, exc.message))
    except OSError as exc:
        return digest, Problem(source, f"cannot read: {exc.strerror or exc}")
    except RecursionError:
        return digest, Problem(source, "content is nested too deeply to process")
    except Exception as exc:  # one odd file must never stop the scan
        return digest, Problem(source, f"cannot process: {type(exc).__name__}: {exc}"[:300])
    except BaseException as exc:  # a Rust library's panic (pyo3's PanicException) is no Exception
        if not is_panic(exc):
            raise
        return digest, Problem(source, f"cannot process: a parser failed: {exc}"[:300])
