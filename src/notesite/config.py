"""The typed, strict configuration read from ``notesite.yaml`` in the vault.

Every option has a default, so a vault needs no config file at all.  Unknown keys
are rejected with the key and file named: a typo must not silently do nothing.
"""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import yaml

CONFIG_FILE = "notesite.yaml"


class ConfigError(ValueError):
    """A config problem, with the file and line it was found at."""

    def __init__(self, file: str, line: int, message: str) -> None:
        super().__init__(f"{file}:{line}: {message}")
        self.file, self.line, self.message = file, line, message


@dataclass(frozen=True, slots=True)
class Config:
    """Site options. Paths are relative to the vault unless absolute."""

    title: str = "Notes"
    """Site title, shown in the header, the home page and the feed."""

    base_url: str = "/"
    """Where the site is published, e.g. ``https://user.github.io/repo/``. Only its path
    matters for links (all internal links are relative); the full URL is used for the
    sitemap, the feed and canonical links."""

    output: str = "_site"
    """Output folder. It may not be the vault, contain the vault, or be ``/`` or home."""

    exclude: tuple[str, ...] = ()
    """Glob patterns (vault-relative, ``**`` allowed) of files and folders to skip.
    Dot-folders (``.obsidian``, ``.git``, ``.trash``) are always skipped."""

    author: str = ""
    """Site owner, for the feed and the page footer."""

    description: str = ""
    """One-line description for the home page and the feed."""

    cname: str = ""
    """Custom domain: written to ``CNAME`` for GitHub Pages when set."""

    templates: str = "templates"
    """Folder of template and CSS overrides in the vault (like MkDocs' ``custom_dir``)."""

    inbox: str = "inbox"
    """Folder where ``notesite new`` creates paper cards."""

    language: str = "en"
    """Language of the notes, for ``<html lang>`` and the feed."""

    recent: int = 10
    """How many recent notes the home page lists."""

    toc_min_headings: int = 3
    """A note gets a table of contents when it has at least this many headings."""

    math: bool = True
    """Render ``$…$`` and ``$$…$$`` as MathML at build time."""

    def replace(self, **changes: Any) -> Config:
        return dataclasses.replace(self, **changes)

    @classmethod
    def from_mapping(
        cls, data: Any, file: str = CONFIG_FILE, lines: dict[str, int] | None = None
    ) -> Config:
        """Validate a parsed YAML mapping; reject unknown keys and wrong types."""
        lines = lines or {}
        if data is None:
            return cls()
        if not isinstance(data, dict):
            raise ConfigError(file, 1, "the config must be a mapping of option: value")
        known = {f.name: f for f in fields(cls)}
        hints = typing.get_type_hints(cls)
        values: dict[str, Any] = {}
        for key, value in data.items():
            line = lines.get(str(key), 1)
            if key not in known:
                close = ", ".join(sorted(known))
                raise ConfigError(file, line, f"unknown option {key!r} (known options: {close})")
            values[key] = _coerce(key, value, hints[key], file, line)
        return cls(**values)


def _coerce(key: str, value: Any, hint: Any, file: str, line: int) -> Any:
    origin = typing.get_origin(hint)
    if origin is tuple:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(file, line, f"option {key!r} must be a list of strings")
        return tuple(value)
    if hint is bool:
        if not isinstance(value, bool):
            raise ConfigError(file, line, f"option {key!r} must be true or false")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(file, line, f"option {key!r} must be a whole number")
        return value
    if hint is str:
        if value is None:
            return ""
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            raise ConfigError(file, line, f"option {key!r} must be a string")
        return str(value)
    raise AssertionError(f"unhandled config type {hint!r}")


def _key_lines(text: str) -> dict[str, int]:
    """Line of each top-level key, so errors point at the right line."""
    lines: dict[str, int] = {}
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return lines
    if isinstance(node, yaml.MappingNode):
        for key_node, _ in node.value:
            lines[str(key_node.value)] = key_node.start_mark.line + 1
    return lines


def load_config(vault: Path, **overrides: Any) -> Config:
    """Read ``notesite.yaml`` from the vault (if any) and apply CLI overrides."""
    path = vault / CONFIG_FILE
    config = Config()
    if path.is_file():
        text = path.read_text(encoding="utf-8")
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark is not None else 1
            raise ConfigError(CONFIG_FILE, line, f"invalid YAML: {exc}") from exc
        config = Config.from_mapping(data, CONFIG_FILE, _key_lines(text))
    clean = {k: v for k, v in overrides.items() if v is not None}
    return config.replace(**clean) if clean else config


CONFIG_KEYS: tuple[str, ...] = tuple(f.name for f in fields(Config))
