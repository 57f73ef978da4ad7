"""Tests of src/feedpub/render/: feeds in every format, archives, the OPML, HTML pages, text rendering."""
