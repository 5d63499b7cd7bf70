"""The theme's static files: CSS and JS (overridable), Pygments styles, custom CSS."""

from __future__ import annotations

from pathlib import Path

from .highlight import stylesheet

THEME_FILES = ("site.css", "site.js")
CUSTOM_CSS = "custom.css"


def theme_files(search_path: tuple[str, ...]) -> dict[str, bytes]:
    """``{name under static/: bytes}``; the first folder of the search path wins."""
    files: dict[str, bytes] = {"pygments.css": stylesheet().encode("utf-8")}
    for name in (*THEME_FILES, CUSTOM_CSS):
        for folder in search_path:
            candidate = Path(folder) / "static" / name
            if candidate.is_file():
                files[name] = candidate.read_bytes()
                break
    return files


def extra_css(search_path: tuple[str, ...]) -> tuple[str, ...]:
    """Stylesheets a vault adds on top of the theme (linked after it)."""
    return (
        (CUSTOM_CSS,)
        if any((Path(f) / "static" / CUSTOM_CSS).is_file() for f in search_path)
        else ()
    )
