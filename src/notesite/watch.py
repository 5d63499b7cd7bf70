"""Watch the vault and hand debounced batches of changes to the rebuild.

Editors do not simply write a file: they write a temporary file and rename it,
touch swap and backup files, and fire several events per save; ``git checkout``
fires hundreds.  Events are filtered (noise files, our own output), then gathered
until the vault has been quiet for ``debounce`` seconds (50 ms: an editor's burst for one save
lasts a few), so each save (or each
checkout) becomes one rebuild.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from .config import CONFIG_FILE

_NOISE_SUFFIXES = (
    ".swp",
    ".swx",
    ".swo",
    ".swn",
    "~",
    ".tmp",
    ".temp",
    ".part",
    ".crdownload",
    ".kate-swp",
    ".bak",
)


def is_noise(name: str) -> bool:
    """Editor droppings that are never notes: swap, backup, lock and probe files."""
    return (
        name.startswith((".", "#"))
        or name.endswith(_NOISE_SUFFIXES)
        or name == "4913"  # vim's "can I write here?" probe
        or name.endswith(".md.tmp")
    )


@dataclass
class Batch:
    """What changed during one quiet period."""

    paths: set[str] = field(default_factory=set)
    """Vault-relative notes and attachments."""
    config: bool = False
    templates: bool = False


class Watcher(FileSystemEventHandler):
    def __init__(
        self,
        root: Path,
        on_batch: Callable[[Batch], None],
        ignore: tuple[Path, ...] = (),
        templates: Path | None = None,
        debounce: float = 0.05,
        max_wait: float = 2.0,
    ) -> None:
        self.root = root.resolve()
        self.on_batch = on_batch
        self.ignore = tuple(p.resolve() for p in ignore)
        self.templates = templates.resolve() if templates else None
        self.debounce = debounce
        self.max_wait = max_wait
        self.pending = Batch()
        self.first = self.last = 0.0
        self.lock = threading.Condition()
        self.stopped = False
        self.observer = Observer()
        self.watched: set[Path] = set()
        self.thread = threading.Thread(target=self._loop, name="notesite-rebuild", daemon=True)

    def start(self) -> None:
        # Watch the vault's top level, and each folder in it that is not ours or
        # hidden: a recursive watch of the root would also put an inotify watch on
        # every folder of .git and of the site being written.
        self.observer.schedule(self, str(self.root), recursive=False)
        for entry in sorted(os.scandir(self.root), key=lambda e: e.name):
            if entry.is_dir(follow_symlinks=False):
                self._watch(Path(entry.path))
        self.observer.start()
        self.thread.start()

    def _watch(self, folder: Path) -> None:
        resolved = folder.resolve()
        if folder.name.startswith(".") or resolved in self.watched:
            return
        if any(resolved == p or resolved.is_relative_to(p) for p in self.ignore):
            return
        self.watched.add(resolved)
        self.observer.schedule(self, str(folder), recursive=True)

    def stop(self) -> None:
        with self.lock:
            self.stopped = True
            self.lock.notify_all()
        self.observer.stop()
        self.observer.join(timeout=5)
        self.thread.join(timeout=5)

    # watchdog calls this from its own thread for every event
    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        if event.is_directory and event.event_type == "modified":
            return  # a folder "changes" whenever a file in it does: the file's event says it
        for raw in (event.src_path, getattr(event, "dest_path", "")):
            if raw:
                self._note(Path(os.fsdecode(raw)), event.is_directory)

    def _note(self, path: Path, is_directory: bool) -> None:
        try:
            absolute = path.resolve()
            rel = absolute.relative_to(self.root)
        except (OSError, ValueError):
            return
        if any(absolute == p or absolute.is_relative_to(p) for p in self.ignore):
            return
        parts = rel.parts
        if not parts or is_noise(parts[-1]) or any(p.startswith(".") for p in parts[:-1]):
            return
        if is_directory and len(parts) == 1 and absolute.is_dir():
            self._watch(absolute)  # a new top-level folder
        with self.lock:
            if self.templates and (
                absolute == self.templates or absolute.is_relative_to(self.templates)
            ):
                self.pending.templates = True
            elif rel.as_posix() == CONFIG_FILE:
                self.pending.config = True
            elif is_directory:
                self.pending.paths.add(rel.as_posix() + "/")
            else:
                self.pending.paths.add(rel.as_posix())
            now = time.monotonic()
            if not self.first:
                self.first = now
            self.last = now
            self.lock.notify_all()

    def _loop(self) -> None:
        while True:
            with self.lock:
                while not self.first and not self.stopped:
                    self.lock.wait()
                if self.stopped:
                    return
                # quiet for `debounce`, or waited `max_wait` under a constant stream
                while not self.stopped:
                    now = time.monotonic()
                    quiet = self.last + self.debounce - now
                    if quiet <= 0 or now - self.first >= self.max_wait:
                        break
                    self.lock.wait(quiet)
                batch, self.pending = self.pending, Batch()
                self.first = self.last = 0.0
            self.on_batch(batch)
