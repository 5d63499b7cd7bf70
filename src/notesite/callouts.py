"""Obsidian callouts (``> [!tip] Title``, foldable with ``+``/``-``) as a core rule.

A blockquote whose first line is ``[!type]`` becomes a callout: ``<div>`` when
fixed, ``<details>`` when foldable (``-`` starts folded), so folding needs no
JavaScript.  Every Obsidian type and alias is known; an unknown type still renders,
styled as a note, with its own name as the title.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

_MARKER = re.compile(r"^\[!([^\]\s]+)\]([+-]?)[ \t]*(.*)$")

ALIASES = {
    "note": "note",
    "abstract": "abstract", "summary": "abstract", "tldr": "abstract",
    "info": "info",
    "todo": "todo",
    "tip": "tip", "hint": "tip", "important": "tip",
    "success": "success", "check": "success", "done": "success",
    "question": "question", "help": "question", "faq": "question",
    "warning": "warning", "caution": "warning", "attention": "warning",
    "failure": "failure", "fail": "failure", "missing": "failure",
    "danger": "danger", "error": "danger",
    "bug": "bug",
    "example": "example",
    "quote": "quote", "cite": "quote",
}  # fmt: skip


def _token(kind: str, nesting: Literal[-1, 0, 1], level: int, meta: dict[str, str]) -> Token:
    token = Token(kind, "", nesting)
    token.level, token.meta, token.block = level, dict(meta), True
    return token


def _close_of(tokens: list[Token], start: int) -> int:
    level = tokens[start].level
    for j in range(start + 1, len(tokens)):
        if tokens[j].type == "blockquote_close" and tokens[j].level == level:
            return j
    return len(tokens) - 1


def _callouts(state: StateCore) -> None:
    tokens = state.tokens
    if not any(t.type == "blockquote_open" for t in tokens):
        return
    ends: dict[int, dict[str, str]] = {}
    out: list[Token] = []
    for i, token in enumerate(tokens):
        if i in ends:
            meta = ends[i]
            out.append(_token("callout_content_close", -1, token.level, meta))
            out.append(_token("callout_close", -1, token.level, meta))
            continue
        first = tokens[i + 2] if i + 2 < len(tokens) else None
        if token.type != "blockquote_open" or first is None or first.type != "inline":
            out.append(token)
            continue
        head, _, rest = first.content.partition("\n")
        match = _MARKER.match(head)
        if not match:
            out.append(token)
            continue
        raw_type = match.group(1).lower()
        meta = {
            "type": ALIASES.get(raw_type, "note"),
            "name": raw_type,
            "fold": match.group(2),
        }
        ends[_close_of(tokens, i)] = meta
        title = match.group(3).strip() or raw_type.replace("-", " ").capitalize()
        opener = _token("callout_open", 1, token.level, meta)
        opener.map = token.map
        title_inline = Token("inline", "", 0)
        title_inline.content, title_inline.map, title_inline.children = title, token.map, []
        title_inline.level = token.level + 1
        out += [
            opener,
            _token("callout_title_open", 1, token.level + 1, meta),
            title_inline,
            _token("callout_title_close", -1, token.level + 1, meta),
            _token("callout_content_open", 1, token.level + 1, meta),
        ]
        first.content = rest
        if first.map:
            first.map = [first.map[0] + 1, first.map[1]]
        if not rest.strip():
            tokens[i + 1].hidden = tokens[i + 3].hidden = True
    state.tokens = out


def _tag(meta: dict[str, str]) -> str:
    return "details" if meta["fold"] else "div"


def _open(
    self: object, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    meta = tokens[idx].meta
    is_open = " open" if meta["fold"] == "+" else ""
    name = escapeHtml(meta["name"])
    return f'<{_tag(meta)} class="callout callout-{meta["type"]}" data-callout="{name}"{is_open}>\n'


def _title_open(
    self: object, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    tag = "summary" if tokens[idx].meta["fold"] else "div"
    return f'<{tag} class="callout-title"><span class="callout-icon" aria-hidden="true"></span>'


def _title_close(
    self: object, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return "</summary>\n" if tokens[idx].meta["fold"] else "</div>\n"


def _close(
    self: object, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return f"</{_tag(tokens[idx].meta)}>\n"


def callouts_plugin(md: MarkdownIt) -> None:
    md.options["alerts"] = False  # GitHub alerts are a subset; we handle them all here
    md.core.ruler.after("block", "callouts", _callouts)
    md.add_render_rule("callout_open", _open)
    md.add_render_rule("callout_title_open", _title_open)
    md.add_render_rule("callout_title_close", _title_close)
    md.add_render_rule("callout_content_open", lambda *a: '<div class="callout-content">\n')
    md.add_render_rule("callout_content_close", lambda *a: "</div>\n")
    md.add_render_rule("callout_close", _close)
