"""notesite's benchmark: build times and peak memory on generated vaults.

    python benchmarks/run.py                      # 1,000 and 10,000 notes
    python benchmarks/run.py --sizes 1000,10000,50000

For each size it generates (or reuses) a seeded vault with ``make_vault.py`` and
measures, each as its own process (wall time, and peak memory (PSS) of the whole process
tree, workers included, sampled every 20 ms):

* the floor: markdown-it-py alone (CommonMark + table, front matter, footnote and
  dollarmath plugins) reading and rendering every note, in one process and in two;
* a cold build (no cache, into a folder that does not exist yet: see ``set_aside``),
  a warm build with nothing changed, and warm builds after
  a one-note body edit and after a title change of the most-linked note;
* the same two edits as ``notesite serve`` sees them: in one long-lived process,
  from writing the file to the changed HTML being on disk (median of 5 for the body
  edit, median of 3 for the title change), using the engine's incremental update.

It prints a table and writes ``benchmarks/results.json``.  Speed targets are
checked here, by reading the numbers, never by timed unit tests.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
VAULTS = HERE / "vaults"
OUT = HERE / "out"
PYTHON = sys.executable

FLOOR = r"""
import sys, pathlib
from concurrent.futures import ProcessPoolExecutor
from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

md = MarkdownIt("commonmark").enable("table").use(front_matter_plugin).use(footnote_plugin).use(dollarmath_plugin)

def work(paths):
    return sum(len(md.render(pathlib.Path(p).read_text(encoding="utf-8"))) for p in paths)

if __name__ == "__main__":
    root, jobs = pathlib.Path(sys.argv[1]), int(sys.argv[2])
    paths = sorted(str(p) for p in root.rglob("*.md") if ".notesite-cache" not in p.parts)
    if jobs == 1:
        work(paths)
    else:
        with ProcessPoolExecutor(jobs) as pool:
            list(pool.map(work, [paths[i::jobs * 8] for i in range(jobs * 8)]))
"""


def retitle(text: str, title: str = "Renamed hub note") -> str:
    """The same note with another title (frontmatter ``title:`` or the H1)."""
    lines = text.split("\n")
    body = 0
    if lines and lines[0] == "---" and "---" in lines[1:]:
        end = lines.index("---", 1)
        for i in range(1, end):
            if lines[i].startswith("title:"):
                lines[i] = f"title: {title}"
                return "\n".join(lines)
        body = end + 1
    for i in range(body, len(lines)):
        if lines[i].startswith("# "):
            lines[i] = f"# {title}"
            return "\n".join(lines)
    lines.insert(body, f"# {title}")
    return "\n".join(lines)


TITLES = ("Renamed hub note", "Hub note, renamed again", "Hub note, third title")


def serve_style(vault: Path, out: str, notes: list[str], hub: str) -> dict[str, object]:
    """The two edits as ``serve`` handles them, in one long-lived process."""
    sys.path.insert(0, str(HERE.parent / "src"))
    from notesite.config import load_config
    from notesite.live import LiveEngine
    from notesite.workers import paused_gc

    engine = LiveEngine(vault, load_config(vault).replace(output=out))
    with paused_gc():
        engine.build()  # warm, from the cache the cold build left
        engine.understood()  # what serve holds in memory after it starts
    result: dict[str, object] = {}
    times: list[float] = []
    extras: list[float] = []
    for rel in notes:
        path = vault / rel
        text = path.read_text(encoding="utf-8")
        start = time.perf_counter()
        path.write_text(text + "\nOne more sentence about the benchmark.\n", encoding="utf-8")
        with paused_gc():
            update = engine.update([rel])  # the changed HTML is on disk when this returns
            times.append(time.perf_counter() - start)
            engine.finish()
            extras.append(time.perf_counter() - start)
        result["body_edit_rendered"] = update.rendered
        path.write_text(text, encoding="utf-8")
        with paused_gc():
            engine.update([rel])
            engine.finish()
    result["body_edit_ms"] = round(1000 * statistics.median(times), 1)
    result["body_edit_all_ms"] = round(1000 * statistics.median(extras), 1)
    path = vault / hub
    text = path.read_text(encoding="utf-8")
    times, extras = [], []
    for title in TITLES:  # each from the last one: every change is a real change
        start = time.perf_counter()
        path.write_text(retitle(text, title), encoding="utf-8")
        with paused_gc():
            update = engine.update([hub])
            times.append(time.perf_counter() - start)
            engine.finish()
            extras.append(time.perf_counter() - start)
    result["title_change_first_s"] = round(times[0], 2)
    result["title_change_s"] = round(statistics.median(times), 2)
    result["title_change_all_s"] = round(statistics.median(extras), 2)
    result["title_change_rendered"] = update.rendered
    path.write_text(text, encoding="utf-8")
    with paused_gc():
        engine.update([hub])
        engine.finish()
        engine.save()  # as serve does when it stops
    return result


class Peak:
    """Peak memory (KiB) of a process and all its descendants, sampled.

    Each process counts its proportional set size (PSS: shared pages split among
    the processes sharing them), so forked workers, which share most of their
    parent's memory, are not counted twice as a sum of RSS would.

    Reading PSS is not free: the kernel walks every page table of the process
    (36 ms for a 1 GB Python heap, and the walk competes with the process's own page
    faults), so reading it every 20 ms took most of a core from the process being
    measured.  It is read every 0.2 s, or after ten times as long as the last read
    took (a tenth of a core at most).  A build's peak is a plateau of many seconds
    (the render stage), which this does not miss.
    """

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self.done = pid, 0, threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _tree(self) -> list[int]:
        children: dict[int, list[int]] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat") as f:
                        ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
                children.setdefault(ppid, []).append(int(entry))
        tree, stack = [], [self.pid]
        while stack:
            pid = stack.pop()
            tree.append(pid)
            stack += children.get(pid, [])
        return tree

    def _run(self) -> None:
        while not self.done.is_set():
            start = time.monotonic()
            pss = sum(_field(f"/proc/{pid}/smaps_rollup", "Pss:") for pid in self._tree())
            self.peak = max(self.peak, pss)
            self.done.wait(max(0.2, 10 * (time.monotonic() - start)))

    def stop(self) -> int:
        self.done.set()
        self.thread.join()
        return self.peak


def _field(path: str, name: str) -> int:
    """A ``kB`` figure from a /proc file (0 once the process is gone)."""
    try:
        with open(path) as f:
            for line in f:
                if line.startswith(name):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def measure(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """``(seconds, peak MiB, stdout)`` of one command run as its own process tree."""
    # the last run's files still being written back to disk would slow this one's writes
    os.sync()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    peak = Peak(proc.pid)
    stdout, stderr = proc.communicate()
    seconds = time.perf_counter() - start
    mib = peak.stop() / 1024
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{stderr}")
    return seconds, mib, stdout


def notesite(vault: Path, out: Path, *extra: str) -> list[str]:
    return [PYTHON, "-m", "notesite", "build", str(vault), "-o", str(out), *extra]


def hub_and_notes(vault: Path) -> tuple[str, list[str], int]:
    """The most-linked note, and five ordinary notes to edit."""
    sys.path.insert(0, str(HERE.parent / "src"))
    from notesite.config import load_config
    from notesite.load import load_model
    from notesite.workers import paused_gc

    with paused_gc():
        model = load_model(vault, load_config(vault))
    counts = {p: len(model.graph.backlinks(p)) for p in model.vault.notes}
    hub = max(counts, key=lambda p: (counts[p], p))
    ordinary = sorted(p for p, n in counts.items() if 1 <= n <= 5 and model.vault.notes[p].publish)
    step = max(1, len(ordinary) // 5)
    return hub, ordinary[::step][:5], counts[hub]


TRASH = OUT / ".trash"


def set_aside(out: Path) -> None:
    """Move the last run's output out of the way, to be deleted after the benchmark.

    The cold build writes into a directory that does not exist, as a first build
    does.  Deleting the old output right before it would make the build pay for the
    deletion: on ext4 without a journal (this machine's disk) a new file is not
    given the inode of one deleted in the last minute or so (five, while the inode
    table is not yet written back), and the allocator reads every such inode in
    turn.  Creating 21,000 folders with a file each took 1.2-2.3 s, and 14-28 s
    right after a tree like it was deleted, nearly all of it kernel time in
    ``recently_deleted`` (``perf record``).
    """
    if out.exists():
        TRASH.mkdir(parents=True, exist_ok=True)
        out.rename(TRASH / f"{out.name}-{time.time_ns()}")


def strays(vault: Path, manifest: str) -> list[str]:
    """Files a build would read in ``vault`` that the generator did not write.

    A build run in the vault without ``-o`` leaves its site there (``_site/``), and
    every page of it would then be read as an attachment: the 10,000-note vault
    once held 46,000 such files, which made loading it a second slower.
    """
    listed = set((vault / manifest).read_text(encoding="utf-8").splitlines())
    found = []
    for folder, dirs, files in os.walk(vault):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))  # as notesite skips them
        rel = Path(folder).relative_to(vault)
        found += [(rel / f).as_posix() for f in sorted(files) if not f.startswith(".")]
    return [f for f in found if f not in listed]


def run_size(size: int, jobs: int) -> dict[str, object]:
    sys.path.insert(0, str(HERE))
    from make_vault import MANIFEST, generate

    vault = VAULTS / f"v{size}"
    if not (vault / MANIFEST).exists():
        generate(vault, size, force=True)
    extra = strays(vault, MANIFEST)
    if extra:
        raise SystemExit(
            f"{vault} holds {len(extra)} files make_vault.py did not write "
            f"(first: {extra[0]}); a build would read them as part of the vault. "
            "Move them out (or delete the folder to generate it again)."
        )
    shutil.rmtree(vault / ".notesite-cache", ignore_errors=True)
    out = OUT / f"v{size}"
    set_aside(out)
    mb = sum(p.stat().st_size for p in vault.rglob("*.md")) / 1e6
    row: dict[str, object] = {"notes": size, "vault_mb": round(mb, 1)}
    for procs in (1, 2):
        seconds, mib, _ = measure([PYTHON, "-c", FLOOR, str(vault), str(procs)])
        row[f"floor_{procs}p_s"], row[f"floor_{procs}p_mib"] = round(seconds, 2), round(mib)
    seconds, mib, _ = measure(notesite(vault, out, "-j", str(jobs)))
    row["cold_s"], row["cold_mib"] = round(seconds, 2), round(mib)
    seconds, mib, _ = measure(notesite(vault, out, "-j", str(jobs)))
    row["warm_s"], row["warm_mib"] = round(seconds, 2), round(mib)
    hub, ordinary, backlinks = hub_and_notes(vault)
    row["hub_backlinks"] = backlinks
    for label, rel, change in (
        ("edit", ordinary[0], lambda t: t + "\nA benchmark edit.\n"),
        ("title", hub, retitle),
    ):
        path = vault / rel
        text = path.read_text(encoding="utf-8")
        path.write_text(change(text), encoding="utf-8")
        seconds, mib, _ = measure(notesite(vault, out, "-j", str(jobs)))
        row[f"cli_{label}_s"], row[f"cli_{label}_mib"] = round(seconds, 2), round(mib)
        path.write_text(text, encoding="utf-8")
        measure(notesite(vault, out, "-j", str(jobs)))
    cmd = [PYTHON, str(Path(__file__)), "--serve-style", str(vault), str(out), hub, *ordinary]
    seconds, mib, stdout = measure(cmd)
    row.update(json.loads(stdout.strip().splitlines()[-1]))
    row["serve_mib"] = round(mib)
    row["cold_vs_floor_2p"] = round(float(row["cold_s"]) / float(row["floor_2p_s"]), 2)
    return row


COLUMNS = [
    ("notes", "notes"), ("vault_mb", "MB"), ("floor_1p_s", "floor 1p s"), ("floor_2p_s", "floor 2p s"),
    ("cold_s", "cold s"), ("cold_vs_floor_2p", "cold/floor2p"), ("cold_mib", "cold MiB"),
    ("warm_s", "warm s"), ("cli_edit_s", "CLI edit s"), ("cli_title_s", "CLI title s"),
    ("body_edit_ms", "serve edit ms"), ("body_edit_all_ms", "+search ms"),
    ("title_change_s", "serve title s"), ("title_change_all_s", "+search s"), ("serve_mib", "serve MiB"),
]  # fmt: skip


def table(rows: list[dict[str, object]]) -> str:
    head = "| " + " | ".join(title for _, title in COLUMNS) + " |"
    rule = "|" + "|".join("---:" for _ in COLUMNS) + "|"
    lines = [head, rule]
    for row in rows:
        lines.append("| " + " | ".join(str(row.get(key, "")) for key, _ in COLUMNS) + " |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated vault sizes")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes for notesite")
    parser.add_argument(
        "--json", type=Path, default=HERE / "results.json", help="where to write results"
    )
    parser.add_argument("--serve-style", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_style:
        vault, out, hub, *notes = args.serve_style
        print(json.dumps(serve_style(Path(vault), out, notes, hub)))
        return 0
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        print(f"# {size} notes …", file=sys.stderr, flush=True)
        rows.append(run_size(size, args.jobs))
        print(table(rows[-1:]), file=sys.stderr, flush=True)
    machine = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    args.json.write_text(
        json.dumps({"machine": machine, "results": rows}, indent=2) + "\n", encoding="utf-8"
    )
    print(table(rows))
    shutil.rmtree(TRASH, ignore_errors=True)  # after every measurement (see set_aside)
    return 0


if __name__ == "__main__":
    sys.exit(main())
