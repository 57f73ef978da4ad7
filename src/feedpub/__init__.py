"""feedpub: RSS 2.0, Atom 1.0 and JSON Feed 1.1 from Jekyll- and Hugo-dialect posts."""

__version__ = "0.1.0"
