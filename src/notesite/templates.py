"""Jinja2 templates: the package's defaults, overridable file by file from the vault.

Like MkDocs' ``custom_dir``: a vault's ``templates/`` folder is searched first, so
a user can replace ``note.html`` or add ``static/custom.css`` without copying the
theme.  Autoescaping is always on; only the already-rendered note body is marked
safe.  ``render_page`` is the worker-side entry point: it fills the note body for
the page's URL and renders the template to bytes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import jinja2
from markupsafe import Markup

from .diagnostics import Code, Diagnostic
from .model import Fragment
from .paths import Url, VaultPath, absolute_href, output_path, relative_href, static_url
from .render import Embedded, Filler, NoteView


def default_templates() -> Path:
    """The theme shipped with notesite (in the wheel, or the repo's ``templates/``)."""
    packaged = Path(__file__).parent / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "templates"


def template_search_path(root: Path, folder: str) -> tuple[str, ...]:
    """The vault's override folder (``folder``, from the config) first, then the
    theme notesite ships."""
    override = (root / folder).resolve()
    paths = [str(override)] if override.is_dir() else []
    return (*paths, str(default_templates()))


@dataclass(frozen=True, slots=True)
class Body:
    """A note's fragment to fill for a page, and the notes it transcludes."""

    fragment: Fragment
    view: NoteView
    embedded: dict[VaultPath, Embedded] = field(default_factory=dict)
    segments: tuple[tuple[int, int, int | None], ...] = ((0, -1, None),)
    """``(start, end, card)`` part ranges; a card index wraps the range in its section."""
    key: str = ""
    """Content hash of the note: with the views, all a page digest needs of the body."""


@dataclass(frozen=True, slots=True)
class Page:
    url: Url
    template: str
    context: dict[str, Any]
    body: Body | None = None
    absolute: bool = False
    """Use root-based hrefs (for ``404.html``, served at any URL)."""
    panels: dict[str, Any] | None = None
    """The side panels, rendered on their own by ``panels.html``: all a neighbour's
    title or tags can change on the page, so they are fingerprinted apart and can be
    replaced in the page's last bytes (``splice_panels``)."""


PANELS = "panels.html"
MACROS = "_macros.html"

Span = tuple[int, int]
"""Where the panels sit in a page's bytes."""


class Segment(NamedTuple):
    html: str
    card: int | None


@lru_cache(maxsize=4)
def environment(search_path: tuple[str, ...]) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(list(search_path)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
        lstrip_blocks=False,
        keep_trailing_newline=True,
        auto_reload=False,  # serve makes a new environment when a template changes
    )
    env.globals["static"] = static_url
    return env


def compile_templates(search_path: tuple[str, ...]) -> None:
    """Compile every page template now (a long-running server does it once)."""
    env = environment(search_path)
    for name in env.list_templates(extensions=["html"]):
        env.get_template(name)


def template_problem(exc: jinja2.TemplateError) -> Diagnostic:
    """A template that fails on a page, as a diagnostic at the template's line."""
    file, line = "", 0
    if isinstance(exc, jinja2.TemplateSyntaxError):
        file, line = exc.filename or exc.name or "", exc.lineno
    else:  # Jinja maps the frames of compiled templates back to their source lines
        tb = exc.__traceback__
        while tb is not None:
            name = tb.tb_frame.f_code.co_filename
            if name.endswith((".html", ".xml", ".txt")):
                file, line = name, tb.tb_lineno
            tb = tb.tb_next
    message = f"{type(exc).__name__}: {exc}"
    return Diagnostic.make(file or "templates", line, Code.TEMPLATE_ERROR, message)


def page_problems(failed: dict[str, Diagnostic], root: Path) -> tuple[Diagnostic, ...]:
    """Template failures (page URL -> problem), one per template line and error, with
    how many pages it hit; template paths relative to the vault for its overrides."""
    hits: dict[tuple[str, int, str], list[str]] = {}
    for url, problem in sorted(failed.items()):
        where = problem.file
        if Path(where).is_absolute() and Path(where).is_relative_to(root):
            where = Path(where).relative_to(root).as_posix()
        hits.setdefault((where, problem.line, problem.message), []).append(url)
    return tuple(
        Diagnostic.make(
            file,
            line,
            Code.TEMPLATE_ERROR,
            f"{error} (rendering /{urls[0]}"
            + (f" and {len(urls) - 1} more pages)" if len(urls) > 1 else ")"),
        )
        for (file, line, error), urls in sorted(hits.items())
    )


def template_fingerprint(search_path: tuple[str, ...]) -> str:
    """Hash of every template and static file, so caches notice theme changes."""
    digest = hashlib.blake2b(digest_size=12)
    for folder in search_path:
        root = Path(folder)
        if not root.is_dir():
            continue
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _href(page: Page, site: dict[str, Any]) -> Callable[..., str]:
    base_path = site["base_path"]

    def href(url: str, fragment: str = "") -> str:
        if page.absolute:
            return absolute_href(base_path, Url(url), fragment)
        return relative_href(page.url, Url(url), fragment)

    return href


def _panels(
    page: Page, env: jinja2.Environment, href: Callable[..., str], site: dict[str, Any]
) -> str:
    template = env.get_template(PANELS)
    return template.render(panels=page.panels, href=href, site=site, page_url=page.url)


class _Rows:
    """``row(macro, item)`` for a template: one row of a long listing (the papers
    table has one per card), rendered by a macro of ``_macros.html``.

    A row is a function of its item, so in a long-lived process (``serve``, see
    ``keep_rows``) rows rendered for the same page last time are reused: a
    10,000-card papers table is re-rendered for one changed title by rendering one
    row.  Rows live on the environment (new templates, new rows) and only the last
    render's are kept.
    """

    def __init__(self, env: jinja2.Environment, page: Page, href: Callable[..., str], site: Any):
        self.env, self.page, self.href, self.site = env, page, href, site
        self.cache: dict[str, dict[Any, Markup]] | None = env.__dict__.get("notesite_rows")
        self.previous = self.cache.get(page.url, {}) if self.cache is not None else {}
        self.current: dict[Any, Markup] = {}
        self.module: Any = None

    def __call__(self, name: str, item: Any) -> Markup:
        if self.cache is None:  # a one-shot build: nothing to reuse, nothing to keep
            return self.render(name, item)
        key = (name, item)
        try:
            html = self.previous.get(key)
        except TypeError:  # an item that cannot be a key is rendered every time
            return self.render(name, item)
        if html is None:
            html = self.render(name, item)
        self.current[key] = html
        return html

    def render(self, name: str, item: Any) -> Markup:
        if self.module is None:
            values = {"href": self.href, "site": self.site, "page_url": self.page.url}
            self.module = self.env.get_template(MACROS).make_module(values)
        macro = getattr(self.module, name, None)
        if macro is None:  # an override of _macros.html that lacks it
            raise jinja2.UndefinedError(f"{MACROS} has no macro {name!r}")
        return Markup(macro(item))

    def keep(self) -> None:
        if self.cache is not None and self.current:
            self.cache[self.page.url] = self.current


def keep_rows(search_path: tuple[str, ...]) -> None:
    """Keep rendered rows for the next render (a process that renders again and again)."""
    environment(search_path).__dict__.setdefault("notesite_rows", {})


def keeps_rows(search_path: tuple[str, ...]) -> bool:
    return "notesite_rows" in environment(search_path).__dict__


def render_page(
    page: Page, search_path: tuple[str, ...], site: dict[str, Any]
) -> tuple[str, bytes, Span | None]:
    """One page to ``(output path, bytes, where its panels are)``; pure, so it can run
    in any process."""
    env = environment(search_path)
    href = _href(page, site)
    rows = _Rows(env, page, href, site)
    context = dict(page.context)
    if page.body is not None:
        body = page.body
        filler = Filler(page.url, body.embedded)
        segments = [
            Segment(filler.fill(body.fragment, body.view, start, end), card)
            for start, end, card in body.segments
        ]
        context["segments"] = segments
        context["body"] = "".join(s.html for s in segments)
    panels = None
    if page.panels is not None:
        panels = _panels(page, env, href, site)
        context["panels_html"] = Markup(panels)
    template = env.get_template(page.template)
    html = template.render(context, href=href, site=site, page_url=page.url, row=rows)
    rows.keep()
    data = html.encode("utf-8")
    span = None
    if panels:
        encoded = panels.encode("utf-8")
        start = data.find(encoded)
        # a template that shows the panels twice (or not at all) gets full renders only
        if start >= 0 and data.find(encoded, start + 1) < 0:
            span = (start, start + len(encoded))
    return str(output_path(page.url)), data, span


def splice_panels(
    page: Page, search_path: tuple[str, ...], site: dict[str, Any], old: bytes, span: Span
) -> tuple[bytes, Span]:
    """The page's last bytes with new side panels: what ``render_page`` would make
    when nothing outside the panels changed (their digests say so)."""
    env = environment(search_path)
    encoded = _panels(page, env, _href(page, site), site).encode("utf-8")
    start, end = span
    return old[:start] + encoded + old[end:], (start, start + len(encoded))
