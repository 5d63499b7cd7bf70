"""Paper cards: a heading followed by ``Tags:``/``Authors:``/``Paper link:``/… lines.

The user's notes look like this (several per file)::

    ## UNDERSTANDING DEEP LEARNING REQUIRES RETHINKING GENERALIZATION ^e1473e
    Tags: #DL-fundation  #DL-generalization #SGD
    Authors: Chiyuan Zhang et.al.
    Paper link: https://arxiv.org/pdf/1611.03530
    Talk link:
    Related:
    1. [[Gradient descent]]
    ### Why interesting

The core rule runs between the block and inline stages: it replaces the field
paragraph with ``card_field`` tokens (whose values are still parsed as inline
Markdown, so tags and wikilinks in them are ordinary facts), pulls a list that
follows an empty ``Related:`` into that field, and wraps the card's whole section
in ``card_open``/``card_close``.  The collector turns the markers into ``Card``s.
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

from .model import HOLE, PaperLink

FIELDS = {
    "tags": "tags",
    "tag": "tags",
    "authors": "authors",
    "author": "authors",
    "paper link": "paper",
    "paper": "paper",
    "talk link": "talk",
    "talk": "talk",
    "related": "related",
}
FIELD_LABELS = {
    "tags": "Tags",
    "authors": "Authors",
    "paper": "Paper",
    "talk": "Talk",
    "related": "Related",
}
_FIELD = re.compile(
    r"^\s*(" + "|".join(sorted(FIELDS, key=len, reverse=True)) + r")\s*:(.*)$", re.I
)
_ET_AL = re.compile(r"[,;\s]*\bet\.?\s*al\b\.?\s*$", re.I)
_AUTHOR_SPLIT = re.compile(r"\s*(?:[,;&]|\band\b)\s*", re.I)
_URL = re.compile(r"<?(https?://[^\s>]+)>?")
_ARXIV = re.compile(
    r"arxiv\.org/(?:abs|pdf|html)/((?:\d{4}\.\d{4,5})|(?:[a-z-]+(?:\.[A-Z]{2})?/\d{7}))(v\d+)?",
    re.I,
)
_OPENREVIEW = re.compile(r"openreview\.net/(?:forum|pdf)\?(?:.*&)?id=([\w-]+)", re.I)
_ACL = re.compile(r"aclanthology\.org/([\w.-]+?)(?:\.pdf)?/?$", re.I)
_DOI = re.compile(r"doi\.org/(10\.\d{4,9}/\S+)$", re.I)


def field_name(line: str) -> tuple[str, str] | None:
    """``("authors", "Jason Lee")`` for a card-field line, else None."""
    match = _FIELD.match(line)
    if not match:
        return None
    return FIELDS[match.group(1).lower()], match.group(2).strip()


def split_authors(value: str) -> tuple[tuple[str, ...], bool]:
    """Names and the et-al flag: ``"Chiyuan Zhang et.al."`` -> ``(("Chiyuan Zhang",), True)``."""
    value = value.replace("[[", "").replace("]]", "").strip()
    et_al = bool(_ET_AL.search(value))
    value = _ET_AL.sub("", value)
    names = tuple(n.strip(" .") for n in _AUTHOR_SPLIT.split(value) if n.strip(" ."))
    return names, et_al


def paper_link(value: str) -> PaperLink | None:
    """Normalise a paper URL; arXiv ``pdf/ID.pdf`` and ``abs/ID`` give the same id."""
    found = _URL.search(value)
    if not found:
        return None
    url = found.group(1).rstrip(").,")
    if m := _ARXIV.search(url):
        return PaperLink(url, "arxiv", m.group(1).removesuffix(".pdf"))
    if m := _OPENREVIEW.search(url):
        return PaperLink(url, "openreview", m.group(1))
    if m := _ACL.search(url):
        return PaperLink(url, "acl", m.group(1))
    if m := _DOI.search(url):
        return PaperLink(url, "doi", m.group(1))
    return PaperLink(url, "web")


def paper_label(link: PaperLink) -> str:
    """Short link text: ``arXiv:2305.18290``, ``OpenReview:gEZrGCozdqR``, or the host."""
    if link.source == "arxiv":
        return f"arXiv:{link.id}"
    if link.source == "openreview":
        return f"OpenReview:{link.id}"
    if link.source == "acl":
        return f"ACL:{link.id}"
    if link.source == "doi":
        return f"doi:{link.id}"
    host = re.sub(r"^https?://(www\.)?", "", link.url).split("/", 1)[0]
    return host or link.url


def _field_lines(content: str) -> list[tuple[str, str, int]] | None:
    """Parse a paragraph into ``(field, value, line offset)``; None if not a card's."""
    fields: list[tuple[str, str, int]] = []
    for offset, line in enumerate(content.split("\n")):
        parsed = field_name(line)
        if parsed:
            fields.append((parsed[0], parsed[1], offset))
        elif fields:  # a continuation line belongs to the field above it
            name, value, first = fields[-1]
            fields[-1] = (name, f"{value}\n{line.strip()}".strip(), first)
        else:
            return None
    return fields


def _make(kind: str, nesting: Literal[-1, 0, 1], depth: int, **meta: object) -> Token:
    token = Token(kind, "", nesting)
    token.level, token.block = depth, True
    token.meta = dict(meta)
    return token


def _inline(content: str, line: int, level: int) -> Token:
    token = Token("inline", "", 0)
    token.content, token.map, token.level, token.children = content, [line, line + 1], level, []
    return token


def _field_tokens(fields: list[tuple[str, str, int]], first_line: int) -> list[Token]:
    out = [_make("card_fields_open", 1, 0)]
    for name, value, offset in fields:
        if not value and name != "related":
            continue  # an empty "Talk link:" is a slot, not content
        out.append(_make("card_field_open", 1, 1, field=name, value=value))
        if name == "tags" and value and "#" not in value:
            value = " ".join("#" + t for t in re.split(r"[\s,]+", value) if t)
        if name in ("tags", "related") and value:
            out.append(_inline(value, first_line + offset, 2))
        out.append(_make("card_field_close", -1, 1, field=name))
    out.append(_make("card_fields_close", -1, 0))
    return out


def _section_end(tokens: list[Token], start: int, level: int) -> int:
    for j in range(start + 1, len(tokens)):
        t = tokens[j]
        if t.type == "heading_open" and t.level == 0 and int(t.tag[1]) <= level:
            return j
    return len(tokens)


def _list_end(tokens: list[Token], start: int) -> int:
    level = tokens[start].level
    for j in range(start + 1, len(tokens)):
        if tokens[j].nesting == -1 and tokens[j].level == level:
            return j + 1
    return len(tokens)


_ANY_FIELD = re.compile(r"^[ \t]*(?:" + "|".join(FIELDS) + r")[ \t]*:", re.I | re.M)


def _cards(state: StateCore) -> None:
    if not _ANY_FIELD.search(state.src):
        return  # most notes hold no card: skip the token walk
    tokens = state.tokens
    out: list[Token] = []
    closes: list[int] = []  # indices (into tokens) where open cards end
    i = 0
    heading_at = -1
    while i < len(tokens):
        while closes and closes[-1] == i:
            out.append(_make("card_close", -1, 0))
            closes.pop()
        token = tokens[i]
        if token.type == "heading_open" and token.level == 0:
            heading_at = len(out)
        fields = None
        if token.type == "paragraph_open" and token.level == 0 and heading_at >= 0:
            fields = _field_lines(tokens[i + 1].content)
            first_block = heading_at == len(out) - 3
            if fields and not first_block and len(fields) < 2:
                fields = None
        if not fields or token.map is None:
            out.append(token)
            i += 1
            continue
        heading = out[heading_at]
        level = int(heading.tag[1])
        heading.meta["card"] = True
        out.insert(heading_at, _make("card_open", 1, 0, level=level))
        closes.append(_section_end(tokens, i, level))
        heading_at = -1
        field_tokens = _field_tokens(fields, token.map[0])
        i += 3
        related = [
            k for k, t in enumerate(field_tokens)
            if t.type == "card_field_open" and t.meta["field"] == "related"
        ]  # fmt: skip
        nxt = tokens[i] if i < len(tokens) else None
        if related and nxt is not None and nxt.type in ("bullet_list_open", "ordered_list_open"):
            field_tokens[related[-1]].meta["list"] = True
            end = _list_end(tokens, i)
            nxt.meta["related"] = True
            for t in tokens[i:end]:
                t.level += 2
            close_at = related[-1] + (2 if field_tokens[related[-1] + 1].type == "inline" else 1)
            field_tokens[close_at:close_at] = tokens[i:end]
            i = end
        elif related and field_tokens[related[-1] + 1].type == "card_field_close":
            del field_tokens[related[-1] : related[-1] + 2]  # empty "Related:", no list
        out.extend(field_tokens)
    out.extend(_make("card_close", -1, 0) for _ in closes)
    state.tokens = out


def _render_field_open(
    self: object, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    name = token.meta["field"]
    value = token.meta["value"]
    head = f'<div class="card-field card-{name}"><dt>{FIELD_LABELS[name]}</dt><dd>'
    card = token.meta.get("card")
    if name == "authors" and card is not None:
        names, et_al = split_authors(value)
        chips = ", ".join(f"{HOLE}A{card}.{j}{HOLE}" for j in range(len(names)))
        return head + chips + (" <i>et al.</i>" if et_al else "")
    if name in ("paper", "talk"):
        link = paper_link(value)
        if link is None:
            return head + escapeHtml(value)
        url = escapeHtml(link.url)
        text = paper_label(link) if name == "paper" else url
        css = f"external paper paper-{link.source}" if name == "paper" else "external"
        return f'{head}<a class="{css}" href="{url}">{escapeHtml(text)}</a>'
    return head


def cards_plugin(md: MarkdownIt) -> None:
    md.core.ruler.after("block", "cards", _cards)
    # The page template wraps each card (with its backlinks) in a <section>; the
    # fragment only carries the marks the collector puts around it.
    md.add_render_rule("card_open", lambda *a: "")
    md.add_render_rule("card_close", lambda *a: "")
    md.add_render_rule("card_fields_open", lambda *a: '<dl class="card-meta">\n')
    md.add_render_rule("card_fields_close", lambda *a: "</dl>\n")
    md.add_render_rule("card_field_open", _render_field_open)
    md.add_render_rule("card_field_close", lambda *a: "</dd></div>\n")
