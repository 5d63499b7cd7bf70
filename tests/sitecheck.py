"""Crawl a built site: every href/src must resolve to a file, every #fragment to an id."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from selectolax.lexbor import LexborHTMLParser as HTMLParser

LINK_ATTRS = (("a", "href"), ("link", "href"), ("img", "src"), ("script", "src"), ("object", "data"),
              ("audio", "src"), ("video", "src"), ("source", "src"), ("form", "action"))  # fmt: skip


@dataclass
class Crawl:
    root: Path
    base_path: str = "/"
    problems: list[str] = field(default_factory=list)
    links: int = 0

    def html(self, rel: str) -> HTMLParser:
        return _parse(self.root / rel)

    def ids(self, rel: str) -> frozenset[str]:
        return _ids(self.root / rel)

    def target_file(self, path: str) -> str | None:
        candidate = self.root / path
        if path == "" or path.endswith("/") or candidate.is_dir():
            candidate = candidate / "index.html"
        if candidate.is_file():
            return candidate.relative_to(self.root).as_posix()
        return None

    def check_page(self, rel: str) -> None:
        page_dir = posixpath.dirname(rel)
        tree = self.html(rel)
        for tag, attr in LINK_ATTRS:
            for node in tree.css(f"{tag}[{attr}]"):
                value = node.attributes.get(attr) or ""
                self.check_link(rel, page_dir, value, tag)

    def check_link(self, rel: str, page_dir: str, value: str, tag: str) -> None:
        parts = urlsplit(value)
        if parts.scheme or value.startswith("//"):
            return  # external
        self.links += 1
        path = unquote(parts.path)
        if path.startswith("/"):
            if not path.startswith(self.base_path):
                self.problems.append(f"{rel}: {value!r} is outside the base path {self.base_path}")
                return
            target = path[len(self.base_path) :]
        elif path == "":
            target = rel
        else:
            trailing = "/" if path.endswith("/") else ""
            target = posixpath.normpath(posixpath.join(page_dir, path)) + trailing
            if target.startswith(".."):
                self.problems.append(f"{rel}: {value!r} climbs above the site root")
                return
            target = "" if target in (".", "./") else target
        found = self.target_file(target)
        if found is None:
            self.problems.append(f"{rel}: <{tag}> {value!r} -> missing file {target!r}")
            return
        fragment = unquote(parts.fragment)
        if fragment and found.endswith(".html") and fragment not in self.ids(found):
            self.problems.append(f"{rel}: {value!r} -> no id {fragment!r} in {found}")


@lru_cache(maxsize=4096)
def _parse(path: Path) -> HTMLParser:
    return HTMLParser(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=4096)
def _ids(path: Path) -> frozenset[str]:
    return frozenset(n.attributes.get("id") or "" for n in _parse(path).css("[id]"))


def crawl(root: Path, base_path: str = "/") -> Crawl:
    """Check every page of the site at ``root``; problems are listed, not raised."""
    result = Crawl(root, base_path)
    for page in sorted(root.rglob("*.html")):
        result.check_page(page.relative_to(root).as_posix())
    return result


def raw_wikilinks(root: Path) -> list[str]:
    """Text outside code that still shows ``[[`` (a link that was not rendered)."""
    found = []
    for page in sorted(root.rglob("*.html")):
        tree = _parse(page)
        for node in tree.css("code, pre, script, style, math"):
            node.decompose()
        body = tree.body
        text = body.text() if body is not None else ""
        if "[[" in text:
            at = text.index("[[")
            found.append(f"{page.relative_to(root)}: ...{text[max(0, at - 40) : at + 60]!r}")
    return found
