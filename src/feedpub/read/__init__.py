"""Stage 1, read: posts/ on disk → Post or Problem for every file.

`scan` finds the post files (stat signatures), `post_file` reads one into a Post or a Problem
(`front_matter` splits and parses the metadata, `dialects` maps Jekyll's and Hugo's fields onto
the model with the readers in `fields`, `dates` and `terms` do the values; `body` renders the
text: `markdown`, then `sanitize`, which drops `hidden` elements, limits `depth` and makes `urls`
absolute; `summary` cuts the plain-text summaries), `load` reads many through the parse `cache`
and a process pool, and settles slug and id collisions.
"""
