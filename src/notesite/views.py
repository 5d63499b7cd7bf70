"""What every hole of every note becomes: resolved targets turned into ``NoteView``s.

Computed once per build in the main process, in time linear in the number of
links.  A note's view changes only when something it points at changes (a title,
a URL, publication), which is exactly when its page must be re-rendered.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx

from .diagnostics import Code, Diagnostic
from .load import Model
from .model import Card, LinkRef, Note
from .paths import Url, VaultPath, author_url, file_url, name_key, slugify, tag_url
from .render import Embedded, EmbedView, LinkView, NoteView, embed_kind
from .resolve import Target
from .tags import tag_identity
from .wikilinks import WikiTarget

MISSING_URL = Url("missing/")


@dataclass
class Views:
    """Every note's view; the engine replaces entries as notes change."""

    notes: dict[VaultPath, NoteView]
    published: frozenset[VaultPath]
    author_urls: dict[str, Url]
    cyclic: frozenset[VaultPath] = frozenset()
    """Notes whose note embeds would transclude themselves."""
    diagnostics: tuple[Diagnostic, ...] = ()

    def embedded(self, model: Model, roots: Iterable[VaultPath]) -> dict[VaultPath, Embedded]:
        """The notes a page transcludes, transitively (bounded by the embed depth)."""
        found: dict[VaultPath, Embedded] = {}
        stack = list(roots)
        seen = set(stack)
        while stack:
            path = stack.pop()
            for link in self.notes[path].links:
                target = link.embed.path if link.embed and link.embed.kind == "note" else None
                if target is None or target in seen:
                    continue
                seen.add(target)
                stack.append(target)
                found[target] = Embedded(model.vault.notes[target].fragment, self.notes[target])
        return dict(sorted(found.items()))


def missing_anchor(name: str) -> str:
    return slugify(name) or "missing"


def part_range(note: Note, start_mark: int, end_mark: int | None) -> tuple[int, int]:
    marks = note.fragment.marks
    return marks[start_mark] + 1, (marks[end_mark] if end_mark is not None else -1)


def section_range(note: Note, heading: int) -> tuple[int, int]:
    """A heading's section: to the next top-level heading of the same or higher level."""
    head = note.headings[heading]
    end = next(
        (h.mark for h in note.headings[heading + 1 :] if h.top and h.level <= head.level), None
    )
    return part_range(note, head.mark, end)


def card_range(note: Note, card: Card) -> tuple[int, int]:
    if card.from_frontmatter:
        return 0, -1
    return part_range(note, card.start, card.end)


def _label(link: LinkRef, target_title: str | None) -> str:
    if link.label:
        return link.label
    display = WikiTarget(link.path, link.headings, link.block).display()
    if not link.path and not link.headings and not link.block and target_title:
        return target_title
    return display or (target_title or link.raw)


class ViewBuilder:
    """Turns one note's resolved targets into its ``NoteView``."""

    def __init__(
        self,
        model: Model,
        published: frozenset[VaultPath],
        author_urls: dict[str, Url],
        cyclic: frozenset[VaultPath],
    ) -> None:
        self.model = model
        self.published = published
        self.author_urls = author_urls
        self.cyclic = cyclic

    def link(self, note: Note, link: LinkRef, target: Target) -> LinkView:
        vault = self.model.vault
        if target.kind == "note" and target.path is not None:
            dest = vault.notes[target.path]
            label = _label(link, dest.title)
            if target.path not in self.published:
                return LinkView(None, label=label, title="not published", css="unpublished")
            embed = None
            if link.kind == "embed":
                cycle = note.path in self.cyclic and target.path in self.cyclic
                embed = EmbedView("cycle") if cycle else self.note_embed(dest, target)
            return LinkView(vault.urls[target.path], target.anchor, label, "", "internal", embed)
        if target.kind == "asset" and target.path is not None:
            name = target.path.rsplit("/", 1)[-1]
            label = (link.label or "") if link.kind == "image" else _label(link, name)
            embed = None
            if link.kind in ("embed", "image"):
                embed = EmbedView(embed_kind(target.path), width=link.width, height=link.height)
            return LinkView(file_url(target.path), "", label, "", "file", embed)
        label = link.label or _label(link, None)
        if target.kind == "missing":
            embed = EmbedView("missing") if link.kind == "embed" else None
            anchor = missing_anchor(target.name)
            return LinkView(MISSING_URL, anchor, label, "not written yet", "unresolved", embed)
        css = "outside" if target.kind == "outside" else "unresolved"
        return LinkView(None, label=label, title=f"not found: {link.raw}", css=css)

    def note_embed(self, dest: Note, target: Target) -> EmbedView:
        if target.block:
            block = next(b for b in dest.blocks if b.id.casefold() == target.block.casefold())
            start, end = part_range(dest, block.start, block.end)
            return EmbedView("note", dest.path, start, end, block.wrap)
        if target.heading is not None:
            start, end = section_range(dest, target.heading)
            return EmbedView("note", dest.path, start, end)
        if target.card is not None and target.anchor:
            start, end = card_range(dest, dest.cards[target.card])
            return EmbedView("note", dest.path, start, end)
        return EmbedView("note", dest.path)

    def note(self, note: Note) -> NoteView:
        targets = self.model.resolution.targets[note.path]
        links = tuple(self.link(note, ln, t) for ln, t in zip(note.links, targets, strict=True))
        tags = tuple((tag_url(tag_identity(t.name)), t.name) for t in note.tags)
        authors = {
            k: tuple((self.author_urls[name_key(a)], a) for a in card.authors)
            for k, card in enumerate(note.cards)
        }
        return NoteView(links, tags, authors)


def embed_cycles(model: Model) -> tuple[frozenset[VaultPath], tuple[Diagnostic, ...]]:
    """Notes that would transclude themselves through note embeds, and a report."""
    g = nx.DiGraph()
    for path, note in model.vault.notes.items():
        for link, target in zip(note.links, model.resolution.targets[path], strict=True):
            if link.kind == "embed" and target.kind == "note" and target.path is not None:
                g.add_edge(path, target.path)
    cyclic = {n for scc in nx.strongly_connected_components(g) if len(scc) > 1 for n in scc}
    cyclic |= {u for u, v in g.edges if u == v}
    problems = []
    for path in sorted(cyclic):
        note = model.vault.notes[path]
        for link, target in zip(note.links, model.resolution.targets[path], strict=True):
            if link.kind == "embed" and target.kind == "note" and target.path in cyclic:
                message = (
                    f"embedding {link.raw!r} would transclude {path} into itself; shown as a link"
                )
                problems.append(
                    Diagnostic.make(path, link.line, Code.EMBED_CYCLE, message, link.raw)
                )
    return frozenset(cyclic), tuple(problems)


def author_urls(model: Model) -> dict[str, Url]:
    urls: dict[str, Url] = {}
    taken: set[str] = set()
    for key, info in model.graph.authors.items():
        base = slugify(info.name) or "author"
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug)
        urls[key] = author_url(slug)
    return urls


def published_notes(model: Model) -> frozenset[VaultPath]:
    return frozenset(p for p, n in model.vault.notes.items() if n.publish)


def build_views(model: Model) -> Views:
    cyclic, problems = embed_cycles(model)
    published = published_notes(model)
    urls = author_urls(model)
    builder = ViewBuilder(model, published, urls, cyclic)
    views = {path: builder.note(note) for path, note in model.vault.notes.items()}
    return Views(views, published, urls, cyclic, problems)
