"""Bare URLs become links; punctuation around them does not."""

from __future__ import annotations

import re

import pytest

from .conftest import note_from


def hrefs(text: str) -> list[str]:
    html = "".join(note_from(text).fragment.parts[::2])
    return re.findall(r'<a class="external" href="([^"]*)"', html)


@pytest.mark.parametrize(
    ("text", "links"),
    [
        ("see https://example.org/a.", ["https://example.org/a"]),
        ("(https://example.org/x)", ["https://example.org/x"]),
        (
            "https://en.wikipedia.org/wiki/Mind_(journal), cited",
            ["https://en.wikipedia.org/wiki/Mind_(journal)"],
        ),
        ("www.example.org/path?q=1!", ["http://www.example.org/path?q=1"]),
        ("two: https://a.org and http://b.org/c;", ["https://a.org", "http://b.org/c"]),
        ("[label](https://x.org) https://y.org", ["https://x.org", "https://y.org"]),
        ("`https://code.example` and <https://angle.example>", ["https://angle.example"]),
        ("nothwww.example.org is not a link", []),
        ("**https://bold.example/**", ["https://bold.example/"]),
    ],
)
def test_autolinks(text: str, links: list[str]) -> None:
    assert hrefs(text) == links
