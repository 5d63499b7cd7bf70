"""Obsidian block ids (``… ^id``) as a markdown-it-py core rule.

A block id ends the last line of a paragraph, list item or heading.  On a heading
it may follow the title without a space (``## Title^id``, as in the user's notes);
a paragraph that is nothing but ``^id`` names the block before it (a table, list
or quote).  The id is removed from the text and stored on the block's opening
token, where the collector turns it into an anchor and a slicing range.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

_SPACED = re.compile(r"(?:^|\s)\^([A-Za-z0-9-]+)\s*$")
# Without a space, ``E = mc^2`` or ``x^T`` must not lose their exponent: demand a
# letter and at least two characters.
_UNSPACED = re.compile(r"\^(?=[A-Za-z0-9-]{2,}\s*$)([A-Za-z0-9-]*[A-Za-z][A-Za-z0-9-]*)\s*$")
_ALONE = re.compile(r"^\s*\^([A-Za-z0-9-]+)\s*$")


def _closer(tokens: list[Token], start: int) -> int:
    level = tokens[start].level
    for j in range(start + 1, len(tokens)):
        if tokens[j].nesting == -1 and tokens[j].level == level:
            return j
    return start


def _opener_before(tokens: list[Token], close: int) -> int | None:
    """The opening token of the block that ends at ``close``."""
    if close < 0 or tokens[close].nesting != -1:
        return None
    level = tokens[close].level
    for j in range(close - 1, -1, -1):
        if tokens[j].nesting == 1 and tokens[j].level == level:
            return j
    return None


def _assign(tokens: list[Token], opener: int, block_id: str) -> None:
    tokens[opener].meta["block_id"] = block_id
    tokens[_closer(tokens, opener)].meta["block_end"] = block_id


def _strip(inline: Token, match: re.Match[str]) -> None:
    last = inline.children[-1] if inline.children else None
    if last is not None and last.type == "text":
        cut = len(last.content) - (len(match.string) - match.start())
        last.content = last.content[: max(cut, 0)].rstrip()
    inline.content = inline.content[: match.start()].rstrip()


def _block_ids(state: StateCore) -> None:
    tokens = state.tokens
    for i, inline in enumerate(tokens):
        if inline.type != "inline" or not inline.children or i == 0:
            continue
        last = inline.children[-1]
        if last.type != "text" or "^" not in last.content:
            continue
        parent = tokens[i - 1]
        content = inline.content
        if parent.type == "heading_open":
            match = _SPACED.search(content) or _UNSPACED.search(content)
            if match:
                _strip(inline, match)
                _assign(tokens, i - 1, match.group(1))
            continue
        if parent.type != "paragraph_open":
            continue
        alone = _ALONE.match(content)
        if alone:
            previous = _opener_before(tokens, i - 2)
            if previous is not None:
                _assign(tokens, previous, alone.group(1))
                parent.hidden = tokens[i + 1].hidden = True
                inline.children = []
                inline.content = ""
            continue
        match = _SPACED.search(content)
        if not match:
            continue
        _strip(inline, match)
        in_item = i >= 2 and tokens[i - 2].type == "list_item_open"
        _assign(tokens, i - 2 if in_item else i - 1, match.group(1))


def blockids_plugin(md: MarkdownIt) -> None:
    md.core.ruler.after("inline", "block_ids", _block_ids)
