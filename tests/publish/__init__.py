"""Tests of src/feedpub/publish/: the store (atomic, crash-safe writes), the manifest text."""
