"""Stage 1, read: posts/ on disk → Post or Problem for every file.

`scan` finds the post files (stat signatures), `post_file` reads one into a Post or a Problem
(`front_matter` splits and parses the metadata, `dialects` maps Jekyll's and Hugo's fields onto
the model, `dates`, `terms` and `content` do the values), `load` reads many through the parse
`cache` and a process pool, and settles slug and id collisions.
"""
