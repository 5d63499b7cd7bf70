"""Obsidian ``==highlight==`` -> ``<mark>``, as a delimiter rule like strikethrough.

mdit-py-plugins dropped its ``mark`` plugin, so this is the same approach as
markdown-it's built-in ``~~`` rule: each ``==`` run becomes a delimiter, the
shared ``balance_pairs`` rule pairs them, and the post-process turns pairs into
``mark_open``/``mark_close``.  Runs of other lengths (``===``) stay text.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_inline.state_inline import Delimiter, StateInline

_EQ = 0x3D


def _tokenize(state: StateInline, silent: bool) -> bool:
    if silent or state.src[state.pos] != "=":
        return False
    scanned = state.scanDelims(state.pos, True)
    token = state.push("text", "", 0)
    token.content = "=" * scanned.length
    if scanned.length == 2:
        state.delimiters.append(
            Delimiter(_EQ, 0, len(state.tokens) - 1, -1, scanned.can_open, scanned.can_close)
        )
    state.pos += scanned.length
    return True


def _pair(state: StateInline, delimiters: list[Delimiter]) -> None:
    for start in delimiters:
        if start.marker != _EQ or start.end == -1:
            continue
        end = delimiters[start.end]
        opener, closer = state.tokens[start.token], state.tokens[end.token]
        opener.type, opener.nesting = "mark_open", 1
        closer.type, closer.nesting = "mark_close", -1
        for token in (opener, closer):
            token.tag, token.markup, token.content = "mark", "==", ""


def _post_process(state: StateInline) -> None:
    _pair(state, state.delimiters)
    for meta in state.tokens_meta:
        if meta and "delimiters" in meta:
            _pair(state, meta["delimiters"])


def highlights_plugin(md: MarkdownIt) -> None:
    md.inline.ruler.before("emphasis", "highlight", _tokenize)
    md.inline.ruler2.before("emphasis", "highlight", _post_process)
