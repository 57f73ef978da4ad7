"""Stage 3, publish: rendered files → feeds/, atomically.

`store` writes only what changed (temporary name + rename, or O_TMPFILE + link), keeps the
manifest (`manifest_text` patches its JSON text) and the journal a killed publish is recovered
from; `cold_build` runs read → render → publish once, across forked workers.
"""
