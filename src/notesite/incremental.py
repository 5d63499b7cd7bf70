"""Dependency tracking: what a few changed notes touch, and nothing more.

``patch`` updates the understood vault in place of a full index/resolve/graph
pass, and names the pages whose inputs may have changed (their fingerprints then
decide what is really re-rendered).  It handles edits that leave every note's
*identity* alone (name, aliases, card titles, publication): creations, deletions,
renames and identity changes go through the full pass instead, because they can
change how any link in the vault resolves.

The rules (a page is a function of its note and its graph neighbourhood):

* the changed note's own pages;
* pages showing its backlink context: the notes it links to, before and after;
* notes whose links into it must be re-resolved (its headings, blocks or cards
  moved) and notes that transclude it, when what they show of it changed (its
  rendered body, its links, or where its headings and blocks are);
* notes that list it as related, when its title or tags changed;
* tag, author, papers, home, notes and missing pages when what they list of it
  (title, date, tags, card rows, dangling links, counts) changed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from .affected import ancestors, coauthor_notes, face, pages_to_check, transcluders
from .diagnostics import Diagnostic, sort_key
from .load import Model
from .model import Note
from .paths import VaultPath, name_key
from .refs import PageRef
from .resolve import Resolution, Target, lands_elsewhere, resolve_note
from .site import Site
from .tags import tag_identity
from .vault import Vault, duplicate_cards, name_tables
from .views import ViewBuilder, Views, author_urls, embed_cycles


def identity(note: Note) -> tuple[object, ...]:
    """What a partial update cannot follow: publication changes every page's links."""
    return (note.publish,)


def names(note: Note) -> tuple[object, ...]:
    """What other notes' links may resolve against besides the note's path: aliases and
    card titles (and the cards' number, which decides card page URLs)."""
    return (note.aliases, tuple(c.title for c in note.cards))


def anchors(note: Note) -> tuple[object, ...]:
    """What links *into* a note resolve against: headings, blocks, card ranges."""
    return (
        tuple((h.text, h.level, h.anchor) for h in note.headings),
        tuple(b.id for b in note.blocks),
        tuple((c.anchor, c.start, c.end) for c in note.cards),
        note.fragment.marks,
    )


def structural(
    old: dict[VaultPath, Note], new: dict[VaultPath, Note], changed: Iterable[VaultPath]
) -> bool:
    return any(
        p not in old or p not in new or identity(old[p]) != identity(new[p]) for p in changed
    )


def patch(
    site: Site, notes: dict[VaultPath, Note], changed: set[VaultPath], git: dict[VaultPath, str]
) -> tuple[Site, list[PageRef]]:
    """The site after ``changed`` notes were edited in place, and the pages to check.

    ``git`` holds last-commit dates, for notes whose frontmatter has no date.
    """
    model = site.model
    old_notes = model.vault.notes
    before = {p: face(site, p) for p in changed}
    old_out = {p: set(model.graph.outgoing(p)) for p in changed}

    old_embeds = {p: _embeds(old_notes[p], model.resolution.targets[p]) for p in changed}
    renamed = {p for p in changed if names(old_notes[p]) != names(notes[p])}
    vault = _patched_vault(model.vault, {p: notes[p] for p in changed}, bool(renamed))
    moved = {p for p in changed if anchors(old_notes[p]) != anchors(notes[p])}
    # what an embed of a moved note covers moves with it (the embedder's view says)
    embedders = {b.source for p in moved for b in model.graph.backlinks(p) if b.kind == "embed"}
    keys = {k for p in renamed for k in _name_keys(old_notes[p]) | _name_keys(notes[p])}
    sources = _relinked(model, vault, moved | renamed, keys, changed)
    targets = dict(model.resolution.targets)
    problems = dict(model.resolution.problems)
    graph = model.graph
    for path in sorted(changed | sources):
        targets[path], found = resolve_note(vault, vault.notes[path])
        problems.pop(path, None)
        if found:
            problems[path] = found
        graph.add(vault.notes[path], targets[path])
    resolution = Resolution(targets, problems)
    # a linker whose link now dangles (or no longer does) is listed on the missing page
    dangling = any(
        _missing(model.resolution.targets[p]) != _missing(targets[p]) for p in sources - changed
    )
    diagnostics = _diagnostics(model, vault, resolution)
    model = Model(model.root, model.config, vault, resolution, graph, diagnostics)

    new_embeds = {p: _embeds(vault.notes[p], targets[p]) for p in changed}
    embeds_changed = any(old_embeds[p] != new_embeds[p] for p in changed)
    authors_changed = any(
        [c.authors for c in old_notes[p].cards] != [c.authors for c in notes[p].cards]
        for p in changed
    )
    views = _patched_views(
        site.views, model, changed | sources | embedders, embeds_changed, authors_changed
    )
    # notes whose embeds of a changed note show something new, transitively (a title
    # is not part of an embed: the embedder lists it in its panels only)
    shown = {
        p
        for p in changed
        if p in moved
        or old_notes[p].fragment != notes[p].fragment
        or site.views.notes.get(p) != views.notes.get(p)
    }
    embedders |= {e for p in shown for e in transcluders(graph, p)}
    dates = dict(site.dates)
    for path in changed:
        dates[path] = notes[path].date or git.get(path, "")
    new_site = dataclasses.replace(site, model=model, views=views, dates=dates)
    after = {p: face(new_site, p) for p in changed}
    # another card's page URL can move when a title frees or takes a slug
    shifted = {
        p
        for (p, k), url in vault.card_urls.items()
        if site.model.vault.card_urls.get((p, k)) != url
    }
    # a note re-resolved to the same view shows the changed note in its panels only:
    # its body and its card pages are what they were
    same = {p for p in sources - changed if site.views.notes.get(p) == views.notes.get(p)}
    extra = (sources - same) | embedders | shifted
    # a moved card page is linked from its co-authors' card pages too
    moved_authors = [a for p in shifted for c in vault.notes[p].cards for a in c.authors]
    extra |= coauthor_notes(graph, moved_authors, 0)
    refs = pages_to_check(new_site, changed, before, after, old_out, extra, same - extra)
    if dangling:
        refs += [("missing", ""), ("home", "")]
    for path in sorted(shifted - changed):
        cards = new_site.model.vault.notes[path].cards
        refs += [("tag", a) for c in cards for t in c.tags for a in ancestors(tag_identity(t))]
        refs += [("author", name_key(a)) for c in cards for a in c.authors]
        refs += [("papers", ""), ("home", "")]
    return new_site, list(dict.fromkeys(refs))


def _missing(targets: tuple[Target, ...]) -> tuple[str, ...]:
    return tuple(t.name for t in targets if t.kind == "missing")


def _name_keys(note: Note) -> set[str]:
    return {name_key(a) for a in note.aliases} | {name_key(c.title) for c in note.cards}


def _relinked(
    model: Model, vault: Vault, watched: set[VaultPath], keys: set[str], changed: set[VaultPath]
) -> set[VaultPath]:
    """Notes whose links resolve differently now that the ``watched`` notes moved their
    headings, blocks or cards or took or dropped the names ``keys``.

    A hub has thousands of linkers, and most of their links do not care: a link by
    file name stays where it was when a title or heading changes.  So only the
    links that landed in a note that changed or holds one of the names, or dangled
    with one of them, are resolved again, and a linker is resolved in full only if
    one of them now lands elsewhere (or reports a problem).  ``changed`` notes are
    resolved again in any case.
    """
    graph = model.graph
    for key in keys:
        watched = (
            watched | set(model.vault.by_alias.get(key, ())) | set(vault.by_alias.get(key, ()))
        )
        watched |= {p for p, _ in model.vault.by_card_title.get(key, ())}
        watched |= {p for p, _ in vault.by_card_title.get(key, ())}
    # a holder of a name too: its links to itself are not backlinks
    candidates = set(watched) | {b.source for p in watched for b in graph.backlinks(p)}
    for name, referrers in graph.missing.items():
        if name_key(name) in keys:
            candidates |= {p for p, _ in referrers}
    targets = model.resolution.targets
    problems = model.resolution.problems
    return {
        path
        for path in candidates - changed  # resolved again anyway
        if lands_elsewhere(
            vault, vault.notes[path], targets[path], watched, keys, problems.get(path, ())
        )
    }


def _patched_vault(vault: Vault, replaced: dict[VaultPath, Note], renamed: bool) -> Vault:
    notes = dict(vault.notes)
    notes.update(replaced)
    blocks = dict(vault.blocks)
    for path, note in replaced.items():
        blocks.pop(path, None)
        if note.blocks:
            blocks[path] = {b.id.casefold(): b for b in reversed(note.blocks)}
    headings = {p: h for p, h in vault.heading_cache.items() if p not in replaced}
    diagnostics = tuple(d for d in vault.diagnostics if d.code != "duplicate-card")
    patched = dataclasses.replace(vault, notes=notes, blocks=blocks, heading_cache=headings)
    if renamed:  # aliases or card titles moved: their tables (and card page URLs) follow
        patched = dataclasses.replace(patched, **name_tables(notes))
    return dataclasses.replace(patched, diagnostics=diagnostics + duplicate_cards(patched))


def _diagnostics(model: Model, vault: Vault, resolution: Resolution) -> tuple[Diagnostic, ...]:
    notes = vault.notes
    problems = [d for d in model.diagnostics if d.file not in notes and d.code == "unreadable-file"]
    problems += [d for n in notes.values() for d in n.diagnostics]
    problems += [*vault.diagnostics, *resolution.diagnostics]
    return tuple(sorted(problems, key=sort_key))


def _embeds(note: Note, targets: tuple[Target, ...]) -> tuple[tuple[int, VaultPath | None], ...]:
    return tuple(
        (link.line, t.path)
        for link, t in zip(note.links, targets, strict=True)
        if link.kind == "embed" and t.kind == "note"
    )


def _patched_views(
    views: Views, model: Model, paths: set[VaultPath], embeds_changed: bool, authors_changed: bool
) -> Views:
    """Views of ``paths`` again; every view when author URLs or embed cycles moved."""
    urls = author_urls(model) if authors_changed else views.author_urls
    cyclic, problems = views.cyclic, views.diagnostics
    if embeds_changed or paths & views.cyclic:  # cycle reports carry line numbers
        cyclic, problems = embed_cycles(model)
    changed_urls = any(views.author_urls.get(k, u) != u for k, u in urls.items())
    builder = ViewBuilder(model, views.published, urls, cyclic)
    redo = set(model.vault.notes) if changed_urls or cyclic != views.cyclic else paths
    notes = dict(views.notes)
    for path in redo:
        notes[path] = builder.note(model.vault.notes[path])
    return Views(notes, views.published, urls, cyclic, problems)
