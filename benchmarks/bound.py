"""How close any cold build of notesite's site can get to the markdown-it-py floor.

    python benchmarks/bound.py                 # the 10,000-note vault of run.py
    python benchmarks/bound.py --size 1000 --sample 500

A cold build cannot skip three kinds of work: rendering every note with notesite's
markdown-it-py (the plugins the vaults need: wikilinks, tags, paper cards, callouts,
math as MathML, Pygments), rendering every note page and paper-card page through the
Jinja2 templates, and creating each page's folder and file.  This script times each
of them alone, on a sample of the notes, in one process, interleaved with the floor
(markdown-it-py alone, as ``run.py`` measures it) so that the machine's drift hits
all of them alike, and prints the best of several rounds.

If both cores did the first two with no other cost at all (no files, index,
resolution, graph, search index, fingerprints or process hand-offs), a cold build
would still take ``(markdown + templates) / floor`` times the floor: that is the
bound printed last.  Index pages, tag and author pages are left out, so the real
bound is higher still.  The files are timed but left out of the bound: on this
machine's disk (ext4 without a journal) creating them costs 0.07x the floor on a
quiet disk and up to ten times that within minutes of deleting a tree of files
(see ``run.set_aside``), and this script deletes its own at the end.
"""

from __future__ import annotations

import argparse
import gc
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))


def best(rounds: list[dict[str, float]], key: str) -> float:
    return min(r[key] for r in rounds)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=10000, help="vault size (as in run.py)")
    parser.add_argument("--sample", type=int, default=2000, help="notes timed per round")
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()

    from make_vault import generate
    from markdown_it import MarkdownIt
    from mdit_py_plugins.dollarmath import dollarmath_plugin
    from mdit_py_plugins.footnote import footnote_plugin
    from mdit_py_plugins.front_matter import front_matter_plugin

    from notesite.cache import load_notes
    from notesite.config import load_config
    from notesite.engine import PARSER_KEY, Engine
    from notesite.indexes import Indexes
    from notesite.markdown import make_markdown
    from notesite.parse import parse_note
    from notesite.refs import emit
    from notesite.sources import read_source
    from notesite.templates import render_page
    from notesite.workers import paused_gc

    vault = HERE / "vaults" / f"v{args.size}"
    if not (vault / ".make_vault_manifest").exists():
        generate(vault, args.size, force=True)
    scratch = HERE / "out" / "bound"
    engine = Engine(vault, load_config(vault, output=str(scratch / "unused")), jobs=2)
    with paused_gc():
        engine.notes, engine.unreadable = load_notes(vault, PARSER_KEY)  # from a last build
        changed, removed = engine.scan()
        engine.parse(changed, removed)  # the notes the cache lacks
        site = engine.understand()
    paths = sorted(p for p in engine.notes if p in site.published)
    sample = paths[:: max(1, len(paths) // args.sample)][: args.sample]
    indexes = Indexes(site)
    pages = [page for p in sample for page in emit(site, indexes, ("note", p))]
    cards = sum(page.template == "card.html" for page in pages)

    floor_md = (
        MarkdownIt("commonmark")
        .enable("table")
        .use(front_matter_plugin)
        .use(footnote_plugin)
        .use(dollarmath_plugin)
    )
    ours = make_markdown()

    def floor() -> None:
        for p in sample:
            floor_md.render((vault / p).read_text(encoding="utf-8"))

    def markdown() -> None:
        for p in sample:
            env: dict[str, object] = {}
            text = (vault / p).read_text(encoding="utf-8")
            ours.renderer.render(ours.parse(text, env), ours.options, env)

    def parse() -> None:
        for p in sample:
            parse_note(read_source(vault, p))

    rendered: list[tuple[str, bytes]] = []

    def templates() -> None:
        rendered[:] = [render_page(page, engine.search_path, engine.globals)[:2] for page in pages]

    def files() -> None:
        # a new folder each round: the pages are created, as in a first build
        root = scratch / f"r{time.time_ns()}"
        for rel, data in rendered:
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "wb") as f:
                f.write(data)

    parts: dict[str, Callable[[], None]] = {
        "floor": floor,
        "markdown": markdown,
        "parse": parse,
        "templates": templates,
        "files": files,
    }
    rounds: list[dict[str, float]] = []
    gc.disable()  # as in a build (see workers.paused_gc)
    try:
        for _ in range(args.rounds):
            times = {}
            for name, work in parts.items():
                start = time.perf_counter()
                work()
                times[name] = time.perf_counter() - start
            rounds.append(times)
            gc.collect()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    n = len(sample)
    floor_s = best(rounds, "floor")
    print(
        f"{n} notes of {len(paths)} ({args.size}-note vault), {len(pages)} pages "
        f"({n} note pages, {cards} card pages), best of {args.rounds} rounds, one process:"
    )
    for name in parts:
        s = best(rounds, name)
        print(f"  {name:10} {s:6.2f} s  {1000 * s / n:6.3f} ms a note  {s / floor_s:5.2f}x floor")
    markdown, templates = best(rounds, "markdown"), best(rounds, "templates")
    print(
        f"bound on cold/floor: (markdown + templates) / floor = {(markdown + templates) / floor_s:.2f}"
    )
    print(
        f"  with the files: {(markdown + templates + best(rounds, 'files')) / floor_s:.2f}; "
        f"with notesite's whole parse as well: "
        f"{(best(rounds, 'parse') + templates + best(rounds, 'files')) / floor_s:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
