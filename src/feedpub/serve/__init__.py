"""Stage 5, serve: feeds/ over HTTP, politely.

`app` is the Flask app (404/405/410, /healthz, legacy redirects, the WebSub `hub` endpoint),
`fastpath` answers ready-made feed requests before Flask, `responses` makes the one answer to a
GET/HEAD (headers, ETag, 304 through `conditional`, gzip), `published` reads feeds/ through the
manifest, `legacy` maps jekyll-feed's and Hugo's feed URLs, and `server` runs it all (Granian or
cheroot) beside the service.
"""
