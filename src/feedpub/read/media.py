"""The media files a post links to on feedpub's own host, found once while the post is read
(`Post.media`), so that rendering publishes them beside the pages (`render.assets`) without
scanning every body again.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import unquote

# extension → Content-Type (a fixed table: the system's mime.types differs between machines).
# SVG is left out: a script in one would run on feedpub's own origin.
ASSET_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/x-icon",
    ".bmp": "image/bmp",
    ".pdf": "application/pdf",
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".ogg": "audio/ogg",
    ".wav": "audio/wav",
    ".mp4": "video/mp4",
    ".webm": "video/webm",
}
MAX_ASSET_BYTES = 50_000_000


def asset_type(path: str) -> str | None:
    """The Content-Type of a published asset, None for any other file."""
    name = path.rpartition("/")[2]
    return ASSET_TYPES.get("." + name.rpartition(".")[2].lower()) if "." in name else None


@lru_cache(maxsize=8)
def _media_url(base_url: str) -> re.Pattern[str]:
    """A URL on feedpub's own host ending in a media extension, as the sanitiser writes it (in an
    attribute, a srcset candidate): found by its literal start, so a body without one costs a scan."""
    extensions = "|".join(sorted(ext[1:] for ext in ASSET_TYPES))
    return re.compile(re.escape(base_url) + rf"[^\s\"'<>?#,]*\.(?:{extensions})(?=[\s\"'?#,])", re.IGNORECASE)


def media_paths(content_html: str, image: str | None, base_url: str) -> tuple[str, ...]:
    """Paths (under feeds/, decoded) of the media files a post's HTML and image link to on
    feedpub's own host (`base_url`)."""
    urls = _media_url(base_url).findall(content_html) if base_url in content_html else []
    if image and image.startswith(base_url):
        urls.append(image.split("#", 1)[0].split("?", 1)[0])
    paths = {unquote(url[len(base_url) :].replace("&amp;", "&")) for url in urls}
    return tuple(sorted(path for path in paths if asset_type(path) and _plain(path)))


def _plain(path: str) -> bool:
    """No empty, `.` or `..` segment, nothing hidden: a path that stays where it is joined."""
    parts = path.split("/")
    return (
        all(part and not part.startswith(".") for part in parts) and "\\" not in path and "\x00" not in path
    )
