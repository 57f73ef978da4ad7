"""A post file's bytes → text: UTF-8 (a BOM or not) or BOM-marked UTF-16/32, LF line endings."""

from __future__ import annotations

import codecs

from feedpub.errors import PostError


def decode(data: bytes) -> str:
    """UTF-8 (BOM or not) or BOM-marked UTF-16/32 → text with LF line endings; else PostError."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            data, chosen = data[len(bom) :], encoding
            break
    else:
        chosen = "utf-8"
    try:
        text = data.decode(chosen)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1 if chosen == "utf-8" else None
        raise PostError(
            f"not {chosen.upper()} text (byte {exc.start}); save the file as UTF-8", line=line
        ) from exc
    if "\x00" in text:
        raise PostError(
            "contains NUL characters: not a text file", line=text[: text.index("\x00")].count("\n") + 1
        )
    return text.replace("\r\n", "\n").replace("\r", "\n")
