"""Tests of src/feedpub/service/: the long-running publisher, scheduler, visibility, WebSub, failures."""
