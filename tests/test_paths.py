"""Every URL rule, by table: the peers' URL bugs all live in code like this."""

from __future__ import annotations

import pytest

from notesite.paths import (
    Url,
    VaultPath,
    absolute_href,
    anchor_id,
    base_path_of,
    encode,
    file_url,
    heading_key,
    name_key,
    note_url,
    output_path,
    relative_href,
    slugify,
    tag_url,
)


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Hello World", "hello-world"),
        ("Tülu 3: Open Post-Training", "tülu-3-open-post-training"),
        ("Ideas/conclusions", "ideas-conclusions"),
        ("  spaces   everywhere ", "spaces-everywhere"),
        ("C# and F#?", "c-and-f"),
        ("100% done", "100-done"),
        ("snake_case_name", "snake_case_name"),
        ("Ǳ ligature", "dz-ligature"),
        ("???", ""),
        ("2024-04-19", "2024-04-19"),
    ],
)
def test_slugify(text: str, slug: str) -> None:
    assert slugify(text) == slug


@pytest.mark.parametrize(
    ("heading", "anchor"),
    [
        ("Direct Preference Optimization: Your Language Model is Secretly a Reward Model",
         "direct-preference-optimization-your-language-model-is-secretly-a-reward-model"),
        ("qlora: efficient finetuning of quantized llms 2023", "qlora-efficient-finetuning-of-quantized-llms-2023"),
        ("Reconciling modern practice and the classical bias–variance trade-off",
         "reconciling-modern-practice-and-the-classical-bias-variance-trade-off"),
        ("!!!", "section"),
    ],
)  # fmt: skip
def test_anchor_id(heading: str, anchor: str) -> None:
    assert anchor_id(heading) == anchor


@pytest.mark.parametrize(
    ("written", "heading"),
    [
        ("**Reconciling modern practice**", "Reconciling modern practice"),
        ("qlora: efficient finetuning", "QLoRA efficient finetuning"),
        ("Ideas/conclusions", "ideas conclusions"),
        ("`code` heading", "code heading"),
    ],
)
def test_heading_key_matches_what_users_type(written: str, heading: str) -> None:
    assert heading_key(written) == heading_key(heading)


def test_name_key_is_case_and_space_insensitive() -> None:
    assert name_key("Gradient  Descent") == name_key("gradient descent")
    assert name_key("Tülu 3") == name_key("TÜLU 3")


@pytest.mark.parametrize(
    ("path", "url"),
    [
        ("Note.md", "notes/note/"),
        ("papers/alignment/DPO.md", "notes/papers/alignment/dpo/"),
        ("papers/Tülu 3.md", "notes/papers/tülu-3/"),
        ("What is #1? A note.md", "notes/what-is-1-a-note/"),
        ("2024-04-19.md", "notes/2024-04-19/"),
    ],
)
def test_note_url(path: str, url: str) -> None:
    assert note_url(VaultPath(path)) == url


@pytest.mark.parametrize(
    ("tag", "url"),
    [("LLM", "tags/llm/"), ("alignment/RLHF", "tags/alignment/rlhf/"), ("a//b/", "tags/a/b/")],
)
def test_tag_url(tag: str, url: str) -> None:
    assert tag_url(tag) == url


@pytest.mark.parametrize(
    ("url", "file"),
    [
        ("", "index.html"),
        ("notes/a/", "notes/a/index.html"),
        ("404.html", "404.html"),
        ("files/attachments/figure one.png", "files/attachments/figure one.png"),
    ],
)
def test_output_path(url: str, file: str) -> None:
    assert str(output_path(Url(url))) == file


@pytest.mark.parametrize(
    ("src", "dst", "fragment", "href"),
    [
        ("notes/a/b/", "tags/x/", "", "../../../tags/x/"),
        ("notes/a/", "notes/a/", "", "./"),
        ("notes/a/", "notes/a/", "sec", "#sec"),
        ("notes/a/", "notes/b/", "^blk", "../../notes/b/#^blk"),
        ("", "notes/a/", "", "notes/a/"),
        ("notes/a/", "", "", "../../"),
        ("notes/a/", "", "top", "../../#top"),
        ("", "", "", "./"),
        ("notes/a/b/", "notes/a/c/", "", "../../../notes/a/c/"),
        ("notes/a/", "static/site.css", "", "../../static/site.css"),
        ("404.html", "notes/a/", "", "notes/a/"),
        ("notes/x/", "files/att/figure one.png", "", "../../files/att/figure%20one.png"),
        ("notes/x/", "notes/tülu-3/", "", "../../notes/t%C3%BClu-3/"),
        ("notes/x/", "files/What #1?.png", "", "../../files/What%20%231%3F.png"),
        ("notes/x/", "notes/y/", "a b", "../../notes/y/#a%20b"),
    ],
)
def test_relative_href(src: str, dst: str, fragment: str, href: str) -> None:
    assert relative_href(Url(src), Url(dst), fragment) == href


@pytest.mark.parametrize(
    ("base", "path"),
    [
        ("/", "/"),
        ("", "/"),
        ("https://user.github.io/repo/", "/repo/"),
        ("https://user.github.io/repo", "/repo/"),
        ("https://example.org", "/"),
        ("/docs/site/", "/docs/site/"),
    ],
)
def test_base_path_of(base: str, path: str) -> None:
    assert base_path_of(base) == path


def test_absolute_href_for_pages_shown_at_any_url() -> None:
    assert absolute_href("/repo/", Url("notes/a/")) == "/repo/notes/a/"
    assert absolute_href("/", Url("static/site.css")) == "/static/site.css"


def test_encode_keeps_fragment_separator() -> None:
    assert encode("a b/c#d", "e f") == "a%20b/c%23d#e%20f"
    assert file_url(VaultPath("x y.png")) == "files/x y.png"
