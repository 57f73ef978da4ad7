"""Renderers: values in, bytes out. One module per output format; no I/O, no clock."""
