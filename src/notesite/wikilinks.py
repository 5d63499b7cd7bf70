"""Obsidian wikilinks and embeds as a markdown-it-py plugin.

``[[Note]]``, ``[[Note|alias]]``, ``[[Note#Heading]]``, ``[[Note#H2#H3]]``,
``[[#Heading]]``, ``[[Note#^block]]``, ``[[folder/Note.md]]`` and the embed forms
``![[…]]`` (``![[image.png|300]]`` sizes an image).  The inline rules only
recognise the syntax and push ``wikilink`` / ``embed`` tokens; the collector
registers each as a ``LinkRef`` and the render rules emit a hole that is filled
once the link is resolved.  Because these are inline rules, ``[[…]]`` inside code
spans, code blocks and math is never seen.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from .model import HOLE

_SIZE = re.compile(r"^\s*(\d+)\s*(?:x\s*(\d+)\s*)?$")
_MARKUP = re.compile(r"[*_`~=]+")


@dataclass(frozen=True, slots=True)
class WikiTarget:
    path: str
    headings: tuple[str, ...] = ()
    block: str | None = None
    label: str | None = None
    width: int | None = None
    height: int | None = None

    def display(self) -> str:
        """What Obsidian shows for a link without an alias: ``Note › Heading``."""
        if self.label:
            return self.label
        parts = [self.path] if self.path else []
        parts += [_MARKUP.sub("", h).strip() for h in self.headings]
        if self.block:
            parts.append("^" + self.block)
        return " › ".join(p for p in parts if p)


def parse_target(inner: str, embed: bool = False) -> WikiTarget:
    """Split the text between ``[[`` and ``]]`` into its parts."""
    # Outside tables Obsidian also reads ``\|`` as the alias separator.
    target, bar, label = inner.replace("\\|", "|").partition("|")
    width = height = None
    if embed and bar and (size := _SIZE.match(label)):
        width = int(size.group(1))
        height = int(size.group(2)) if size.group(2) else None
        label = ""
    path, *rest = target.split("#")
    block = None
    headings: tuple[str, ...] = ()
    subs = [s.strip() for s in rest if s.strip()]
    if subs and subs[0].startswith("^"):
        block = subs[0][1:].strip() or None
    else:
        headings = tuple(subs)
    return WikiTarget(path.strip(), headings, block, label.strip() or None, width, height)


def _scan(state: StateInline, start: int) -> int:
    """Position of the closing ``]]`` for a ``[[`` at ``start``, or -1."""
    src = state.src
    if not src.startswith("[[", start) or state.linkLevel > 0:
        return -1
    end = src.find("]]", start + 2, state.posMax)
    if end < 0:
        return -1
    inner = src[start + 2 : end]
    if not inner.strip() or "\n" in inner or "[[" in inner:
        return -1
    return end


def _wikilink(state: StateInline, silent: bool) -> bool:
    end = _scan(state, state.pos)
    if end < 0:
        return False
    if not silent:
        token = state.push("wikilink", "", 0)
        token.content = state.src[state.pos + 2 : end]
        token.meta = {"target": parse_target(token.content)}
    state.pos = end + 2
    return True


def _embed(state: StateInline, silent: bool) -> bool:
    if state.src[state.pos] != "!":
        return False
    end = _scan(state, state.pos + 1)
    if end < 0:
        return False
    if not silent:
        token = state.push("embed", "", 0)
        token.content = state.src[state.pos + 3 : end]
        token.meta = {"target": parse_target(token.content, embed=True)}
    state.pos = end + 2
    return True


def _hole(code: str) -> Callable[..., str]:
    def render(
        self: object, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        token = tokens[idx]
        ref = token.meta.get("ref")
        if ref is None:  # not registered (e.g. inside an image alt text): show as text
            return escapeHtml(token.meta["target"].display())
        if code == "E" and not token.meta.get("block"):
            return f"{HOLE}e{ref}{HOLE}"  # an embed mid-sentence
        return f"{HOLE}{code}{ref}{HOLE}"

    return render


def wikilinks_plugin(md: MarkdownIt) -> None:
    """Recognise ``[[…]]`` links and ``![[…]]`` embeds."""
    md.inline.ruler.before("link", "wikilink", _wikilink)
    md.inline.ruler.before("image", "embed", _embed)
    md.add_render_rule("wikilink", _hole("L"))
    md.add_render_rule("embed", _hole("E"))
