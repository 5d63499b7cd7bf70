"""Every path and URL notesite produces is built here, and only here.

Three kinds of string travel through the pipeline and must never be mixed up:

* ``VaultPath``: a file's POSIX path relative to the vault root, as the user named
  it (``papers/Tülu 3.md``).  Identity of a source file.
* ``Url``: a page or file's location relative to the *site root*, without a leading
  slash (``notes/papers/tulu-3/``, ``files/attachments/figure%20one.png`` is the
  *encoded* form; ``Url`` itself is unencoded).  Directory pages end in ``/``.
* an *href*: what goes into HTML, always relative to the page that contains it, so
  the site works at a domain root and under a GitHub Pages subpath alike.

The peers' URL bugs (subpaths, ``#`` and ``?`` in file names, case) all live in code
like this, so it is small, pure and tested by tables in ``tests/test_paths.py``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import PurePosixPath
from typing import NewType
from urllib.parse import quote

VaultPath = NewType("VaultPath", str)
Url = NewType("Url", str)

HOME = Url("")
# Characters left as-is in hrefs. Everything else (spaces, "#", "?", "%", non-ASCII) is
# percent-encoded as UTF-8, which is what browsers and GitHub Pages expect.
_SAFE = "/-_.~!$&'()*+,;=:@"
_NON_WORD = re.compile(r"[^\w]+")
_MARKUP = re.compile(r"[*_`~=]+")


def slugify(text: str) -> str:
    """A URL-safe, lower-case slug that keeps letters of every script.

    ``"Tülu 3: Open Post-Training"`` -> ``"tülu-3-open-post-training"``. Unicode letters
    stay readable in the address bar; the href encoder escapes them on the wire.
    """
    text = unicodedata.normalize("NFKC", text).lower()
    return _NON_WORD.sub("-", text).strip("-_")


def anchor_id(text: str) -> str:
    """The id of a heading's anchor, from its plain text (markup already stripped)."""
    return slugify(text) or "section"


def heading_key(text: str) -> str:
    """Normalise heading text for matching a ``[[Note#Heading]]`` link to a heading.

    Obsidian users write heading links by hand, with or without the heading's
    ``**bold**`` markup, its punctuation (``:`` is not even allowed in Obsidian link
    text) or its capitalisation; all of those must land on the same heading.
    """
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    text = _MARKUP.sub("", text).casefold()
    return " ".join(_NON_WORD.sub(" ", text).split())


def name_key(name: str) -> str:
    """Case-insensitive identity of a note name, alias or card title."""
    if not name.isascii():
        name = unicodedata.normalize("NFKC", name)
    return " ".join(name.casefold().split())


def note_url(path: VaultPath) -> Url:
    """The clean URL of a note: ``papers/Tülu 3.md`` -> ``notes/papers/tülu-3/``."""
    parts = PurePosixPath(path).with_suffix("").parts
    slugs = [slugify(p) or "_" for p in parts]
    return Url("notes/" + "/".join(slugs) + "/")


def file_url(path: VaultPath) -> Url:
    """Attachments keep their vault path (spaces and unicode included) under ``files/``."""
    return Url("files/" + path)


@lru_cache(maxsize=4096)  # a vault has a few hundred tags, shown on every page
def tag_url(tag: str) -> Url:
    """Nested tags nest their pages: ``alignment/rlhf`` -> ``tags/alignment/rlhf/``."""
    segments = [slugify(s) or "_" for s in tag.split("/") if s]
    return Url("tags/" + "/".join(segments) + "/")


def author_url(slug: str) -> Url:
    return Url(f"authors/{slug}/")


def card_url(slug: str) -> Url:
    return Url(f"papers/{slug}/")


def static_url(name: str) -> Url:
    return Url(f"static/{name}")


def output_path(url: Url) -> PurePosixPath:
    """Where a URL's file lives in the output folder: directories get ``index.html``."""
    if url == HOME or url.endswith("/"):
        return PurePosixPath(url) / "index.html"
    return PurePosixPath(url)


@lru_cache(maxsize=1 << 18)
def _quote(text: str, safe: str) -> str:
    return quote(text, safe=safe)


def encode(path: str, fragment: str = "") -> str:
    """Percent-encode a URL path (``#`` and ``?`` in names included) and its fragment."""
    encoded = _quote(path, _SAFE)
    if fragment:
        encoded += "#" + _quote(fragment, _SAFE + "^")
    return encoded


def relative_href(from_page: Url, to: Url, fragment: str = "") -> str:
    """An href from one page to another that works under any base path: up to the
    site root, then down to the target (as Quartz does).

    Pure string work on clean site-relative URLs, and no search for a shared
    prefix: this runs for every link of every page, and the prefix and the
    encoded target are each computed once.

    >>> relative_href(Url("notes/a/b/"), Url("tags/x/"))
    '../../../tags/x/'
    """
    if to == from_page:
        return "#" + _quote(fragment, _SAFE + "^") if fragment else "./"
    up = "../" * from_page.count("/")
    if not to:  # the home page
        return encode(up or "./", fragment)
    return up + encode(to, fragment)


def absolute_href(base_path: str, to: Url, fragment: str = "") -> str:
    """An href from the site root, for pages shown at unknown URLs (``404.html``)."""
    return encode(base_path.rstrip("/") + "/" + to, fragment)


def base_path_of(base_url: str) -> str:
    """The path part of ``base_url``: ``https://u.github.io/repo/`` -> ``/repo/``."""
    match = re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://[^/]*", base_url)
    path = base_url[match.end() :] if match else base_url
    return "/" + path.strip("/") + "/" if path.strip("/") else "/"
