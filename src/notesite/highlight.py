"""Code blocks highlighted by Pygments with CSS classes (light and dark styles)."""

from __future__ import annotations

from functools import lru_cache

from markdown_it.common.utils import escapeHtml
from pygments import highlight as pygments_highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

_FORMATTER = HtmlFormatter(nowrap=True)


@lru_cache(maxsize=256)
def _lexer(lang: str) -> Lexer | None:
    try:
        return get_lexer_by_name(lang, stripnl=False, ensurenl=False)
    except ClassNotFound:
        return None


def highlight(code: str, lang: str, attrs: str) -> str:
    """markdown-it's ``highlight`` hook: a complete ``<pre>`` for known languages."""
    name = lang.strip().lower()
    lexer = _lexer(name) if name else None
    cls = f' class="language-{escapeHtml(name)}"' if name else ""
    body = pygments_highlight(code, lexer, _FORMATTER) if lexer else escapeHtml(code)
    return f'<pre class="highlight"><code{cls}>{body}</code></pre>\n'


def stylesheet() -> str:
    """Pygments CSS for light mode and, under ``prefers-color-scheme: dark``, dark mode."""
    light = HtmlFormatter(style="friendly").get_style_defs(".highlight")
    dark = HtmlFormatter(style="monokai").get_style_defs(".highlight")
    return f"{light}\n@media (prefers-color-scheme: dark) {{\n{dark}\n}}\n"
