"""Stage 3, publish: rendered files → feeds/, atomically.

`store` writes only what changed (`atomic`: temporary name + rename; feeds
get a .gz from `precompress`; a long-running service frees replaced files on a `reaper` thread),
then the `manifest` (`manifest_text` patches its JSON text), with the `journal` a killed publish is
recovered from; `cold_build` runs read → render → publish once, across forked workers.
"""
