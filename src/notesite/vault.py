"""Index stage: the lookup tables link resolution and the site need.

Built once from the parsed notes: notes by name, path and alias, cards by title,
attachments by name, each note's headings and block ids, and the URL of every
note and card (slug collisions are resolved here, deterministically).
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .diagnostics import Code, Diagnostic
from .model import Block, Note
from .paths import Url, VaultPath, card_url, heading_key, name_key, note_url, slugify

CardKey = tuple[VaultPath, int]


def path_key(path: str) -> str:
    """Case-insensitive path without the ``.md`` suffix: ``Papers/DPO.md`` -> ``papers/dpo``."""
    lower = path.casefold()
    return lower[:-3] if lower.endswith(".md") else lower


def _unique(url: str, taken: set[str]) -> str:
    base = url.rstrip("/")
    candidate, n = url, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}/", n + 1
    taken.add(candidate)
    return candidate


@dataclass(frozen=True)
class Vault:
    notes: dict[VaultPath, Note]
    assets: tuple[VaultPath, ...]
    by_name: dict[str, tuple[VaultPath, ...]]
    by_path: dict[str, VaultPath]
    by_alias: dict[str, tuple[VaultPath, ...]]
    by_card_title: dict[str, tuple[CardKey, ...]]
    assets_by_name: dict[str, tuple[VaultPath, ...]]
    assets_by_path: dict[str, VaultPath]
    blocks: dict[VaultPath, dict[str, Block]]
    urls: dict[VaultPath, Url]
    card_urls: dict[CardKey, Url]
    diagnostics: tuple[Diagnostic, ...] = field(default=())
    heading_cache: dict[VaultPath, dict[str, tuple[int, ...]]] = field(
        default_factory=dict, repr=False, compare=False
    )
    _suffixes: dict[str, dict[str, tuple[VaultPath, ...]]] = field(
        default_factory=dict, repr=False, compare=False
    )

    @classmethod
    def index(cls, notes: Iterable[Note], assets: Iterable[VaultPath] = ()) -> Vault:
        by_path_notes = {n.path: n for n in sorted(notes, key=lambda n: n.path)}
        problems: list[Diagnostic] = []
        by_name: dict[str, list[VaultPath]] = defaultdict(list)
        by_alias: dict[str, list[VaultPath]] = defaultdict(list)
        by_card: dict[str, list[CardKey]] = defaultdict(list)
        blocks: dict[VaultPath, dict[str, Block]] = {}
        urls: dict[VaultPath, Url] = {}
        taken: set[str] = set()
        for path, note in by_path_notes.items():
            by_name[name_key(note.stem)].append(path)
            for alias in note.aliases:
                by_alias[name_key(alias)].append(path)
            for k, card in enumerate(note.cards):
                by_card[name_key(card.title)].append((path, k))
            if note.blocks:
                blocks[path] = {b.id.casefold(): b for b in reversed(note.blocks)}
            url = note_url(path)
            unique = _unique(url, taken)
            if unique != url:
                message = f"another note already publishes at /{url}; this one is at /{unique}"
                problems.append(Diagnostic.make(path, 1, Code.SLUG_COLLISION, message))
            urls[path] = Url(unique)
        card_urls = _card_urls(by_path_notes)
        asset_list = tuple(sorted(assets))
        assets_by_name: dict[str, list[VaultPath]] = defaultdict(list)
        for a in asset_list:
            assets_by_name[a.rsplit("/", 1)[-1].casefold()].append(a)
        vault = cls(
            notes=by_path_notes,
            assets=asset_list,
            by_name=_frozen(by_name),
            by_path={path_key(p): p for p in by_path_notes},
            by_alias=_frozen(by_alias),
            by_card_title={k: tuple(v) for k, v in by_card.items()},
            assets_by_name=_frozen(assets_by_name),
            assets_by_path={a.casefold(): a for a in asset_list},
            blocks=blocks,
            urls=urls,
            card_urls=card_urls,
            diagnostics=tuple(problems),
        )
        return dataclasses.replace(vault, diagnostics=vault.diagnostics + duplicate_cards(vault))

    def by_suffix(self, key: str) -> tuple[VaultPath, ...]:
        """Notes whose path ends in ``/<key>`` (for ``[[folder/Note]]``); built on first use."""
        if "notes" not in self._suffixes:
            self._suffixes["notes"] = _suffixes((path_key(p), p) for p in self.notes)
        return self._suffixes["notes"].get(key, ())

    def assets_by_suffix(self, key: str) -> tuple[VaultPath, ...]:
        if "assets" not in self._suffixes:
            self._suffixes["assets"] = _suffixes((a.casefold(), a) for a in self.assets)
        return self._suffixes["assets"].get(key, ())

    def note(self, path: VaultPath) -> Note:
        return self.notes[path]

    def heading_index(self, path: VaultPath) -> dict[str, tuple[int, ...]]:
        """Headings of a note by normalised text, built on first use (most notes are
        never the target of a heading link)."""
        cached = self.heading_cache.get(path)
        if cached is None:
            keys: dict[str, list[int]] = defaultdict(list)
            for j, h in enumerate(self.notes[path].headings):
                keys[heading_key(h.text)].append(j)
            cached = self.heading_cache[path] = {k: tuple(v) for k, v in keys.items()}
        return cached

    def block(self, path: VaultPath, block_id: str) -> Block | None:
        return self.blocks.get(path, {}).get(block_id.casefold())


def _suffixes(keyed: Iterable[tuple[str, VaultPath]]) -> dict[str, tuple[VaultPath, ...]]:
    table: dict[str, list[VaultPath]] = defaultdict(list)
    for key, path in keyed:
        parts = key.split("/")
        for k in range(1, len(parts)):
            table["/".join(parts[k:])].append(path)
    return _frozen(table)


def _frozen(table: dict[str, list[VaultPath]]) -> dict[str, tuple[VaultPath, ...]]:
    return {k: tuple(v) for k, v in table.items()}


def name_tables(notes: dict[VaultPath, Note]) -> dict[str, Any]:
    """The alias and card-title tables and card page URLs, for ``dataclasses.replace``."""
    by_alias: dict[str, list[VaultPath]] = defaultdict(list)
    by_card: dict[str, list[CardKey]] = defaultdict(list)
    for path, note in notes.items():
        for alias in note.aliases:
            by_alias[name_key(alias)].append(path)
        for k, card in enumerate(note.cards):
            by_card[name_key(card.title)].append((path, k))
    return {
        "by_alias": _frozen(by_alias),
        "by_card_title": {k: tuple(v) for k, v in by_card.items()},
        "card_urls": _card_urls(notes),
    }


def duplicate_cards(vault: Vault) -> tuple[Diagnostic, ...]:
    """One warning per card whose title an earlier card (in path order) already has."""
    problems = []
    for keys in vault.by_card_title.values():
        if len(keys) < 2:
            continue
        first = keys[0]
        where = f"{first[0]}:{vault.notes[first[0]].cards[first[1]].line}"
        for path, k in keys[1:]:
            card = vault.notes[path].cards[k]
            message = f"card title {card.title!r} is also used at {where}"
            problems.append(Diagnostic.make(path, card.line, Code.DUPLICATE_CARD, message))
    return tuple(problems)


def _card_urls(notes: dict[VaultPath, Note]) -> dict[CardKey, Url]:
    """A page per card, at ``papers/<title slug>/`` (``-2``, ``-3``… for repeats)."""
    urls: dict[CardKey, Url] = {}
    taken: set[str] = set()
    for path, note in notes.items():
        for k, card in enumerate(note.cards):
            slug = slugify(card.title)[:80].strip("-") or "paper"
            urls[(path, k)] = Url(_unique(card_url(slug), taken))
    return urls
