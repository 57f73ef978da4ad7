"""The stylesheet RSS and Atom documents name (`render.feed_view`): a feed opened in a browser
reads as a page of the site, in its colours and language.

The stylesheet styles the feed's own elements: it hides what only a reader needs (ids, content,
categories …), shows the title, description and each entry's linked title, date and summary,
and supplies the explanation from the site's catalogue (`render.messages`) as generated content.
It holds no site-provided text (titles stay in the feed, escaped as XML), and each catalogue
string goes in through `css_string`, so no text can end a CSS string or the stylesheet.
"""

from __future__ import annotations

from feedpub.config import Settings
from feedpub.render.messages import messages

_RULES = """\
@namespace atom url(http://www.w3.org/2005/Atom);
@namespace h url(http://www.w3.org/1999/xhtml);
:root { color-scheme: light dark; --fg: #1d1d1f; --muted: #6e6e73; --bg: #fff; --line: #e5e5ea; --accent: #c2410c;
  display: flex; flex-direction: column; max-width: 46rem; margin: 0 auto; padding: 1rem 1.1rem 3rem;
  background: var(--bg); color: var(--fg); overflow-wrap: anywhere;
  font: 17px/1.75 -apple-system, BlinkMacSystemFont, "Segoe UI", "PingFang SC", "Hiragino Sans GB", "Noto Sans CJK SC",
  "Source Han Sans SC", "Microsoft YaHei", sans-serif; }
@media (prefers-color-scheme: dark) { :root { --fg: #f2f2f7; --muted: #a1a1a6; --bg: #111; --line: #2c2c2e; --accent: #fb923c; } }
|rss > |channel { display: flex; flex-direction: column; }
atom|feed > *, atom|entry > *, |channel > *, |item > * { display: none; }
atom|feed > atom|title, |channel > |title { display: block; order: 1; font-size: 1.55rem; font-weight: 700;
  line-height: 1.35; margin: .6rem 0 .2rem; }
atom|feed > atom|subtitle, |channel > |description { display: block; order: 2; color: var(--muted); }
atom|feed > h|div.feedpub, |channel > h|div.feedpub { display: block; order: 3; margin: 1rem 0 0; padding: .6rem .9rem;
  border: 1px solid var(--line); border-radius: .5rem; font-size: .95rem; }
h|div.feedpub::before { content: ABOUT; display: block; }
h|div.feedpub h|p { margin: .4rem 0; }
h|p.address h|code { display: block; user-select: all; padding: .2rem .5rem; border-radius: .3rem;
  background: color-mix(in srgb, var(--line) 60%, transparent); font-size: .9rem; }
h|p.readers::before { content: READERS; color: var(--muted); margin-right: .4rem; }
h|a { color: var(--accent); text-decoration: none; } h|a:hover { text-decoration: underline; }
h|a.reader { display: inline-block; border: 1px solid var(--line); border-radius: .35rem; padding: 0 .45rem;
  margin: 0 .25rem .25rem 0; font-size: .85rem; }
h|a.home::before { content: HOME " \\2192"; }
atom|feed > atom|entry, |channel > |item { display: flex; flex-direction: column; order: 4; margin: 0 0 1rem; }
atom|feed > atom|entry:first-of-type::before, |channel > |item:first-of-type::before { content: ENTRIES;
  display: block; margin: 2rem 0 .6rem; font-size: 1.2rem; font-weight: 700; }
atom|entry > atom|link[rel="alternate"], |item > atom|link[rel="alternate"] { display: block; order: 1;
  font-size: 1.1rem; font-weight: 600; line-height: 1.45; }
atom|entry > atom|published, |item > |pubDate { display: block; order: 2; color: var(--muted); font-size: .85rem; }
atom|entry > atom|summary, |item > |description { display: block; order: 3; }
"""


def css_string(value: str) -> str:
    """`value` as a CSS string: quotes, backslashes, control characters and `<`, `>`, `&` as hex
    escapes (each ended by a space), so nothing in it can close the string or the sheet."""
    out = [
        f"\\{ord(char):x} " if char in "\"'\\<>&" or ord(char) < 0x20 or ord(char) == 0x7F else char
        for char in value
    ]
    return '"' + "".join(out) + '"'


def stylesheet(settings: Settings) -> bytes:
    """The site's feed stylesheet, its words in the site's language."""
    words = messages(settings.site.language)
    rules = _RULES
    for name in ("about", "entries", "readers", "home"):
        rules = rules.replace(f"content: {name.upper()}", f"content: {css_string(words['feed_' + name])}")
    return rules.encode("utf-8")
