"""The ``notesite`` command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .build import Model, load_model
from .config import ConfigError, load_config
from .diagnostics import Severity, summarize, to_json


def _vault_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "vault", nargs="?", default=".", type=Path, help="vault folder (default: .)"
    )


def _check(args: argparse.Namespace) -> int:
    config = load_config(args.vault)
    model = load_model(args.vault, config, jobs=args.jobs)
    return report(model, args.strict, args.format)


def report(model: Model, strict: bool, fmt: str) -> int:
    """Print diagnostics and a summary; the exit status is 1 when there are errors."""
    diagnostics = list(model.diagnostics)
    summary = summarize(diagnostics, strict)
    vault = model.vault
    summary |= {
        "notes": len(vault.notes),
        "cards": sum(len(n.cards) for n in vault.notes.values()),
        "links": sum(len(n.links) for n in vault.notes.values()),
        "dangling": len(model.graph.missing),
    }
    if fmt == "json":
        print(to_json(diagnostics, summary))
    else:
        for d in diagnostics:
            shown = (
                d
                if not (strict and d.severity == Severity.WARNING)
                else d.__class__(d.file, d.line, d.code, d.message, Severity.ERROR, d.target)
            )
            print(shown.format())
        print(
            f"{summary['notes']} notes, {summary['cards']} cards, {summary['links']} links, "
            f"{summary['dangling']} dangling targets: "
            f"{summary['errors']} errors, {summary['warnings']} warnings"
        )
    return 1 if summary["errors"] else 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="notesite",
        description="Publish an Obsidian vault of research-paper notes as a static site.",
    )
    root.add_argument("--version", action="version", version=f"notesite {__version__}")
    sub = root.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = sub.add_parser("check", help="report broken links and other problems in a vault")
    _vault_arg(check)
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")
    check.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    check.add_argument(
        "-j", "--jobs", type=int, default=0, help="worker processes (default: all cores)"
    )
    check.set_defaults(func=_check)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.func(args))
    except ConfigError as exc:
        print(f"notesite: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
