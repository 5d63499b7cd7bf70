"""Obsidian ``%%comments%%``: kept in the source, never published.

A block rule takes ``%%`` at the start of a line through the line that closes it
(an unclosed block comment hides the rest of the note, as in Obsidian); an inline
rule takes ``%%…%%`` inside a paragraph.  Wikilinks and tags inside comments are
therefore not links or tags, exactly as in Obsidian.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline


def _block_comment(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    pos = state.bMarks[start] + state.tShift[start]
    if state.sCount[start] - state.blkIndent >= 4 or not state.src.startswith("%%", pos):
        return False
    line_end = state.eMarks[start]
    if state.src.find("%%", pos + 2, line_end) >= 0 and state.src[line_end - 2 : line_end] != "%%":
        return False  # an inline comment at the start of a paragraph
    if silent:
        return True
    line = start
    if state.src.find("%%", pos + 2, line_end) < 0:
        line += 1
        while (
            line < end
            and state.src.find("%%", state.bMarks[line] + state.tShift[line], state.eMarks[line])
            < 0
        ):
            line += 1
    token = state.push("comment", "", 0)
    token.map = [start, min(line + 1, end)]
    state.line = min(line + 1, end)
    return True


def _inline_comment(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith("%%", state.pos):
        return False
    close = state.src.find("%%", state.pos + 2, state.posMax)
    if close < 0:
        return False
    if not silent:
        state.push("comment", "", 0)
    state.pos = close + 2
    return True


def comments_plugin(md: MarkdownIt) -> None:
    md.block.ruler.before(
        "paragraph", "comment", _block_comment, {"alt": ["paragraph", "blockquote", "list"]}
    )
    md.inline.ruler.after("text", "comment", _inline_comment)
    md.add_render_rule("comment", lambda *a: "")
