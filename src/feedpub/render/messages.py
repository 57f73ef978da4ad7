"""Every label feedpub writes for people, per language: pages, the 410 page, OPML, feed titles and
descriptions, the statistics page. Chosen by `site.language` (BCP 47), falling back to English.

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
