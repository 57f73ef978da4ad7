"""Which published files get a .gz beside them, and the deterministic gzip that makes it."""

from __future__ import annotations

from isal import igzip

from feedpub.read.media import asset_type

GZIP_SUFFIX = ".gz"
# ISA-L's level 2 packs feeds about as tightly as zlib's level 1 (nginx's default) and runs seven
# times faster than zlib's level 6 (files about 15 % larger): on a cold build of ten thousand
# posts, gzip went from a fifth of the work to a trifle.
GZIP_LEVEL = 2


def gzip_bytes(data: bytes) -> bytes:
    """Deterministic gzip (no file name, mtime 0): the same bytes whenever and wherever made."""
    return igzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)


def precompressed(path: str) -> bool:
    """Whether publish writes a .gz beside the file: feeds, archives and the OPML, which readers
    and aggregators poll all day. HTML pages, two thirds of a site's files but visited now and
    then by people following a link, are compressed when asked for (the app keeps the result;
    nginx has `gzip on`): writing them compressed as well cost a cold build a tenth of its time."""
    return not path.endswith(".html") and asset_type(path) is None  # media files come compressed
