"""The ``notesite`` command line."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .build import build
from .config import ConfigError, load_config
from .deploy import DeployError, deploy
from .diagnostics import Diagnostic, Severity, sort_key, summarize, to_json
from .load import Model, load_model
from .progress import ProgressBar
from .scaffold import init, new_card
from .serve import PortInUse, serve
from .views import embed_cycles
from .workers import paused_gc
from .write import OutputDirError


def _vault_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "vault", nargs="?", default=".", type=Path, help="vault folder (default: .)"
    )


def _check(args: argparse.Namespace) -> int:
    config = load_config(args.vault)
    with paused_gc():
        model = load_model(args.vault, config, jobs=args.jobs, render=False)
    return report(model, args.strict, args.format)


def _build(args: argparse.Namespace) -> int:
    # -o is relative to where the command runs; `output:` in the config, to the vault
    output = str(Path(args.output).resolve()) if args.output else None
    config = load_config(args.vault, output=output, base_url=args.base_url)
    progress = ProgressBar() if sys.stderr.isatty() else None
    try:
        result = build(args.vault, config, jobs=args.jobs, clean=args.clean, progress=progress)
    except OutputDirError as exc:
        print(f"notesite: {exc}", file=sys.stderr)
        return 2
    finally:
        if progress:
            progress.close()
    for d in result.diagnostics:
        print(_shown(d, args.strict).format())
    summary = summarize(result.diagnostics, args.strict)
    counts = result.summary
    print(
        f"built {result.output}: {counts['notes']} notes, {counts['cards']} cards, "
        f"{result.pages} pages ({result.rendered} rendered), {counts['links']} links, "
        f"{counts['dangling']} dangling, {summary['errors']} errors, "
        f"{summary['warnings']} warnings; {result.stats.written} files written, "
        f"{result.stats.unchanged} unchanged, {result.stats.removed} removed in {result.seconds:.2f} s"
    )
    return 1 if summary["errors"] else 0


def _init(args: argparse.Namespace) -> int:
    report = init(args.vault)
    for rel in report.created:
        print(f"created {rel}")
    for rel in report.skipped:
        print(f"skipped {rel} (already there)" if "(" not in rel else f"skipped {rel}")
    print(
        f"next: notesite serve {args.vault}   (preview)   ·   notesite deploy {args.vault}   (publish)"
    )
    return 0


def _new(args: argparse.Namespace) -> int:
    try:
        path = new_card(args.vault, args.title, args.arxiv)
    except FileExistsError as exc:
        print(f"notesite: {exc}", file=sys.stderr)
        return 1
    print(f"created {path}")
    return 0


def _deploy(args: argparse.Namespace) -> int:
    config = load_config(args.vault, base_url=args.base_url)
    try:
        done = deploy(
            args.vault,
            config,
            args.remote,
            args.branch,
            args.message,
            push=not args.no_push,
            force=args.force,
        )
    except (DeployError, OutputDirError) as exc:
        print(f"notesite: {exc}", file=sys.stderr)
        return 1
    if not done.changed:
        print(f"{done.branch} already holds this site ({done.commit[:8]}); nothing to deploy")
    else:
        print(
            f"committed the site to {done.branch} ({done.commit[:8]})"
            + (f" and pushed to {args.remote}" if done.pushed else "")
        )
    return 0


def _serve(args: argparse.Namespace) -> int:
    try:
        serve(args.vault, args.host, args.port, args.open, {"base_url": args.base_url})
    except PortInUse as exc:
        print(f"notesite: {exc}", file=sys.stderr)
        return 2
    return 0


def _shown(d: Diagnostic, strict: bool) -> Diagnostic:
    if strict and d.severity == Severity.WARNING:
        return dataclasses.replace(d, severity=Severity.ERROR)
    return d


def report(model: Model, strict: bool, fmt: str) -> int:
    """Print diagnostics and a summary; the exit status is 1 when there are errors."""
    diagnostics = sorted((*model.diagnostics, *embed_cycles(model)[1]), key=sort_key)
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

    build_cmd = sub.add_parser("build", help="build the static site")
    _vault_arg(build_cmd)
    build_cmd.add_argument("-o", "--output", help="output folder (default: _site in the vault)")
    build_cmd.add_argument(
        "--base-url", help="URL the site is published at, e.g. https://user.github.io/repo/"
    )
    build_cmd.add_argument(
        "--clean", action="store_true", help="rewrite every file, even unchanged ones"
    )
    build_cmd.add_argument("--strict", action="store_true", help="treat warnings as errors")
    build_cmd.add_argument(
        "-j", "--jobs", type=int, default=0, help="worker processes (default: all cores)"
    )
    build_cmd.set_defaults(func=_build)

    serve_cmd = sub.add_parser("serve", help="live preview: build, serve, and rebuild on save")
    _vault_arg(serve_cmd)
    serve_cmd.add_argument(
        "--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)"
    )
    serve_cmd.add_argument(
        "--port", type=int, default=8000, help="port (default: 8000; 0 picks a free one)"
    )
    serve_cmd.add_argument("--open", action="store_true", help="open the site in a browser")
    serve_cmd.add_argument(
        "--base-url", help="serve under this URL's path, e.g. https://user.github.io/repo/"
    )
    serve_cmd.set_defaults(func=_serve)

    init_cmd = sub.add_parser(
        "init", help="make a vault ready to publish (config, .gitignore, Pages workflow)"
    )
    init_cmd.add_argument(
        "vault", nargs="?", default=".", type=Path, help="vault folder (default: .)"
    )
    init_cmd.set_defaults(func=_init)

    new_cmd = sub.add_parser("new", help="create a paper card in the vault's inbox folder")
    new_cmd.add_argument("title", help="the paper's title")
    new_cmd.add_argument(
        "--arxiv", metavar="ID", help="arXiv id, e.g. 2305.18290 (fills the paper link)"
    )
    new_cmd.add_argument("--vault", default=".", type=Path, help="vault folder (default: .)")
    new_cmd.set_defaults(func=_new)

    deploy_cmd = sub.add_parser(
        "deploy", help="build, commit the site to the gh-pages branch and push it"
    )
    _vault_arg(deploy_cmd)
    deploy_cmd.add_argument(
        "--remote", default="origin", help="remote to push to (default: origin)"
    )
    deploy_cmd.add_argument(
        "--branch", default="gh-pages", help="branch to commit the site to (default: gh-pages)"
    )
    deploy_cmd.add_argument(
        "-m", "--message", help="commit message (default: names the source commit)"
    )
    deploy_cmd.add_argument(
        "--no-push", action="store_true", help="commit to the branch but do not push"
    )
    deploy_cmd.add_argument(
        "--force", action="store_true", help="deploy even with uncommitted changes in the vault"
    )
    deploy_cmd.add_argument(
        "--base-url", help="URL the site is published at, e.g. https://user.github.io/repo/"
    )
    deploy_cmd.set_defaults(func=_deploy)
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
