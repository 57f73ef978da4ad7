"""Starting without rendering: is feeds/ already what these posts make?

After the first publish and at a clean stop, the service records in the parse cache a digest of
everything the published files depend on (every source's signature and hash, the visible ids,
the settings through the cache's fingerprint), the manifest's digest and when the posts were
found visible. A start compares that record with the posts and with the manifest on disk:
- the same: feeds/ is current, nothing is rendered (a warm start);
- posts changed while the service was down: the last run's posts are read back from the cache
  and only the difference is published;
- anything else (no record, another manifest, a changed setting): everything is rendered.
A stale record is harmless: it can only fail to match.
"""

from __future__ import annotations

import hashlib
import os
from datetime import datetime

from feedpub.config import Settings
from feedpub.model import statuses
from feedpub.publish.manifest import manifest_digest
from feedpub.publish.store import Store
from feedpub.read.cache import Entry, PostCache
from feedpub.read.load import load_posts
from feedpub.read.scan import SourceFile
from feedpub.service.state import Published, Signatures


class WarmStart:
    """The record in `db`, and the checks against it."""

    def __init__(self, settings: Settings, db: PostCache, keep_last_good: bool = True) -> None:
        self.settings = settings
        self.db = db
        self.keep_last_good = keep_last_good  # as the publisher reads posts

    def state_digest(self, visible: frozenset[str], cache: dict[str, Entry]) -> str:
        """A digest of everything the published files depend on."""
        digest = hashlib.sha256(self.db.fingerprint.encode())
        for source in sorted(cache):
            signature, content, _result = cache[source]
            digest.update(f"{source}\0{signature}\0{content}\n".encode("utf-8", "surrogateescape"))
        for post_id in sorted(visible):
            digest.update(post_id.encode("utf-8", "surrogateescape") + b"\n")
        return digest.hexdigest()

    def on_disk(self) -> str | None:
        """The digest of the manifest feeds/ holds now (read once for both checks below)."""
        return manifest_digest(self.settings.feeds_dir)

    def matches(self, visible: frozenset[str], cache: dict[str, Entry], on_disk: str | None) -> bool:
        """feeds/ is the manifest the last run recorded, made from exactly these sources and
        visible posts (the manifest is compared first: it is cheaper than the digest)."""
        return self._manifest_as_recorded(on_disk) and self.db.get_meta("published_state") == (
            self.state_digest(visible, cache)
        )

    def prior(
        self, before: dict[str, Entry], signatures: Signatures, on_disk: str | None
    ) -> tuple[Published, frozenset[str]] | None:
        """What the last run published, when its record says feeds/ holds exactly what those
        posts make, with the sources that had to take a free slug then (they may get theirs back
        now); None otherwise (then everything is rendered). `before` is the parse cache as this
        run found it, `signatures` the files as they are now."""
        stamp = self.db.get_meta("published_at")
        if not before or not stamp or not self._manifest_as_recorded(on_disk):
            return None
        try:
            published_at = datetime.fromisoformat(stamp)
        except ValueError:
            return None
        root = str(self.settings.posts_dir) + os.sep
        files = [SourceFile(root + src, src, entry[0]) for src, entry in sorted(before.items())]
        loaded = load_posts(files, self.settings, dict(before), pack=True, keep_last_good=self.keep_last_good)
        if loaded.read or any(signatures.get(src) != before[src][0] for src in loaded.renamed):
            return None  # a post given a free slug was read again: right only if it did not change
        visible = statuses(loaded.posts, published_at)[1]
        if not self.matches(visible, before, on_disk):
            return None
        return Published({p.source: p for p in loaded.posts}, visible), frozenset(loaded.renamed)

    def record(
        self, published: Published, cache: dict[str, Entry], store: Store, scanned_at: datetime | None
    ) -> None:
        """Remember what feeds/ now holds. Done after the first publish and at a clean stop, not
        after every publish: the digest walks every source."""
        self.db.set_meta("published_state", self.state_digest(published.visible, cache))
        written = store.manifest_sha  # the bytes this run wrote last, else what is on disk
        self.db.set_meta("manifest_sha", written or self.on_disk() or "")
        if scanned_at is not None:  # when the published posts were last found visible
            self.db.set_meta("published_at", scanned_at.isoformat())

    def _manifest_as_recorded(self, on_disk: str | None) -> bool:
        recorded = self.db.get_meta("manifest_sha")
        return recorded is not None and recorded == on_disk
