"""Jekyll's URL building: permalink styles, placeholders, slugify, escaping, `post.id`, absolute_url.

Taken from Jekyll 4.3 (configuration.rb STYLE_TO_PERMALINK, url.rb, drops/url_drop.rb, utils.rb
slugify, filters/url_filters.rb) and Addressable's encode/normalize, checked against the real
Jekyll. Only placeholder *values* are escaped (`URL.escape_path`); the template's own text is kept,
then `sanitize_url` turns every `..` into `/`, drops `./` and squeezes slashes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Final

from feedpub.sites.calendar_names import DAYS, MONTHS

# Configuration::STYLE_TO_PERMALINK: the built-in names, matched exactly (case-sensitive)
STYLES: Final = {
    "none": "/:categories/:title:output_ext",
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
}
# the methods of Drops::UrlDrop for a document; any other `:name` fails Jekyll's build
PLACEHOLDERS: Final = frozenset(
    [
        "collection",
        "name",
        "title",
        "slug",
        "categories",
        "slugified_categories",
        "year",
        "month",
        "day",
        "hour",
        "minute",
        "second",
        "i_day",
        "i_month",
        "short_month",
        "long_month",
        "short_year",
        "w_year",
        "week",
        "w_day",
        "short_day",
        "long_day",
        "y_day",
        "output_ext",
        "path",
    ]
)
_PLACEHOLDER = re.compile(r":([a-z_]+)")
_SAFE = re.compile(r"[a-zA-Z0-9./-]+")
_UNRESERVED: Final = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_SUB_DELIMS: Final = frozenset("!$&'()*+,;=")
PCHAR: Final = _UNRESERVED | _SUB_DELIMS | frozenset(":@")


def expand_style(permalink: str) -> str:
    """A site-wide `permalink:` value as the posts template (`pretty` → `/:categories/…/:title/`)."""
    return STYLES.get(permalink, permalink)


def _pool(name: str) -> list[str]:
    """URL#generate_url_from_drop: `:month_:day` is `:month` followed by `_`."""
    return [name, name[:-1]] if name.endswith("_") else [name]


def unknown_placeholders(template: str) -> list[str]:
    """The `:names` in a template that Jekyll has no value for (its build stops on them)."""
    names = (found[1] for found in _PLACEHOLDER.finditer(template))
    return [name for name in names if not any(key in PLACEHOLDERS for key in _pool(name))]


def generate_url(template: str, values: Mapping[str, str]) -> str:
    """URL#to_s for a template and placeholder values; raises KeyError naming an unknown placeholder."""

    def replace(found: re.Match[str]) -> str:
        winner = next((key for key in _pool(found[1]) if key in values), None)
        if winner is None:
            raise KeyError(found[1])
        return found[0].replace(":" + winner, escape_path(values[winner]), 1)

    return sanitize_url(_PLACEHOLDER.sub(replace, template))


def sanitize_url(text: str) -> str:
    """URL#sanitize_url: `..` → `/`, `./` removed, runs of `/` squeezed, one leading `/`."""
    result = ("/" + text).replace("..", "/").replace("./", "")
    return re.sub("/+", "/", result)


def percent(char: str) -> str:
    return "".join(f"%{byte:02X}" for byte in char.encode("utf-8"))


def escape_path(value: str) -> str:
    """URL.escape_path: Addressable::URI.encode keeps pchar, `/` and `?`; `#` becomes %23."""
    if not value or _SAFE.fullmatch(value):
        return value
    keep = PCHAR | {"/", "?"}
    return "".join(char if char in keep else percent(char) for char in value)


def _replace_runs(text: str, keep: Sequence[str] | None) -> str:
    """Replace every run of characters outside `keep` (letters, marks, decimal digits + extras) by '-'."""
    out: list[str] = []
    for char in text:
        kept = (
            char.isascii() and char.isalnum()
            if keep is None
            else unicodedata.category(char)[0] in "LM" or unicodedata.category(char) == "Nd" or char in keep
        )
        if kept:
            out.append(char)
        elif not out or out[-1] != "\0":
            out.append("\0")
    return "".join(out).replace("\0", "-")


def slugify(text: str | None, mode: str | None = None, cased: bool = False) -> str | None:
    """Utils.slugify: modes raw, default, pretty, ascii, latin; any other mode returns the text."""
    mode = mode or "default"
    if text is None:
        return None
    if mode not in ("raw", "default", "pretty", "ascii", "latin"):
        return text if cased else text.lower()
    if mode == "latin":  # I18n.transliterate: accents dropped, other non-ASCII becomes "?"
        bare = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
        text = "".join(c if c.isascii() else "?" for c in bare)
    if mode == "raw":
        slug = re.sub(r"[ \t\r\n\f\v]+", "-", text)
    else:
        slug = _replace_runs(text, "._~!$&'()+,;=@" if mode == "pretty" else "" if mode != "ascii" else None)
    slug = re.sub(r"^-|-$", "", slug, flags=re.MULTILINE)
    return slug if cased else slug.lower()


def ruby_to_s(value: object) -> str:
    """Ruby's `to_s` for YAML scalars (categories and slugs are made of these)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S %z") if value.tzinfo else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def date_values(moment: datetime) -> dict[str, str]:
    """The date placeholders of Drops::UrlDrop (English names, ISO week fields)."""
    iso_year, iso_week, iso_day = moment.isocalendar()
    return {
        "year": f"{moment.year:04d}",
        "month": f"{moment.month:02d}",
        "day": f"{moment.day:02d}",
        "hour": f"{moment.hour:02d}",
        "minute": f"{moment.minute:02d}",
        "second": f"{moment.second:02d}",
        "i_day": str(moment.day),
        "i_month": str(moment.month),
        "short_month": MONTHS[moment.month - 1][:3],
        "long_month": MONTHS[moment.month - 1],
        "short_year": f"{moment.year % 100:02d}",
        "w_year": f"{iso_year:04d}",
        "week": f"{iso_week:02d}",
        "w_day": str(iso_day),
        "short_day": DAYS[iso_day - 1][:3],
        "long_day": DAYS[iso_day - 1],
        "y_day": f"{moment.timetuple().tm_yday:03d}",
    }


def category_values(categories: Sequence[object]) -> dict[str, str]:
    """`:categories` (each lower-cased, duplicates dropped) and `:slugified_categories`."""
    lowered = dict.fromkeys(ruby_to_s(c).lower() for c in categories)
    slugged = dict.fromkeys(slugify(ruby_to_s(c)) or "" for c in categories)
    return {"categories": "/".join(lowered), "slugified_categories": "/".join(slugged)}


def ruby_dirname(path: str) -> str:
    """Ruby's File.dirname (`/a/b/` → `/a`, unlike posixpath)."""
    stripped = path.rstrip("/")
    if not stripped:
        return "/" if path else "."
    head = stripped.rpartition("/")[0].rstrip("/")
    if head:
        return head
    return "/" if stripped.startswith("/") else "."


def ruby_join(head: str, tail: str) -> str:
    """Ruby's File.join of two parts: exactly one `/` between them."""
    return head.rstrip("/") + "/" + tail.lstrip("/")
