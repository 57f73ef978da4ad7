"""Tests of src/feedpub/read/: finding post files, front matter, dialects, dates, content, terms, the parse cache."""
