"""Obsidian ``#tags`` (and nested ``#a/b``) as a markdown-it-py inline rule.

A tag starts at a ``#`` that begins the text or follows white space, so URL
fragments (``page#frag``), entities (``&#123;``) and headings never match; it
needs one non-digit character, so ``#1`` is not a tag.  Code and math are other
inline rules' business, so tags are never found inside them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from .model import HOLE

_TAG = re.compile(r"#([\w/-]+)")
_HAS_NON_DIGIT = re.compile(r"[^\d/]")


def tag_identity(name: str) -> str:
    """Tags are case-insensitive in Obsidian: ``#LLM`` and ``#llm`` are one tag."""
    return name.casefold()


def match_tag(text: str, pos: int, end: int | None = None) -> str | None:
    """The tag name at ``text[pos]`` (a ``#``), or None."""
    if pos > 0 and not text[pos - 1].isspace():
        return None
    found = _TAG.match(text, pos, len(text) if end is None else end)
    if not found:
        return None
    name = found.group(1).strip("/")
    if not name or not _HAS_NON_DIGIT.search(name):
        return None
    return name


def _tag_rule(state: StateInline, silent: bool) -> bool:
    pos = state.pos
    if state.src[pos] != "#" or state.linkLevel > 0:
        return False
    name = match_tag(state.src, pos, state.posMax)
    if name is None:
        return False
    if not silent:
        token = state.push("tag", "", 0)
        token.content = name
    state.pos = pos + 1 + len(name)
    return True


def _render_tag(
    self: object, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    ref = token.meta.get("ref")
    if ref is None:
        return "#" + escapeHtml(token.content)
    return f"{HOLE}T{ref}{HOLE}"


def tags_plugin(md: MarkdownIt) -> None:
    md.inline.ruler.after("text", "tag", _tag_rule)
    md.add_render_rule("tag", _render_tag)
