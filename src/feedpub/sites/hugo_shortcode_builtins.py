"""Hugo's built-in shortcodes (`tpl/tplimpl/embedded/templates/_shortcodes/`), rendered static.

`figure` and `details` print Hugo's own HTML, byte for byte where a Markdown renderer is given.
The embeds print what a feed reader can show: Hugo's iframes and scripts are dropped by feed
sanitisers, so `youtube` is its thumbnail linked to the video page, `vimeo` a link to the video,
`x`/`twitter`/`tweet` a quoted link to the post, `instagram` Hugo's own fallback link ("View
this post on Instagram"), `gist` a link to the gist (and its file). `highlight` is the code in
`<pre><code class="language-X">`, without Chroma's colours or line numbers; `qr` is its text,
a link when the text is a URL (feedpub cannot publish Hugo's PNG); `comment` prints nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from feedpub.sites.hugo_shortcode_values import Call, go_print, text, trusted_attr, truthy, url_attr

_LINK_SCHEMES = re.compile(r"(?i)(https?|mailto|tel):")


def figure(call: Call) -> str:
    """figure.html: `<figure>` with the image (linked), title, caption and attribution."""
    get, env = call.get, call.env
    out = "<figure" + (f' class="{text(get("class"))}"' if truthy(get("class")) else "") + ">"
    if truthy(get("link")):
        out += f'<a href="{url_attr(get("link"))}"' + _attrs(call, "target", "rel") + ">"
    out += f'<img src="{url_attr(_image_src(call, go_print(get("src"))))}"'
    if truthy(get("alt")) or truthy(get("caption")):
        alt = text(get("alt")) if truthy(get("alt")) else trusted_attr(env.markdownify(get("caption")))
        out += f'\n\t\t\talt="{alt}"'
    out += _attrs(call, "width", "height", "loading") + ">"
    if truthy(get("link")):
        out += "</a>"
    if truthy(get("title")) or truthy(get("caption")) or truthy(get("attr")):
        out += "<figcaption>\n\t\t\t"
        if truthy(get("title")):
            out += f"<h4>{text(get('title'))}</h4>"
        if truthy(get("caption")) or truthy(get("attr")):
            out += "<p>" + env.markdownify(get("caption"))
            if truthy(get("attrlink")):
                out += f'\n\t\t\t\t\t\t<a href="{url_attr(get("attrlink"))}">'
            out += env.markdownify(get("attr")) + ("</a>" if truthy(get("attrlink")) else "") + "</p>"
        out += "\n\t\t</figcaption>"
    return out + "\n</figure>"


def _attrs(call: Call, *names: str) -> str:
    return "".join(f' {n}="{text(call.get(n))}"' for n in names if truthy(call.get(n)))


def _image_src(call: Call, src: str) -> str:
    """A relative src naming a resource of the page's bundle (or a file in assets/) is that
    resource's URL, as `.Page.Resources.Get` / `resources.Get` give it."""
    if not src or "://" in src or src.startswith(("//", "data:", "#")):
        return src
    path = src.split("?", 1)[0].split("#", 1)[0]
    page_url, resources = call.env.bundle
    if path.strip("/") in resources:
        return page_url.rstrip("/") + "/" + path.strip("/")
    if call.env.assets(path.strip("/")):
        return call.env.base_path + "/" + path.strip("/")
    return src


def details(call: Call) -> str:
    """details.html; the inner content and summary rendered as Markdown (RenderString)."""
    get, env = call.get, call.env
    summary = go_print(get("summary")) if truthy(get("summary")) else "Details"
    head = "\n<details"
    head += f' class="{text(get("class"))}"' if truthy(get("class")) else ""
    head += f' name="{text(get("name"))}"' if truthy(get("name")) else ""
    head += " open" if call.flag("open", False) else ""
    head += f' title="{text(get("title"))}"' if truthy(get("title")) else ""
    inner = env.render_block(call.inner or "")
    if inner is None:  # no renderer: the Markdown stays in the page, between HTML blocks
        return f"{head}>\n<summary>{text(summary)}</summary>\n\n{call.inner or ''}\n\n</details>\n"
    return f"{head}>\n\t<summary>{env.markdownify(summary)}</summary>\n\t{inner}</details>"


def highlight(call: Call) -> str:
    """highlight.html: the inner code, de-indented and trimmed of line breaks, escaped."""
    code = call.inner_deindent.strip("\n\r")
    lang = go_print(call.get(0)) if isinstance(call.params, list) else ""
    if not lang:
        return f'<pre tabindex="0"><code>{text(code)}</code></pre>'
    label = text(lang)
    return (
        f'<div class="highlight"><pre tabindex="0"><code class="language-{label}" '
        f'data-lang="{label}">{text(code)}</code></pre></div>'
    )


def _video(call: Call, service: str, missing: str, default_title: str) -> tuple[str, str] | None:
    """(the video's id, its title) as the shortcode gives them; None when the site's privacy
    settings turn the service off, or no id is given (a warning)."""
    if _disabled(call, service):
        return None
    video = call.get("id") or call.get(0)
    if not truthy(video):
        call.warn(missing)
        return None
    title = go_print(call.get("title")) if truthy(call.get("title")) else default_title
    return go_print(video), title


def youtube(call: Call) -> str:
    """The video's thumbnail linked to its page (start time kept); nothing when privacy disables it."""
    found = _video(call, "youtube", "requires an id argument (Hugo stops the build)", "YouTube video")
    if found is None:
        return ""
    vid, title = found
    start = call.get("start")
    link = f"https://www.youtube.com/watch?v={vid}" + (f"&t={go_print(start)}s" if truthy(start) else "")
    thumb = f"https://i.ytimg.com/vi/{vid}/hqdefault.jpg"
    return f'<a href="{url_attr(link)}"><img src="{url_attr(thumb)}" alt="{text(title)}"></a>'


def vimeo(call: Call) -> str:
    """A link to the video on vimeo.com, its title as text."""
    found = _video(call, "vimeo", "requires a video id (Hugo stops the build)", "Vimeo video")
    if found is None:
        return ""
    vid, title = found
    return f'<a href="{url_attr("https://vimeo.com/" + vid)}">{text(title)}</a>'


def x_post(call: Call) -> str:
    """x.html (and the removed twitter/tweet): a quoted link to the post, no script."""
    if _disabled(call, "x") or _disabled(call, "twitter"):
        return ""
    post = call.get("id") or call.get(0)
    user = call.get("user")
    if not truthy(post):
        call.warn("requires the named parameters user and id (Hugo stops the build)")
        return ""
    if not truthy(user):
        user = "i"
    url = f"https://x.com/{go_print(user)}/status/{go_print(post)}"
    label = "Post on X" if user == "i" else f"Post by @{go_print(user)} on X"
    return (
        f'<blockquote class="twitter-tweet"><p><a href="{url_attr(url)}">{text(label)}</a></p></blockquote>'
    )


def instagram(call: Call) -> str:
    """instagram.html without its script: the link Hugo's placeholder card holds."""
    if _disabled(call, "instagram"):
        return ""
    post = call.get(0)
    if not truthy(post):
        call.warn("requires the ID of the Instagram post as its one positional parameter")
        return ""
    url = url_attr(f"https://www.instagram.com/p/{go_print(post)}")
    return (
        f'<blockquote class="instagram-media" data-instgrm-permalink="{url}">'
        f'<p><a href="{url}">View this post on Instagram</a></p></blockquote>'
    )


def gist(call: Call) -> str:
    """gist (removed from Hugo in v0.156): a link to the gist, to its file when one is named."""
    user, gid, file = (go_print(call.get(i)) for i in range(3))
    if not user or not gid:
        call.warn("requires a user and a gist id")
        return ""
    url = f"https://gist.github.com/{user}/{gid}"
    anchor = "#file-" + re.sub(r"[^a-z0-9]+", "-", file.lower()).strip("-") if file else ""
    label = f"{file} (gist {user}/{gid})" if file else f"gist {user}/{gid}"
    return f'<p><a href="{url_attr(url + anchor)}">{text(label)}</a></p>'


def qr(call: Call) -> str:
    """The QR code's text: a link when it is a URL (Hugo's image would be a file feedpub does
    not publish)."""
    value = call.get("text")
    content = go_print(value) if truthy(value) else (call.inner or "").strip()
    if not content:
        call.warn('requires a "text" argument')
        return ""
    if _LINK_SCHEMES.match(content):
        return f'<a href="{url_attr(content)}">{text(content)}</a>'
    return text(content)


def comment(call: Call) -> str:
    """comment.html: the inner content is dropped."""
    return ""


def _disabled(call: Call, service: str) -> bool:
    """`privacy.<service>.disable` in the site config."""
    privacy = call.env.config.get("privacy")
    entry = privacy.get(service) if isinstance(privacy, dict) else None
    return isinstance(entry, dict) and entry.get("disable") is True


BUILTINS: dict[str, Callable[[Call], str]] = {
    "figure": figure,
    "details": details,
    "highlight": highlight,
    "youtube": youtube,
    "vimeo": vimeo,
    "vimeo_simple": vimeo,
    "x": x_post,
    "x_simple": x_post,
    "twitter": x_post,
    "twitter_simple": x_post,
    "tweet": x_post,
    "instagram": instagram,
    "gist": gist,
    "qr": qr,
    "comment": comment,
}
# Hugo's templates that evaluate .Inner: only these take a closing tag without an error.
TAKES_INNER = frozenset({"details", "highlight", "qr", "comment"})
