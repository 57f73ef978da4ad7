"""Every label feedpub writes for people, per language: pages, the 410 page, OPML, feed titles and
descriptions, the statistics page, what a feed opened in a browser says (`render.feed_css`).
Chosen by `site.language` (BCP 47), falling back to English.

A catalogue is a plain dict; a message with `{…}` fields is a `str.format` pattern. Site-provided
text (titles, descriptions, term names) is never translated. To add a language, add a dict with
every key of `EN` under its tag, and the tags that should reach it to `ALIASES` if the primary
subtag alone does not (tests/render/test_messages.py checks that every catalogue is complete).
Format names (RSS, Atom, JSON Feed), OPML and feedpub are names, the same in every language.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType

EN = {
    "categories": "Categories",
    "tags": "Tags",
    "category": "Category",
    "tag": "Tag",
    "subscribe": "Subscribe",
    "recent": "Recent posts",
    "posts": "posts",
    "term_title": "{label}: {name}",  # a term page's heading, and a term feed's title after the site's
    "feed_description": "{label} “{name}” on {site}",
    "all_feeds": "{site}: all feeds",  # the OPML's title
    "gone_title": "Gone",
    "gone_note": "This page was removed: the post or term it showed is no longer published.",
    "home": "Home",
    "stats_title": "Who reads my feeds",
    "stats_subscribers": "subscribers",
    "stats_direct": "direct",
    "stats_requests": "requests",
    "stats_304": "304s",
    "stats_aggregators": "aggregators",
    # feeds in browsers (issue 19)
    "feed_about": "This is a web feed: new posts arrive in your feed reader as they are published. "
    "To subscribe, copy this address into your reader, or pick a reader below.",
    "feed_readers": "Subscribe with:",
    "feed_home": "Read on the website",
    "feed_entries": "Latest posts",
    # pages (issue 19)
    "archives": "Archives",
    "all_posts": "All posts by month",
    "year_month": "{month} {year}",
    "month_1": "January",
    "month_2": "February",
    "month_3": "March",
    "month_4": "April",
    "month_5": "May",
    "month_6": "June",
    "month_7": "July",
    "month_8": "August",
    "month_9": "September",
    "month_10": "October",
    "month_11": "November",
    "month_12": "December",
    "previous": "Previous",
    "next": "Next",
    "newer_posts": "Newer posts",
    "older_posts": "Older posts",
    "page_of": "Page {page} of {pages}",
    "combine": "Combine with…",
    "combine_note": "A feed of the newest posts that have both.",
}

ZH_CN = {
    "categories": "分类",
    "tags": "标签",
    "category": "分类",
    "tag": "标签",
    "subscribe": "订阅",
    "recent": "最新文章",
    "posts": "篇",
    "term_title": "{label}：{name}",
    "feed_description": "{site}中{label}“{name}”下的文章",
    "all_feeds": "{site}：全部订阅源",
    "gone_title": "已删除",
    "gone_note": "此页面已删除：它所展示的文章或分类不再发布。",
    "home": "首页",
    "stats_title": "谁在订阅",
    "stats_subscribers": "订阅者",
    "stats_direct": "直接订阅",
    "stats_requests": "请求",
    "stats_304": "304 比例",
    "stats_aggregators": "聚合器",
    # feeds in browsers (issue 19)
    "feed_about": "这是一个订阅源（RSS/Atom）：订阅后，新文章一发布就会出现在你的阅读器里。"
    "订阅方法：把下面的地址复制到阅读器中，或选择下方的在线阅读器。",
    "feed_readers": "用以下阅读器订阅：",
    "feed_home": "在网站上阅读",
    "feed_entries": "最新文章",
    # pages (issue 19)
    "archives": "归档",
    "all_posts": "按月浏览全部文章",
    "year_month": "{year}年{month}",
    **{f"month_{n}": f"{n}月" for n in range(1, 13)},
    "previous": "上一篇",
    "next": "下一篇",
    "newer_posts": "较新的文章",
    "older_posts": "较早的文章",
    "page_of": "第 {page} 页，共 {pages} 页",
    "combine": "组合订阅",
    "combine_note": "订阅同时属于两者的最新文章。",
}

ZH_TW = {
    "categories": "分類",
    "tags": "標籤",
    "category": "分類",
    "tag": "標籤",
    "subscribe": "訂閱",
    "recent": "最新文章",
    "posts": "篇",
    "term_title": "{label}：{name}",
    "feed_description": "{site}中{label}「{name}」下的文章",
    "all_feeds": "{site}：全部訂閱源",
    "gone_title": "已刪除",
    "gone_note": "此頁面已刪除：它所展示的文章或分類不再發布。",
    "home": "首頁",
    "stats_title": "誰在訂閱",
    "stats_subscribers": "訂閱者",
    "stats_direct": "直接訂閱",
    "stats_requests": "請求",
    "stats_304": "304 比例",
    "stats_aggregators": "聚合器",
    # feeds in browsers (issue 19)
    "feed_about": "這是一個訂閱源（RSS/Atom）：訂閱後，新文章一發布就會出現在你的閱讀器裡。"
    "訂閱方法：把下面的網址複製到閱讀器中，或選擇下方的線上閱讀器。",
    "feed_readers": "用以下閱讀器訂閱：",
    "feed_home": "在網站上閱讀",
    "feed_entries": "最新文章",
    # pages (issue 19)
    "archives": "歸檔",
    "all_posts": "按月瀏覽全部文章",
    "year_month": "{year}年{month}",
    **{f"month_{n}": f"{n}月" for n in range(1, 13)},
    "previous": "上一篇",
    "next": "下一篇",
    "newer_posts": "較新的文章",
    "older_posts": "較早的文章",
    "page_of": "第 {page} 頁，共 {pages} 頁",
    "combine": "組合訂閱",
    "combine_note": "訂閱同時屬於兩者的最新文章。",
}

CATALOGUES: dict[str, dict[str, str]] = {"en": EN, "zh-CN": ZH_CN, "zh-TW": ZH_TW}
DEFAULT = "en"

# Tags (lower case, as lookup truncates them) that reach a catalogue other than their own name:
# Chinese by script first, then by region; bare `zh` is Simplified.
ALIASES = {
    "zh": "zh-CN",
    "zh-hans": "zh-CN",
    "zh-sg": "zh-CN",
    "zh-my": "zh-CN",
    "zh-hant": "zh-TW",
    "zh-hk": "zh-TW",
    "zh-mo": "zh-TW",
    "cmn": "zh-CN",
    "cmn-hans": "zh-CN",
    "cmn-hant": "zh-TW",
}
_BY_LOWER = {tag.lower(): tag for tag in CATALOGUES}


@lru_cache(maxsize=64)
def catalogue_tag(language: str) -> str:
    """The catalogue for a BCP 47 tag: RFC 4647 lookup (the tag, then shorter prefixes, a
    singleton dropped with what follows it), where a script subtag decides before a region
    (`zh-Hant-CN` is Traditional); `DEFAULT` when nothing matches."""
    subtags = [s for s in language.replace("_", "-").lower().split("-") if s]
    if len(subtags) > 2 and len(subtags[1]) == 4:  # language-Script-…: the script decides
        subtags = subtags[:2]
    while subtags:
        tag = "-".join(subtags)
        found = _BY_LOWER.get(tag) or ALIASES.get(tag)
        if found:
            return found
        subtags.pop()
        if subtags and len(subtags[-1]) == 1:
            subtags.pop()
    return DEFAULT


@lru_cache(maxsize=64)
def messages(language: str) -> Mapping[str, str]:
    """The catalogue for `language`, read-only; a key a catalogue lacks comes from `DEFAULT`'s."""
    return MappingProxyType({**CATALOGUES[DEFAULT], **CATALOGUES[catalogue_tag(language)]})
