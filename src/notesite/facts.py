"""What one parse learns about a note, and the text helpers that collecting uses.

``collect.py`` fills a ``Facts`` while it walks the token stream; ``parse.py``
freezes it into a ``Note``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import unquote

from markdown_it.token import Token

from .model import Block, Card, Heading, LinkRef, TagRef

_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//")
_TEXT_TYPES = {"text", "code_inline", "math_inline", "math_inline_double"}


@dataclass
class Facts:
    """What one parse learned about a note; ``parse.py`` freezes it into a ``Note``."""

    links: list[LinkRef] = field(default_factory=list)
    tags: list[TagRef] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    cards: list[Card] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    math: list[tuple[str, bool, int]] = field(default_factory=list)
    """``(latex, display, line)`` of every formula, to check it without rendering."""
    length: int = 0
    """Length of ``"\n".join(text)`` so far, for context offsets."""

    def add_text(self, text: str) -> tuple[int, int]:
        if not text:
            return (self.length, self.length)
        start = self.length + (1 if self.text else 0)
        self.text.append(text)
        self.length = start + len(text)
        return (start, self.length)


def plain_text(children: list[Token] | None) -> str:
    """The readable text of an inline token's children (for titles, context, search)."""
    out: list[str] = []
    for c in children or ():
        t = c.type
        if t in _TEXT_TYPES:
            out.append(c.content)
        elif t in ("softbreak", "hardbreak"):
            out.append(" ")
        elif t == "wikilink":
            out.append(c.meta["target"].display())
        elif t == "tag":
            out.append("#" + c.content)
        elif t == "image":
            out.append(c.content)
    return "".join(out).strip()


def internal_href(href: str) -> tuple[str, str] | None:
    """``(path, fragment)`` of a relative link into the vault, else None."""
    if not href or _SCHEME.match(href):
        return None
    path, _, fragment = href.partition("#")
    path = unquote(path.split("?", 1)[0])
    return path, unquote(fragment)
