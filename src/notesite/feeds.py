"""``sitemap.xml`` and an Atom feed of notes: absolute URLs from ``base_url``."""

from __future__ import annotations

from xml.sax.saxutils import escape

from .paths import encode
from .search import excerpt
from .site import Site


def _absolute(site: Site, url: str) -> str:
    base = site.model.config.base_url.rstrip("/")
    return f"{base}/{encode(url)}" if base else "/" + encode(url)


def sitemap(site: Site, urls: list[str]) -> bytes:
    rows = "".join(f"  <url><loc>{escape(_absolute(site, u))}</loc></url>\n" for u in sorted(urls))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{rows}</urlset>\n"
    ).encode()


def atom(site: Site, limit: int = 50) -> bytes:
    """The newest dated notes; the feed's own date is its newest entry's (deterministic)."""
    config = site.model.config
    dated = sorted(((site.dates[p], p) for p in site.published if site.dates.get(p)), reverse=True)[
        :limit
    ]
    updated = (dated[0][0] if dated else "1970-01-01") + "T00:00:00Z"
    entries = []
    for date, path in dated:
        note = site.model.vault.notes[path]
        link = escape(_absolute(site, site.note_url(path)))
        entries.append(
            "  <entry>\n"
            f"    <title>{escape(note.title)}</title>\n"
            f'    <link href="{link}"/>\n'
            f"    <id>{link}</id>\n"
            f"    <updated>{date}T00:00:00Z</updated>\n"
            f"    <summary>{escape(excerpt(note.text, 300))}</summary>\n"
            "  </entry>\n"
        )
    home = escape(_absolute(site, ""))
    author = f"  <author><name>{escape(config.author)}</name></author>\n" if config.author else ""
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom">\n'
        f"  <title>{escape(config.title)}</title>\n"
        f'  <link href="{home}"/>\n'
        f'  <link rel="self" href="{escape(_absolute(site, "feed.xml"))}"/>\n'
        f"  <id>{home}</id>\n"
        f"  <updated>{updated}</updated>\n"
        f"{author}{''.join(entries)}</feed>\n"
    ).encode()
