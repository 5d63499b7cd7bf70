"""``notesite init`` and ``notesite new``: files a vault needs, never overwriting any."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .config import CONFIG_FILE, Config, load_config

CONFIG_TEMPLATE = """\
# notesite configuration: every option, with its default. Uncomment to change.

# Site title, shown in the header, on the home page and in the feed.
# title: "Notes"

# Where the site is published. Only its path matters for links (all internal links
# are relative); the full URL is used for the sitemap, the feed and canonical links.
# The GitHub Pages workflow passes the right value with --base-url.
# base_url: "/"

# Output folder. It may not be the vault, contain the vault, or be / or your home.
# output: "_site"

# Glob patterns (vault-relative, ** allowed) of files and folders to leave out.
# Dot-folders (.obsidian, .git, .trash) are always left out.
# exclude: ["private/**", "Templates/**"]

# Site owner, for the feed and the page footer.
# author: ""

# One-line description for the home page and the feed.
# description: ""

# Custom domain for GitHub Pages (written to CNAME).
# cname: ""

# Folder of template and CSS overrides (templates/note.html, templates/static/custom.css).
# templates: "templates"

# Folder where `notesite new` creates paper cards.
# inbox: "inbox"

# Language of the notes, for <html lang> and the feed.
# language: "en"

# How many recent notes the home page lists.
# recent: 10

# A note gets a table of contents when it has at least this many headings.
# toc_min_headings: 3

# Render $…$ and $$…$$ as MathML at build time.
# math: true
"""

GITIGNORE = """\
# notesite: the built site and the build cache
_site/
.notesite-cache/
"""

WORKFLOW = """\
# Publish this vault to GitHub Pages with notesite on every push to the main branch.
# Settings → Pages → Source: "GitHub Actions".
name: Publish notes

on:
  push:
    branches: [main]
  workflow_dispatch:

permissions:
  contents: read
  pages: write
  id-token: write

concurrency:
  group: pages
  cancel-in-progress: true

env:
  NOTESITE_VERSION: "{version}"

jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0  # full history: notes without a date use their last commit's
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - name: Install notesite
        run: pip install "notesite==${{{{ env.NOTESITE_VERSION }}}}"
      - name: Restore the build cache
        uses: actions/cache@v4
        with:
          path: |
            .notesite-cache
            _site
          key: notesite-${{{{ env.NOTESITE_VERSION }}}}-${{{{ github.sha }}}}
          restore-keys: notesite-${{{{ env.NOTESITE_VERSION }}}}-
      - id: pages
        uses: actions/configure-pages@v5
      - name: Check links and notes
        run: notesite check .
      - name: Build
        run: notesite build . --base-url "${{{{ steps.pages.outputs.base_url }}}}/"
      - uses: actions/upload-pages-artifact@v3
        with:
          path: _site

  deploy:
    needs: build
    runs-on: ubuntu-latest
    environment:
      name: github-pages
      url: ${{{{ steps.deployment.outputs.page_url }}}}
    steps:
      - id: deployment
        uses: actions/deploy-pages@v4
"""

CARD_TEMPLATE = """\
---
date: {date}
---
## {title}
Tags: #paper
Authors:
Paper link: {link}
Talk link:
Related:
### Why interesting

### Ideas/conclusions

### References
"""

EXAMPLE_CARD = """\
## Direct Preference Optimization: Your Language Model is Secretly a Reward Model ^dpo
Tags: #LLM #alignment/preference
Authors: Rafael Rafailov, Archit Sharma, Eric Mitchell et al.
Paper link: https://arxiv.org/abs/2305.18290
Talk link:
Related:
### Why interesting
- An example paper card written by `notesite init`: edit or delete it.
### Ideas/conclusions
- Fields under the heading become the card's metadata; `[[wikilinks]]` and `#tags` work anywhere.
### References
"""


@dataclass
class Scaffold:
    created: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _write_new(root: Path, rel: str, text: str, report: Scaffold) -> None:
    path = root / rel
    if path.exists():
        report.skipped.append(rel)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    report.created.append(rel)


def init(root: Path) -> Scaffold:
    """Make a folder (or an existing Obsidian vault) ready to publish."""
    root.mkdir(parents=True, exist_ok=True)
    report = Scaffold()
    _write_new(root, CONFIG_FILE, CONFIG_TEMPLATE, report)
    _write_new(root, ".gitignore", GITIGNORE, report)
    _write_new(root, ".github/workflows/pages.yml", WORKFLOW.format(version=__version__), report)
    example = f"{Config().inbox}/Example paper card.md"
    if any(root.rglob("*.md")):  # an existing vault: add nothing that would be published
        report.skipped.append(f"{example} (the vault already has notes)")
    else:
        _write_new(root, example, EXAMPLE_CARD, report)
    return report


_UNSAFE = re.compile(r'[\\/:*?"<>|#^\[\]]+')


def note_name(title: str) -> str:
    """A file name Obsidian accepts for a note titled ``title``."""
    name = " ".join(_UNSAFE.sub(" ", title).split()).strip(". ")
    return (name or "Untitled")[:120] + ".md"


def new_card(
    root: Path, title: str, arxiv: str | None = None, today: dt.date | None = None
) -> Path:
    """Create a paper card in the inbox folder from the vault's (or the default) template."""
    config = load_config(root)
    path = root / config.inbox / note_name(title)
    if path.exists():
        raise FileExistsError(f"{path} already exists; not overwriting it")
    template = root / config.templates / "card.md"
    text = template.read_text(encoding="utf-8") if template.is_file() else CARD_TEMPLATE
    link = f"https://arxiv.org/abs/{arxiv.strip()}" if arxiv else ""
    day = (today or dt.date.today()).isoformat()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text.format(title=title.strip(), link=link, date=day), encoding="utf-8")
    return path
