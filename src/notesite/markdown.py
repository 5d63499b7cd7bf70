"""The one configured markdown-it-py parser, and rendering to a ``Fragment``.

CommonMark plus what Obsidian users write: GFM tables, strikethrough, task lists,
autolinks and footnotes, ``==highlight==``, ``%%comments%%``, callouts, math, and
the vault syntax (wikilinks, embeds, tags, block ids, paper cards).  Rules nobody
writes in a vault are disabled because every enabled rule costs time on every
character.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from .autolinks import autolinks_plugin
from .blockids import blockids_plugin
from .callouts import callouts_plugin
from .cards import cards_plugin
from .collect import collect_plugin
from .comments import comments_plugin
from .highlight import highlight
from .highlights import highlights_plugin
from .mathml import math_plugin
from .model import HOLE, Fragment
from .tags import tags_plugin
from .wikilinks import wikilinks_plugin

# Bumped whenever parsing or rendering changes output, so caches are invalidated.
MARKDOWN_VERSION = "2"


def _heading_open(
    self: object, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    anchor = escapeHtml(str(token.attrGet("id") or ""))
    block = token.meta.get("block_id")
    before = f'<span class="block-anchor" id="^{escapeHtml(block)}"></span>' if block else ""
    return f'{before}<{token.tag} id="{anchor}">'


def _heading_close(
    self: object, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    opener = tokens[idx - 2]
    anchor = escapeHtml(str(opener.attrGet("id") or ""))
    link = f' <a class="anchor" href="#{anchor}" aria-label="Link to this section">#</a>'
    return f"{link}</{tokens[idx].tag}>\n"


def _link_open(
    self: object, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    ref = token.meta.get("ref")
    if ref is not None:
        return f"{HOLE}O{ref}{HOLE}"
    href = escapeHtml(str(token.attrGet("href") or ""))
    return f'<a class="external" href="{href}" rel="noopener">'


def _link_close(
    self: object, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    for j in range(idx - 1, -1, -1):
        if tokens[j].type == "link_open" and tokens[j].level == tokens[idx].level:
            ref = tokens[j].meta.get("ref")
            return f"{HOLE}C{ref}{HOLE}" if ref is not None else "</a>"
    return "</a>"


def _image(
    self: object, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    ref = token.meta.get("ref")
    if ref is not None:
        return f"{HOLE}I{ref}{HOLE}"
    src = escapeHtml(str(token.attrGet("src") or ""))
    return f'<img src="{src}" alt="{escapeHtml(token.content)}" loading="lazy">'


@lru_cache(maxsize=1)
def make_markdown() -> MarkdownIt:
    """The parser every note goes through (one per process, built once)."""
    md = MarkdownIt(
        "commonmark",
        {"html": True, "linkify": False, "typographer": False, "highlight": highlight},
    )
    md.enable(["table", "strikethrough"])
    md.options["tasklists"] = True
    md.use(front_matter_plugin)
    md.use(footnote_plugin)
    md.use(autolinks_plugin)
    md.use(highlights_plugin)
    md.use(math_plugin)
    md.use(comments_plugin)
    md.use(wikilinks_plugin)
    md.use(tags_plugin)
    md.use(callouts_plugin)
    md.use(cards_plugin)
    md.use(blockids_plugin)
    md.use(collect_plugin)
    md.add_render_rule("heading_open", _heading_open)
    md.add_render_rule("heading_close", _heading_close)
    md.add_render_rule("link_open", _link_open)
    md.add_render_rule("link_close", _link_close)
    md.add_render_rule("image", _image)
    return md


def to_fragment(html: str) -> Fragment:
    """Split rendered HTML at its holes and index the slicing marks."""
    parts = html.split(HOLE)
    marks: dict[int, int] = {}
    for k in range(1, len(parts), 2):
        if parts[k][0] == "M":
            marks[int(parts[k][1:])] = k
    return Fragment(html, tuple(marks[n] for n in range(len(marks))))
