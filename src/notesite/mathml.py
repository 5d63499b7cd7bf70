"""LaTeX to MathML at build time, so math needs no JavaScript and no network.

latex2mathml converts what it understands; it leaves unknown commands as
``<mi>\\cmd</mi>`` or raises on broken input.  Either way the expression is shown
as its source in a ``<code>`` and a ``bad-math`` diagnostic names the line.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache

from latex2mathml.converter import convert
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.dollarmath import dollarmath_plugin


@lru_cache(maxsize=4096)
def to_mathml(latex: str, display: bool) -> str | None:
    """MathML for ``latex``, or None when it cannot be converted faithfully."""
    try:
        mathml = convert(latex, display="block" if display else "inline")
    except Exception:  # latex2mathml raises many unrelated types on bad input
        return None
    if "<mi>\\" in mathml or "<mo>\\" in mathml:
        return None
    return mathml


def _render(display: bool, block: bool) -> Callable[..., str]:
    def render(
        self: object, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        token = tokens[idx]
        latex = token.content.strip()
        mathml = to_mathml(latex, display)
        if mathml is None:
            line = token.map[0] + 1 if token.map else token.meta.get("line", 1)
            env.setdefault("math_errors", []).append((latex, line))
            mathml = f'<code class="math-source">{escapeHtml(latex)}</code>'
        if block:
            return f'<div class="math math-display">{mathml}</div>\n'
        kind = "math-display" if display else "math-inline"
        return f'<span class="math {kind}">{mathml}</span>'

    return render


def math_plugin(md: MarkdownIt) -> None:
    """``$…$`` inline, ``$$…$$`` display (also inside a paragraph, as Obsidian allows).

    ``$`` next to a digit or a space does not open math, so prices like "$2m" and
    "$20" in prose stay text.
    """
    md.use(dollarmath_plugin, allow_space=False, allow_digits=False, double_inline=True)
    md.add_render_rule("math_inline", _render(display=False, block=False))
    md.add_render_rule("math_inline_double", _render(display=True, block=False))
    md.add_render_rule("math_block", _render(display=True, block=True))
    md.add_render_rule("math_block_label", _render(display=True, block=True))
