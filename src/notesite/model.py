"""The frozen records that flow between the build stages.

A ``Note`` is everything the site needs to know about one Markdown file, produced
by one parse and never mutated: its facts (links, tags, headings, block ids, cards)
and its body ``Fragment``.  Because a ``Note`` depends only on the file's bytes, it
can be cached by content hash and parsed in any process.

The many small records are ``NamedTuple``s rather than dataclasses: a 10,000-note
vault holds ~100,000 links, and tuples pickle across processes and out of the cache
several times faster than slotted dataclasses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from .diagnostics import Diagnostic
from .paths import VaultPath

LinkKind = Literal["wikilink", "embed", "mdlink", "image"]

Weights = tuple[str, bytes]
"""Search terms (space-separated) and their weights (one byte each): compact, because
every note carries a few hundred of them."""

# Holes in a rendered fragment are written as NUL-delimited codes: markdown-it turns
# every NUL of the source into U+FFFD, so a NUL in rendered HTML can only be ours.
HOLE = "\x00"


class LinkRef(NamedTuple):
    """One reference from a note to something else, as written."""

    kind: LinkKind
    raw: str
    """The link text as the user wrote it (``Note#Heading|alias``), for diagnostics."""
    path: str
    """The note or file part; empty for a link within the same note."""
    headings: tuple[str, ...] = ()
    """Heading path after ``#`` (``[[Note#H2#H3]]`` -> ``("H2", "H3")``)."""
    block: str | None = None
    """Block id after ``#^``."""
    label: str | None = None
    """Alias text after ``|`` (or a Markdown link's / image's label)."""
    width: int | None = None
    height: int | None = None
    line: int = 1
    context: tuple[int, int] = (0, 0)
    """Where the paragraph or list item holding the link is in ``Note.text``."""
    card: int | None = None
    """Index of the card (in ``Note.cards``) whose section holds this link."""
    related: bool = False
    """True for links in a card's ``Related:`` field."""
    explicit_md: bool = False
    """A Markdown link whose target had an explicit ``.md`` or relative path."""


class TagRef(NamedTuple):
    name: str
    """Tag as written, without ``#`` (``alignment/RLHF``)."""
    line: int
    card: int | None = None


class Heading(NamedTuple):
    level: int
    text: str
    """Plain text, markup and block id removed."""
    anchor: str
    line: int
    mark: int
    """Fragment mark before the heading: its section starts there."""
    top: bool = True
    """False for headings nested in lists or callouts (they do not end sections)."""


class Block(NamedTuple):
    id: str
    line: int
    kind: str
    """``paragraph``, ``list_item``, ``heading``, ``table``, ``blockquote``, ``callout``."""
    start: int
    end: int
    """Fragment marks around the block's HTML."""
    wrap: str = ""
    """For a list item: ``ul`` or ``ol``, so an embed can wrap the bare ``<li>``."""


class PaperLink(NamedTuple):
    url: str
    source: str
    """``arxiv``, ``openreview``, ``acl``, ``doi`` or ``web``."""
    id: str = ""
    """Normalised identifier (arXiv id without version, OpenReview id, ACL id, DOI)."""


class Card(NamedTuple):
    """A paper card: a heading followed by ``Tags:``/``Authors:``/… field lines."""

    title: str
    anchor: str
    block_id: str | None
    level: int
    line: int
    start: int
    end: int
    """Fragment marks around the card's section."""
    tags: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    et_al: bool = False
    paper: PaperLink | None = None
    talk: str = ""
    related: tuple[int, ...] = ()
    """Indices into ``Note.links`` of the ``Related:`` links."""
    sections: tuple[tuple[str, str], ...] = ()
    """``(title, anchor)`` of the card's sub-sections, in order."""
    from_frontmatter: bool = False
    weights: Weights = ("", b"")
    """Search terms and weights of the card's search record (see ``search.card_text``)."""


@dataclass(frozen=True, slots=True)
class Fragment:
    """Rendered HTML with holes: even parts are HTML, odd parts are hole codes.

    Hole codes: ``L<i>`` a whole wikilink, ``O<i>``/``C<i>`` the open and close tag of
    a Markdown link around its rendered label, ``E<i>`` an embed, ``I<i>`` a Markdown
    image, ``T<i>`` a tag chip, ``A<i>.<j>`` author ``j`` of card ``i``, ``M<i>`` a
    slicing mark.  Filling holes needs only the resolved link table and the URL of
    the page being written, so a title change elsewhere re-fills, never re-parses.
    """

    html: str
    """The HTML with its holes (kept whole: one string per note, not hundreds)."""
    marks: tuple[int, ...] = ()
    """Part index of each mark, by mark number."""

    @property
    def parts(self) -> list[str]:
        """Even items are HTML, odd items hole codes (split on use; it is cheap)."""
        return self.html.split(HOLE)


@dataclass(frozen=True, slots=True)
class Note:
    path: VaultPath
    title: str
    content_hash: str
    frontmatter: dict[str, Any] = field(default_factory=dict)
    aliases: tuple[str, ...] = ()
    tags: tuple[TagRef, ...] = ()
    links: tuple[LinkRef, ...] = ()
    headings: tuple[Heading, ...] = ()
    blocks: tuple[Block, ...] = ()
    cards: tuple[Card, ...] = ()
    date: str | None = None
    publish: bool = True
    fragment: Fragment = Fragment("")
    text: str = ""
    """Plain text of the body, for search and summaries."""
    words: int = 0
    weights: Weights = ("", b"")
    """Search terms and weights (computed in the parse worker, where the text is)."""
    diagnostics: tuple[Diagnostic, ...] = ()

    def context(self, link: LinkRef) -> str:
        """Plain text of the paragraph around a link (shown with backlinks)."""
        start, end = link.context
        return self.text[start:end]

    @property
    def stem(self) -> str:
        name = self.path.rsplit("/", 1)[-1]
        return name[:-3] if name.lower().endswith(".md") else name

    @property
    def folder(self) -> str:
        return self.path.rsplit("/", 1)[0] if "/" in self.path else ""
