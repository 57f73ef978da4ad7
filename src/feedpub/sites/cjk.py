"""The characters both generators count one by one as words (Han, Hiragana, Katakana, Hangul):
Jekyll's `number_of_words: "cjk"` and Hugo's `isCJKLanguage` word counts."""

from __future__ import annotations

import re

CJK_RANGES = (
    "\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
    "\U00020000-\U0003134f"
)
CJK_CHARACTER = re.compile(f"[{CJK_RANGES}]")
