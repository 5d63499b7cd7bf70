"""The last core rule: walk the finished token stream once and record its facts.

Every link, embed, tag, heading, block id and card becomes a record in
``env["facts"]``; every token that will render as a hole gets its record's index
in ``meta["ref"]``; slicing marks are inserted before headings and around cards
and blocks with ids, so a section, a card or a block can later be cut out of the
rendered fragment for an embed or a card page without rendering twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from .cards import paper_link, split_authors
from .facts import Facts, internal_href, plain_text
from .model import Block, Card, Heading, LinkKind, LinkRef, TagRef
from .paths import anchor_id
from .wikilinks import WikiTarget

_BLOCK_KINDS = {
    "paragraph_open": "paragraph",
    "list_item_open": "list_item",
    "heading_open": "heading",
    "table_open": "table",
    "blockquote_open": "blockquote",
    "callout_open": "callout",
    "bullet_list_open": "list",
    "ordered_list_open": "list",
}
_SPECIAL = frozenset(
    {
        "inline", "heading_open", "fence", "code_block", "card_open", "card_close",
        "math_block", "math_block_label",
        "card_field_open", "card_field_close", "bullet_list_open", "ordered_list_open",
        "bullet_list_close", "ordered_list_close",
    }
)  # fmt: skip


@dataclass
class _CardDraft:
    level: int
    start: int
    heading: int = -1
    end: int = -1
    fields: dict[str, str] = field(default_factory=dict)


def _mark(number: int) -> Token:
    token = Token("ns_mark", "", 0)
    token.meta = {"mark": number}
    return token


class _Walker:
    def __init__(self) -> None:
        self.facts = Facts()
        self.out: list[Token] = []
        self.marks = 0
        self.anchors: set[str] = set()
        self.cards: list[_CardDraft] = []
        self.open_cards: list[int] = []
        self.related = 0
        self.lists: list[str] = []

    def mark(self) -> int:
        self.out.append(_mark(self.marks))
        self.marks += 1
        return self.marks - 1

    @property
    def card(self) -> int | None:
        return self.open_cards[-1] if self.open_cards else None

    def unique_anchor(self, text: str) -> str:
        base = anchor_id(text)
        anchor, n = base, 1
        while anchor in self.anchors:
            anchor, n = f"{base}-{n}", n + 1
        self.anchors.add(anchor)
        return anchor

    def link(
        self, kind: LinkKind, raw: str, target: WikiTarget, line: int, context: tuple[int, int]
    ) -> int:
        self.facts.links.append(
            LinkRef(
                kind, raw, target.path, target.headings, target.block, target.label,
                target.width, target.height, line, context, self.card, self.related > 0,
            )
        )  # fmt: skip
        return len(self.facts.links) - 1

    def walk(self, tokens: list[Token]) -> None:
        out = self.out
        for i, token in enumerate(tokens):
            # Most tokens carry nothing to record: keep this loop tight, it runs
            # once per token of every note.
            if token.type in _SPECIAL or token.meta:
                self.visit(tokens, i, token)
            else:
                out.append(token)

    def visit(self, tokens: list[Token], i: int, token: Token) -> None:
        t = token.type
        meta = token.meta
        if t == "card_open":
            self.cards.append(_CardDraft(meta["level"], self.mark()))
            self.open_cards.append(len(self.cards) - 1)
        elif t == "heading_open":
            self.heading(tokens, i, token)
        elif t in ("bullet_list_open", "ordered_list_open"):
            self.lists.append("ul" if t[0] == "b" else "ol")
        elif t == "card_field_open":
            self.card_field(token)
        if meta.get("block_id") and t != "heading_open":
            token.attrSet("id", "^" + meta["block_id"])
            meta["block_start"] = self.mark()
        if meta.get("related"):
            self.related += 1
        self.out.append(token)
        if t == "inline":
            self.inline(tokens, i, token)
        elif t in ("math_block", "math_block_label"):
            line = token.map[0] + 1 if token.map else 1
            self.facts.math.append((token.content, True, line))
        elif t in ("fence", "code_block"):
            self.facts.add_text(token.content)
        self.close(token)

    def close(self, token: Token) -> None:
        t = token.type
        if t in ("bullet_list_close", "ordered_list_close"):
            self.lists.pop()
            if self.related and token.level == 2:
                self.related -= 1
        elif t == "card_field_close" and token.meta["field"] == "related":
            self.related = 0
        elif t == "card_close":
            draft = self.cards[self.open_cards.pop()]
            draft.end = self.mark()
        if token.meta.get("block_end"):
            self.block_end(token)

    def block_end(self, token: Token) -> None:
        block_id = token.meta["block_end"]
        for opener in reversed(self.out):
            if opener.meta.get("block_id") == block_id and opener.nesting == 1:
                kind = _BLOCK_KINDS.get(opener.type, opener.type)
                wrap = self.lists[-1] if kind == "list_item" and self.lists else ""
                start = opener.meta.get("block_start", opener.meta.get("mark_at", 0))
                line = opener.map[0] + 1 if opener.map else 1
                self.facts.blocks.append(Block(block_id, line, kind, start, self.mark(), wrap))
                return

    def heading(self, tokens: list[Token], i: int, token: Token) -> None:
        inline = tokens[i + 1]
        text = plain_text(inline.children)
        anchor = self.unique_anchor(text)
        token.attrSet("id", anchor)
        number = self.mark()
        token.meta["mark_at"] = number
        line = token.map[0] + 1 if token.map else 1
        level = int(token.tag[1])
        top = token.level == 0
        self.facts.headings.append(Heading(level, text, anchor, line, number, top))
        if token.meta.get("card") and self.open_cards:
            self.cards[self.open_cards[-1]].heading = len(self.facts.headings) - 1

    def card_field(self, token: Token) -> None:
        if self.card is None:
            return
        name = token.meta["field"]
        self.cards[self.card].fields[name] = token.meta["value"]
        token.meta["card"] = self.card
        if name == "related":
            self.related += 1

    def inline(self, tokens: list[Token], i: int, token: Token) -> None:
        children = token.children or []
        line = token.map[0] + 1 if token.map else 1
        context = self.facts.add_text(plain_text(children))
        parent = tokens[i - 1] if i else None
        embeds_only = (
            parent is not None
            and parent.type == "paragraph_open"
            and all(
                c.type in ("embed", "softbreak") or (c.type == "text" and not c.content.strip())
                for c in children
            )
        )
        if embeds_only and parent is not None:
            parent.hidden = tokens[i + 1].hidden = True
        for child in children:
            t = child.type
            if t in ("softbreak", "hardbreak"):
                line += 1
            elif t == "wikilink" or t == "embed":
                kind: LinkKind = "embed" if t == "embed" else "wikilink"
                child.meta["ref"] = self.link(
                    kind, child.content, child.meta["target"], line, context
                )
                child.meta["block"] = embeds_only
            elif t == "tag":
                self.facts.tags.append(TagRef(child.content, line, self.card))
                child.meta["ref"] = len(self.facts.tags) - 1
            elif t == "link_open":
                self.md_link(child, line, context)
            elif t == "image":
                self.md_image(child, line, context)
            elif t.startswith("math"):
                child.meta["line"] = line
                self.facts.math.append((child.content, t != "math_inline", line))

    def md_link(self, child: Token, line: int, context: tuple[int, int]) -> None:
        href = str(child.attrGet("href") or "")
        internal = internal_href(href)
        if internal is None:
            return
        path, fragment = internal
        block = fragment[1:] if fragment.startswith("^") else None
        headings = (fragment,) if fragment and not block else ()
        target = WikiTarget(path, headings, block)
        child.meta["ref"] = self.link("mdlink", href, target, line, context)

    def md_image(self, child: Token, line: int, context: tuple[int, int]) -> None:
        internal = internal_href(str(child.attrGet("src") or ""))
        if internal is None:
            return
        alt, _, size = child.content.partition("|")
        width = int(size) if size.strip().isdigit() else None
        target = WikiTarget(internal[0], (), None, alt.strip() or None, width)
        child.meta["ref"] = self.link("image", str(child.attrGet("src")), target, line, context)

    def finish_cards(self) -> None:
        tags_by_card: dict[int, list[str]] = {}
        for tag in self.facts.tags:
            if tag.card is not None:
                tags_by_card.setdefault(tag.card, []).append(tag.name)
        headings = self.facts.headings
        for n, draft in enumerate(self.cards):
            if draft.heading < 0:
                continue
            head = headings[draft.heading]
            sections = tuple(
                (h.text, h.anchor)
                for h in headings[draft.heading + 1 :]
                if h.top and h.mark < draft.end and h.level > draft.level
            )
            authors, et_al = split_authors(draft.fields.get("authors", ""))
            talk = paper_link(draft.fields.get("talk", ""))
            self.facts.cards.append(
                Card(
                    title=head.text,
                    anchor=head.anchor,
                    block_id=self.heading_block(head),
                    level=draft.level,
                    line=head.line,
                    start=draft.start,
                    end=draft.end,
                    tags=tuple(dict.fromkeys(tags_by_card.get(n, []))),
                    authors=authors,
                    et_al=et_al,
                    paper=paper_link(draft.fields.get("paper", "")),
                    talk=talk.url if talk else "",
                    related=tuple(
                        k for k, ln in enumerate(self.facts.links) if ln.related and ln.card == n
                    ),
                    sections=sections,
                )
            )

    def heading_block(self, head: Heading) -> str | None:
        for block in self.facts.blocks:
            if block.kind == "heading" and block.line == head.line:
                return block.id
        return None


def _collect(state: StateCore) -> None:
    walker = _Walker()
    walker.walk(state.tokens)
    walker.finish_cards()
    state.tokens = walker.out
    state.env["facts"] = walker.facts


def collect_plugin(md: MarkdownIt) -> None:
    md.core.ruler.push("collect", _collect)
    md.add_render_rule(
        "ns_mark", lambda self, tokens, idx, *a: f"\x00M{tokens[idx].meta['mark']}\x00"
    )
