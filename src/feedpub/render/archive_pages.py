"""The archive of every post by year and month: `archives/` (each year's months with their counts)
and one page per month, `archives/<yyyy>/<mm>/` (its posts, newest first: date and title).

One page for all posts would be 2 MB at 10 000 posts and a year page half a megabyte; a month
page of a busy site stays near 40 KB (docs/architecture.md has the figures). Few pages (one a
month), so they are rendered by Jinja (archives.html, archive_month.html). Not `archive/`: the
site feed's RFC 5005 documents live there.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from itertools import groupby
from typing import TYPE_CHECKING, Any

from feedpub.model import Post
from feedpub.render.page_nav import ARCHIVES, month_path, months
from feedpub.render.page_parts import dates

if TYPE_CHECKING:
    from feedpub.render.pages import PageRenderer

Month = tuple[int, int]


def month_name(labels: Mapping[str, str], year: int, month: int) -> str:
    """`March 2025`, `2025年3月`: through the catalogue."""
    return labels["year_month"].format(year=year, month=labels[f"month_{month}"])


class ArchivePages:
    """The archive's pages for one taxonomy (the site feed's posts)."""

    def __init__(self, pages: PageRenderer) -> None:
        self.pages = pages
        self.months = months(pages.site_posts)

    def files(self, only: Collection[Month] | None = None) -> Iterator[tuple[str, bytes]]:
        """`archives/`, then every month's page (or those in `only` that have posts)."""
        yield ARCHIVES + "index.html", self.index()
        for at, ((year, month), posts) in enumerate(self.months):
            if only is None or (year, month) in only:
                yield month_path(year, month) + "index.html", self.month_page(at, posts)

    def index(self) -> bytes:
        pages, labels = self.pages, self.pages.labels
        years = [
            {
                "year": f"{year:04d}",
                "count": sum(len(posts) for _month, posts in group_months),
                "months": [
                    {"name": month_name(labels, y, m), "page": self._link(y, m), "count": len(posts)}
                    for (y, m), posts in group_months
                ],
            }
            for year, group in groupby(self.months, key=lambda item: item[0][0])
            for group_months in [list(group)]
        ]
        return pages.render(
            "archives.html",
            page_title=f"{labels['archives']} · {pages.settings.site.title}",
            discovery=pages.site_feeds,
            count=len(pages.site_posts),
            years=years,
        )

    def month_page(self, at: int, posts: list[Post]) -> bytes:
        pages, labels = self.pages, self.pages.labels
        (year, month), _posts = self.months[at]
        heading = month_name(labels, year, month)
        return pages.render(
            "archive_month.html",
            page_title=f"{heading} · {labels['archives']} · {pages.settings.site.title}",
            discovery=pages.site_feeds,
            archives_page=pages.links.page(ARCHIVES),
            heading=heading,
            posts=[self._item(post) for post in posts],
            newer=self._neighbour(at - 1),
            older=self._neighbour(at + 1),
        )

    def _neighbour(self, at: int) -> dict[str, str] | None:
        if not 0 <= at < len(self.months):
            return None
        year, month = self.months[at][0]
        return {"name": month_name(self.pages.labels, year, month), "page": self._link(year, month)}

    def _link(self, year: int, month: int) -> str:
        return self.pages.links.page(month_path(year, month))

    def _item(self, post: Post) -> dict[str, Any]:
        iso, day = dates(post)
        return {"iso": iso, "day": day, "title": post.title, "page": self.pages.links.post(post)}
