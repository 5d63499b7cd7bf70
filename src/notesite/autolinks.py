"""Bare URLs (``https://…``, ``www.…``) become links, as in GFM and Obsidian.

A core rule over finished text tokens rather than an inline rule: the inline
approach (mdit-py-plugins' ``gfm_autolink``) makes the text scanner stop at every
``w`` and ``:`` of every note, which cost 14 % of all parsing; here a text token is
only looked at when it contains ``://`` or ``www.``.  Trailing punctuation is
left out of the link, and a closing parenthesis only belongs to the URL when it
balances one inside it (``https://en.wikipedia.org/wiki/Mind_(journal)``).
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"`]+", re.I)
_TRAILING = ".,:;!?*_~'\""


def _trim(url: str) -> str:
    while url and url[-1] in _TRAILING:
        url = url[:-1]
    while url.endswith(")") and url.count(")") > url.count("("):
        url = url[:-1]
    return url


def _split(token: Token, level: int) -> list[Token]:
    text = token.content
    out: list[Token] = []
    position = 0
    for match in _URL.finditer(text):
        url = _trim(match.group(0))
        if not url or (match.start() > 0 and text[match.start() - 1].isalnum()):
            continue
        if match.start() > position:
            out.append(_text(text[position : match.start()], level))
        href = url if "://" in url else "http://" + url
        opener = Token("link_open", "a", 1)
        opener.attrs = {"href": href}
        opener.markup, opener.info, opener.level = "linkify", "auto", level
        closer = Token("link_close", "a", -1)
        closer.markup, closer.info, closer.level = "linkify", "auto", level
        out += [opener, _text(url, level + 1), closer]
        position = match.start() + len(url)
    if not out:
        return [token]
    if position < len(text):
        out.append(_text(text[position:], level))
    return out


def _text(content: str, level: int) -> Token:
    token = Token("text", "", 0)
    token.content, token.level = content, level
    return token


def _autolinks(state: StateCore) -> None:
    for block in state.tokens:
        children = block.children
        if block.type != "inline" or not children:
            continue
        if "://" not in block.content and "www." not in block.content:
            continue
        result: list[Token] = []
        inside = 0
        for child in children:
            if child.type == "link_open":
                inside += 1
            elif child.type == "link_close":
                inside -= 1
            if (
                child.type == "text"
                and not inside
                and ("://" in child.content or "www." in child.content)
            ):
                result += _split(child, child.level)
            else:
                result.append(child)
        block.children = result


def autolinks_plugin(md: MarkdownIt) -> None:
    md.core.ruler.after("text_join", "autolinks", _autolinks)
