"""Parse stage: one ``SourceFile`` -> one frozen ``Note``, in a single markdown-it pass.

The parse renders the body too (as a ``Fragment`` with holes for everything that
depends on other notes), so no note is ever parsed twice in a build.  A note is a
pure function of its bytes and path: it can be cached by hash and made in any
worker process.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import yaml
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token

from .cards import paper_link, split_authors
from .diagnostics import Code, Diagnostic
from .facts import Facts
from .markdown import make_markdown, to_fragment
from .mathml import to_mathml
from .model import Card, Note, TagRef
from .search import weigh, weigh_card
from .sources import SourceFile

# Fences nested in lists or quotes close with deeper indentation or "> " prefixes.
_FENCE_CLOSE = re.compile(r"^[\s>]*(`{3,}|~{3,})\s*$")
# The C loader is ~10x faster; fall back where PyYAML was built without libyaml.
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _plain(value: Any) -> Any:
    """YAML values as JSON-safe data (dates become ISO strings) for templates and caches."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def _strings(value: Any, separators: str = r",") -> tuple[str, ...]:
    """A frontmatter list that users also write as one string (``"a, b"``)."""
    if value is None:
        return ()
    if isinstance(value, str):
        value = re.split(separators, value)
    if not isinstance(value, list):
        value = [value]
    return tuple(str(v).strip().lstrip("#") for v in value if v is not None and str(v).strip())


def _frontmatter(
    source: SourceFile, tokens: list[Token]
) -> tuple[dict[str, Any], list[Diagnostic], str]:
    """The mapping, its problems, and HTML that shows broken YAML instead of losing it."""
    path = source.path
    text = source.text or ""
    if not tokens or tokens[0].type != "front_matter":
        if text.startswith("---\n") or text.startswith("---\r\n"):
            message = "frontmatter opened on line 1 is never closed with ---; shown as text"
            return {}, [Diagnostic.make(path, 1, Code.BAD_FRONTMATTER, message)], ""
        return {}, [], ""
    raw = tokens[0].content
    try:
        data = yaml.load(raw, Loader=_Loader) if raw.strip() else {}
    except yaml.YAMLError as exc:
        # an unclosed [ or { is reported where YAML gave up; where it opened is the
        # line the user must fix
        mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        message = f"invalid YAML in frontmatter: {problem}; shown as text, properties ignored"
        shown = f'<pre class="frontmatter-error">{escapeHtml(raw)}</pre>\n'
        return {}, [Diagnostic.make(path, line, Code.BAD_FRONTMATTER, message)], shown
    if data is None:
        data = {}
    if not isinstance(data, dict):
        message = "frontmatter must be a mapping of key: value; properties ignored"
        shown = f'<pre class="frontmatter-error">{escapeHtml(raw)}</pre>\n'
        return {}, [Diagnostic.make(path, 2, Code.BAD_FRONTMATTER, message)], shown
    return _plain(data), [], ""


def _unterminated_fences(source: SourceFile, tokens: list[Token]) -> list[Diagnostic]:
    lines = (source.text or "").splitlines()
    problems = []
    for token in tokens:
        if token.type != "fence" or not token.map:
            continue
        last = token.map[1] - 1
        found = _FENCE_CLOSE.match(lines[last]) if token.map[0] < last < len(lines) else None
        closed = found and found.group(1).startswith(token.markup)
        if not closed:
            message = f"code fence {token.markup} opened here is never closed; it runs to the end of the note"
            problems.append(
                Diagnostic.make(source.path, token.map[0] + 1, Code.UNTERMINATED_FENCE, message)
            )
    return problems


def _title(meta: dict[str, Any], facts: Facts, stem: str) -> str:
    if isinstance(meta.get("title"), str | int | float) and str(meta["title"]).strip():
        return str(meta["title"]).strip()
    h1s = [h for h in facts.headings if h.level == 1 and h.top]
    if len(h1s) == 1 and facts.headings and facts.headings[0] is h1s[0] and h1s[0].line <= 8:
        return h1s[0].text
    return stem


def _frontmatter_card(meta: dict[str, Any], title: str, tags: tuple[str, ...]) -> Card | None:
    if not any(k in meta for k in ("paper", "authors", "talk")):
        return None
    authors_value = meta.get("authors")
    if isinstance(authors_value, list):
        authors_value = ", ".join(str(a) for a in authors_value)
    authors, et_al = split_authors(str(authors_value or ""))
    paper = paper_link(str(meta.get("paper") or ""))
    talk = paper_link(str(meta.get("talk") or ""))
    return Card(
        title=title, anchor="", block_id=None, level=0, line=1, start=-1, end=-1,
        tags=tags, authors=authors, et_al=et_al, paper=paper,
        talk=talk.url if talk else "", from_frontmatter=True,
    )  # fmt: skip


def parse_note(source: SourceFile, render: bool = True) -> Note:
    """Parse and render one note; never raises on bad input.

    ``render=False`` (``notesite check``) keeps the facts and the problems but
    renders nothing: no HTML, no search weights."""
    md = make_markdown()
    text = source.text or ""
    env: dict[str, Any] = {}
    tokens = md.parse(text, env)
    html = md.renderer.render(tokens, md.options, env) if render else ""
    facts: Facts = env["facts"]
    if not render:
        env["math_errors"] = [
            (m, line) for m, display, line in facts.math if to_mathml(m.strip(), display) is None
        ]
    meta, problems, shown = _frontmatter(source, tokens)
    problems += _unterminated_fences(source, tokens)
    for latex, line in env.get("math_errors", ()):
        message = f"cannot convert math to MathML, shown as source: {latex[:80]}"
        problems.append(Diagnostic.make(source.path, line, Code.BAD_MATH, message))
    fragment = to_fragment(shown + html) if shown else to_fragment(html)
    stem = source.path.rsplit("/", 1)[-1][:-3]
    title = _title(meta, facts, stem)
    fm_tags = _strings(meta.get("tags"), r"[,\s]+")
    tags = tuple(TagRef(t, 1) for t in fm_tags) + tuple(facts.tags)
    cards = tuple(facts.cards)
    if (fm_card := _frontmatter_card(meta, title, fm_tags)) is not None:
        cards = (*cards, fm_card)  # last, so card indices in links stay valid
    if render:
        cards = tuple(weigh_card(card) for card in cards)
    publish = not (meta.get("draft") is True or meta.get("publish") is False)
    date = str(meta["date"])[:10] if meta.get("date") else None
    body_text = "\n".join(facts.text)
    return Note(
        path=source.path,
        title=title,
        content_hash=source.content_hash,
        frontmatter=meta,
        aliases=_strings(meta.get("aliases") or meta.get("alias")),
        tags=tags,
        links=tuple(facts.links),
        headings=tuple(facts.headings),
        blocks=tuple(facts.blocks),
        cards=cards,
        date=date,
        publish=publish,
        fragment=fragment,
        text=body_text,
        words=len(body_text.split()),
        weights=weigh(title, body_text) if render else ("", b""),
        diagnostics=source.diagnostics + tuple(problems),
    )
