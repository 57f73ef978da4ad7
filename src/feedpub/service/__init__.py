"""Stage 4, service: the long-running loop behind `feedpub serve`.

The `publisher` rescans posts/ and republishes only what changed; the `scheduler` (APScheduler)
runs it on an interval and when a post falls due; the `watcher` (inotify) spares quiet scans the
walk; `visibility` decides which posts show now; `status` is what /healthz reads; `websub` tells
hubs and subscribers after a publish, through `outbound` requests with retries, and the
`subscriptions` the built-in hub keeps.
"""
