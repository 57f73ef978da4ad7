"""Stage 1a, sites: the generator's own view of a site, so feeds link where the site publishes.

`profile` holds what both generators share (SiteBasics: title, url, language, time zone, author,
and where each value came from). `jekyll` reads `_config.yml` and computes Jekyll's permalinks
and which files are posts; `hugo` does the same for `hugo.toml` / `config/_default/` and Hugo's
`[permalinks]`, sections and bundles. Nothing here renders or writes: values in, values out.
"""
