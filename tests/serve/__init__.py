"""Tests of src/feedpub/serve/: the app and its fast path over real HTTP, nginx, real readers, `feedpub serve`."""
