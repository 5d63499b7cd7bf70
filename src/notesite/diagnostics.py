"""Every problem notesite finds is a ``Diagnostic``, gathered in one list.

``check`` and ``build --strict`` decide the exit status from that list; nothing is
printed from deep inside a stage.  Codes are stable names that tools can rely on.
"""

from __future__ import annotations

import enum
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass


class Severity(enum.IntEnum):
    INFO = 0
    WARNING = 1
    ERROR = 2

    def __str__(self) -> str:
        return self.name.lower()


class Code(enum.StrEnum):
    DANGLING_LINK = "dangling-link"
    MISSING_HEADING = "missing-heading"
    MISSING_BLOCK = "missing-block"
    MISSING_ASSET = "missing-asset"
    AMBIGUOUS_LINK = "ambiguous-link"
    DUPLICATE_CARD = "duplicate-card"
    BAD_FRONTMATTER = "bad-frontmatter"
    UNREADABLE_FILE = "unreadable-file"
    OUTSIDE_VAULT = "outside-vault"
    INVALID_ENCODING = "invalid-encoding"
    EMPTY_FILE = "empty-file"
    UNTERMINATED_FENCE = "unterminated-fence"
    BAD_MATH = "bad-math"
    EMBED_CYCLE = "embed-cycle"
    SLUG_COLLISION = "slug-collision"
    BAD_CONFIG = "bad-config"
    TEMPLATE_ERROR = "template-error"


# A dangling link is normal in a growing Obsidian vault (it is a note not yet
# written), so it warns; what loses or garbles the user's content is an error.
DEFAULT_SEVERITY: dict[Code, Severity] = {
    Code.DANGLING_LINK: Severity.WARNING,
    Code.MISSING_HEADING: Severity.WARNING,
    Code.MISSING_BLOCK: Severity.WARNING,
    Code.MISSING_ASSET: Severity.WARNING,
    Code.AMBIGUOUS_LINK: Severity.WARNING,
    Code.DUPLICATE_CARD: Severity.WARNING,
    Code.BAD_FRONTMATTER: Severity.ERROR,
    Code.UNREADABLE_FILE: Severity.ERROR,
    Code.OUTSIDE_VAULT: Severity.ERROR,
    Code.INVALID_ENCODING: Severity.ERROR,
    Code.EMPTY_FILE: Severity.INFO,
    Code.UNTERMINATED_FENCE: Severity.WARNING,
    Code.BAD_MATH: Severity.WARNING,
    Code.EMBED_CYCLE: Severity.WARNING,
    Code.SLUG_COLLISION: Severity.WARNING,
    Code.BAD_CONFIG: Severity.ERROR,
    Code.TEMPLATE_ERROR: Severity.ERROR,
}


@dataclass(frozen=True, slots=True, order=True)
class Diagnostic:
    """One problem at one place: ``file`` is vault-relative POSIX, ``line`` 1-based."""

    file: str
    line: int
    code: Code
    message: str
    severity: Severity = Severity.WARNING
    target: str | None = None

    @classmethod
    def make(
        cls, file: str, line: int, code: Code, message: str, target: str | None = None
    ) -> Diagnostic:
        return cls(file, line, code, message, DEFAULT_SEVERITY[code], target)

    def format(self) -> str:
        return f"{self.file}:{self.line}: {self.severity}: {self.message} [{self.code}]"

    def as_json(self) -> dict[str, object]:
        data: dict[str, object] = {
            "file": self.file,
            "line": self.line,
            "severity": str(self.severity),
            "code": str(self.code),
            "message": self.message,
        }
        if self.target is not None:
            data["target"] = self.target
        return data


def sort_key(d: Diagnostic) -> tuple[str, int, str, str]:
    return (d.file, d.line, d.code, d.message)


def summarize(diagnostics: Iterable[Diagnostic], strict: bool = False) -> dict[str, int]:
    """Counts per severity; under ``strict`` warnings count as errors."""
    counts = Counter(d.severity for d in diagnostics)
    errors = counts[Severity.ERROR] + (counts[Severity.WARNING] if strict else 0)
    return {
        "errors": errors,
        "warnings": 0 if strict else counts[Severity.WARNING],
        "infos": counts[Severity.INFO],
    }


def to_json(diagnostics: list[Diagnostic], summary: dict[str, int]) -> str:
    return json.dumps(
        {"diagnostics": [d.as_json() for d in diagnostics], "summary": summary},
        indent=2,
        ensure_ascii=False,
    )
