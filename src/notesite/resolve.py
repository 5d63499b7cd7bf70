"""Resolve stage: every ``LinkRef`` -> a ``Target``, by Obsidian's rules.

Names match case-insensitively; a name with a folder matches by path suffix;
among several files with one name the linking note's folder wins, then the
shortest path, then the alphabetically first (and the ambiguity is reported);
then frontmatter aliases; then, for a name no note has, a card title.  Heading
and block targets are checked against the target's real headings and block ids.
A link that climbs out of the vault is refused without touching the disk.
"""

from __future__ import annotations

import posixpath
from collections import Counter
from dataclasses import dataclass
from typing import Literal, NamedTuple

from .diagnostics import Code, Diagnostic
from .model import LinkRef, Note
from .paths import VaultPath, heading_key, name_key
from .vault import Vault, path_key

TargetKind = Literal["note", "asset", "missing", "missing-asset", "outside"]
# Extensions that make an unresolved ``[[name.ext]]`` a missing attachment rather
# than a missing note.
ASSET_EXTENSIONS = frozenset(
    (
        "png jpg jpeg gif svg webp avif bmp ico pdf mp3 mp4 webm ogg wav m4a mov "
        "ipynb csv json txt zip tex bib py"
    ).split()
)


class Target(NamedTuple):
    kind: TargetKind
    path: VaultPath | None = None
    anchor: str = ""
    """Fragment id on the target page (heading anchor or ``^block``)."""
    heading: int | None = None
    block: str | None = None
    card: int | None = None
    """Card of the target note the link lands in, if any."""
    name: str = ""
    """For missing targets: the name as written, which keys the missing node."""


@dataclass(frozen=True, slots=True)
class Resolution:
    targets: dict[VaultPath, tuple[Target, ...]]
    problems: dict[VaultPath, tuple[Diagnostic, ...]]
    """Resolution problems per linking note (so one note can be re-resolved alone)."""

    @property
    def diagnostics(self) -> tuple[Diagnostic, ...]:
        return tuple(d for path in sorted(self.problems) for d in self.problems[path])


def _pick(candidates: tuple[VaultPath, ...], folder: str) -> VaultPath:
    if len(candidates) == 1:
        return candidates[0]
    same = [c for c in candidates if posixpath.dirname(c) == folder]
    if same:
        return same[0]
    return min(candidates, key=lambda c: (c.count("/"), len(c), c))


class _Resolver:
    def __init__(self, vault: Vault) -> None:
        self.vault = vault
        self.problems: list[Diagnostic] = []

    def report(self, note: Note, link: LinkRef, code: Code, message: str) -> None:
        self.problems.append(Diagnostic.make(note.path, link.line, code, message, link.raw))

    def note_by_name(self, note: Note, link: LinkRef, name: str) -> Target | None:
        v = self.vault
        key = name_key(name)
        if key.endswith(".md"):
            key = key[:-3]
        if "/" in key:
            exact = v.by_path.get(key.lstrip("/"))
            suffix = v.by_suffix(key.lstrip("/"))
            candidates = (exact,) if exact else suffix
        else:
            candidates = v.by_name.get(key, ())
        if not candidates:
            candidates = v.by_alias.get(key, ())
        if candidates:
            chosen = _pick(candidates, note.folder)
            if len(candidates) > 1:
                others = ", ".join(c for c in candidates if c != chosen)
                self.report(
                    note,
                    link,
                    Code.AMBIGUOUS_LINK,
                    f"[[{name}]] could be {chosen} or {others}; using {chosen}",
                )
            return Target("note", chosen)
        cards = v.by_card_title.get(key, ())
        if cards:
            path, k = cards[0]
            if len(cards) > 1:
                self.report(
                    note,
                    link,
                    Code.AMBIGUOUS_LINK,
                    f"[[{name}]] matches {len(cards)} card titles; using the one in {path}",
                )
            return Target("note", path, v.notes[path].cards[k].anchor, card=k)
        return None

    def asset(self, note: Note, link: LinkRef, name: str) -> Target | None:
        v = self.vault
        relative = posixpath.normpath(posixpath.join(note.folder, name)).casefold()
        found = v.assets_by_path.get(relative) or v.assets_by_path.get(name.lstrip("/").casefold())
        if found is None:
            key = name.casefold()
            if "/" in key:
                suffix = v.assets_by_suffix(key)
                found = _pick(suffix, note.folder) if suffix else None
            elif key in v.assets_by_name:
                found = _pick(v.assets_by_name[key], note.folder)
        return Target("asset", found) if found else None

    def escapes(self, note: Note, path: str) -> bool:
        if ".." not in path.split("/") and not path.startswith("/"):
            return False
        joined = posixpath.normpath(posixpath.join(note.folder, path.lstrip("/")))
        return joined == ".." or joined.startswith("../")

    def resolve(self, note: Note, link: LinkRef) -> Target:
        path = link.path
        if path and self.escapes(note, path):
            self.report(
                note,
                link,
                Code.OUTSIDE_VAULT,
                f"link to {path!r} points outside the vault; not followed",
            )
            return Target("outside", name=path)
        if not path:
            base: Target | None = Target("note", note.path)
        elif link.kind == "image":
            base = self.asset(note, link, path)
        elif link.kind == "mdlink":
            base = self.markdown_target(note, link, path)
        else:
            base = self.asset(note, link, path) if _has_asset_suffix(path) else None
            base = base or self.note_by_name(note, link, path)
        if base is None:
            return self.missing(note, link, path)
        if base.kind == "note" and base.path is not None and (link.headings or link.block):
            return self.fragment(note, link, base)
        if base.kind == "note" and base.path is not None and base.card is None:
            target = self.vault.notes[base.path]
            if any(c.from_frontmatter for c in target.cards):
                return Target("note", base.path, card=len(target.cards) - 1)
        return base

    def markdown_target(self, note: Note, link: LinkRef, path: str) -> Target | None:
        joined = posixpath.normpath(posixpath.join(note.folder, path.lstrip("/")))
        for candidate in (joined, path.lstrip("/")):
            found = self.vault.by_path.get(path_key(candidate))
            if found:
                return Target("note", found)
        asset = self.asset(note, link, path)
        if asset:
            return asset
        if path.lower().endswith(".md") or "." not in path.rsplit("/", 1)[-1]:
            return self.note_by_name(
                note, link, posixpath.basename(path) if "/" not in path else path
            )
        return None

    def missing(self, note: Note, link: LinkRef, path: str) -> Target:
        if (
            link.kind == "image"
            or _has_asset_suffix(path)
            or (
                link.kind == "mdlink"
                and not path.lower().endswith(".md")
                and "." in path.rsplit("/", 1)[-1]
            )
        ):
            self.report(
                note, link, Code.MISSING_ASSET, f"attachment {path!r} not found in the vault"
            )
            return Target("missing-asset", name=path)
        name = path[:-3] if path.lower().endswith(".md") else path
        self.report(
            note, link, Code.DANGLING_LINK, f"[[{name}]] does not match any note, alias or card"
        )
        return Target("missing", name=name)

    def fragment(self, note: Note, link: LinkRef, base: Target) -> Target:
        assert base.path is not None
        target = self.vault.notes[base.path]
        if link.block:
            block = self.vault.block(base.path, link.block)
            if block is None:
                self.report(
                    note, link, Code.MISSING_BLOCK, f"no block ^{link.block} in {base.path}"
                )
                return base
            card = _card_at(target, block.start)
            return Target("note", base.path, "^" + block.id, block=block.id, card=card)
        index = self.heading_index(base.path, link.headings)
        if index is None:
            wanted = "#".join(link.headings)
            self.report(note, link, Code.MISSING_HEADING, f"no heading {wanted!r} in {base.path}")
            return base
        heading = target.headings[index]
        return Target(
            "note", base.path, heading.anchor, heading=index, card=_card_at(target, heading.mark)
        )

    def heading_index(self, path: VaultPath, chain: tuple[str, ...]) -> int | None:
        note = self.vault.notes[path]
        candidates = self.vault.heading_index(path).get(heading_key(chain[-1]), ())
        for index in candidates:
            if _has_ancestors(note, index, chain[:-1]):
                return index
        return None


def _has_ancestors(note: Note, index: int, chain: tuple[str, ...]) -> bool:
    """Whether the headings above ``index`` contain ``chain`` in order (for ``#H2#H3``)."""
    wanted = [heading_key(h) for h in chain]
    level = note.headings[index].level
    for h in reversed(note.headings[:index]):
        if not wanted:
            break
        if h.level < level:
            level = h.level
            if heading_key(h.text) == wanted[-1]:
                wanted.pop()
    return not wanted


def _card_at(note: Note, mark: int) -> int | None:
    for k, card in enumerate(note.cards):
        if card.from_frontmatter or card.start <= mark < card.end:
            return k
    return None


def _has_asset_suffix(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return "." in name and name.rsplit(".", 1)[-1].lower() in ASSET_EXTENSIONS


def resolve_note(vault: Vault, note: Note) -> tuple[tuple[Target, ...], tuple[Diagnostic, ...]]:
    """One note's links, resolved against the whole vault."""
    resolver = _Resolver(vault)
    targets = tuple(resolver.resolve(note, link) for link in note.links)
    return targets, tuple(resolver.problems)


def resolve(vault: Vault) -> Resolution:
    """Resolve every link of every note (linear in the number of links)."""
    resolver = _Resolver(vault)
    targets: dict[VaultPath, tuple[Target, ...]] = {}
    problems: dict[VaultPath, tuple[Diagnostic, ...]] = {}
    for path, note in vault.notes.items():
        targets[path] = tuple(resolver.resolve(note, link) for link in note.links)
        if resolver.problems:
            problems[path] = tuple(resolver.problems)
            resolver.problems.clear()
    return Resolution(targets, problems)


def lands_elsewhere(
    vault: Vault,
    note: Note,
    targets: tuple[Target, ...],
    watched: set[VaultPath],
    names: set[str],
    problems: tuple[Diagnostic, ...],
) -> bool:
    """Whether a link of ``note`` that landed in a ``watched`` note (or dangled with one
    of ``names``, as name keys) resolves differently in ``vault`` now, or reports other
    problems than it did (``problems``: the note's): the note must then be resolved
    again in full."""
    resolver = _Resolver(vault)
    checked: set[tuple[int, str]] = set()
    for link, old in zip(note.links, targets, strict=True):
        if old.path in watched or (old.kind == "missing" and name_key(old.name) in names):
            if resolver.resolve(note, link) != old:
                return True
            checked.add((link.line, link.raw))
    # a problem is reported at its link's line, naming the link as written
    before = Counter(d for d in problems if (d.line, d.target) in checked)
    return before != Counter(resolver.problems)
