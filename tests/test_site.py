"""Whole-site tests: build the sample vault and the seeds, crawl and follow every link."""

from __future__ import annotations

import filecmp
import os
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from notesite import publish, workers
from notesite.build import build
from notesite.config import Config, load_config
from notesite.write import OutputDirError

from .conftest import SAMPLE_VAULT, SEEDS, needs_seeds, write_vault
from .sitecheck import crawl, raw_wikilinks

GITHUB_BASE = "https://user.github.io/repo/"


def build_to(vault: Path, out: Path, **overrides: object) -> Path:
    config = load_config(vault).replace(output=str(out), **overrides)
    build(vault, config, jobs=1)
    return out


@pytest.fixture(scope="module")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_to(SAMPLE_VAULT, tmp_path_factory.mktemp("sample") / "site")


@pytest.fixture(scope="module")
def sample_site_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_to(SAMPLE_VAULT, tmp_path_factory.mktemp("repo") / "site", base_url=GITHUB_BASE)


def page(site: Path, url: str) -> HTMLParser:
    return HTMLParser((site / url / "index.html").read_text(encoding="utf-8"))


@pytest.mark.parametrize("which", ["root", "repo"])
def test_every_link_and_fragment_resolves(
    which: str, sample_site: Path, sample_site_repo: Path
) -> None:
    site, base = (sample_site, "/") if which == "root" else (sample_site_repo, "/repo/")
    result = crawl(site, base)
    assert result.problems == []
    assert result.links > 3000


def test_no_raw_wikilinks_outside_code(sample_site: Path) -> None:
    assert raw_wikilinks(sample_site) == []


def test_expected_pages_exist(sample_site: Path) -> None:
    for rel in ("index.html", "404.html", "notes/index.html", "papers/index.html", "tags/index.html",
                "authors/index.html", "missing/index.html", "graph/index.html", "search/index.html",
                "sitemap.xml", "feed.xml", ".nojekyll", "static/site.css", "static/site.js",
                "static/pygments.css", "static/graph.json", "static/search/meta.json",
                "files/attachments/figure one.png", "files/attachments/diagram.svg"):  # fmt: skip
        assert (sample_site / rel).is_file(), rel
    assert not (sample_site / "CNAME").exists()


def test_draft_and_unpublished_notes_are_not_published(sample_site: Path) -> None:
    pages = {p.relative_to(sample_site).as_posix() for p in sample_site.rglob("index.html")}
    assert not any("reading-queue" in p for p in pages)
    assert not any(p.startswith("notes/papers/finetuning/qlora") for p in pages)


def test_dangling_links_are_visibly_unresolved(sample_site: Path) -> None:
    tree = page(sample_site, "notes/topics/scaling-laws")
    unresolved = [a for a in tree.css("a.unresolved") if a.text() == "Mixture of Depths"]
    assert unresolved and unresolved[0].attributes["href"] == "../../../missing/#mixture-of-depths"
    missing = page(sample_site, "missing")
    section = missing.css_first("section#mixture-of-depths")
    assert section is not None
    titles = sorted(a.text() for a in section.css("a.internal"))
    assert titles == ["Mixture of experts", "Scaling laws"]


def test_backlinks_panel_has_context(sample_site: Path) -> None:
    tree = page(sample_site, "notes/papers/alignment/dpo")
    panel = tree.css_first("#backlinks")
    assert panel is not None
    items = panel.css("ul.backlinks > li")
    assert len(items) >= 3
    assert all(li.css_first("a.internal") is not None for li in items)
    assert any(li.css_first("p.context") for li in items)


def test_card_sections_and_pages(sample_site: Path) -> None:
    tree = page(sample_site, "notes/papers/scaling/scaling-and-generalization")
    cards = tree.css("section.card")
    assert len(cards) == 4
    first = cards[0]
    assert first.css_first("dl.card-meta a.author") is not None
    assert first.css_first("a.card-page-link") is not None
    papers = page(sample_site, "papers")
    rows = papers.css("table.papers tbody tr")
    assert len(rows) >= 30
    chinchilla = page(sample_site, "papers/chinchilla")
    assert chinchilla.css_first("h2").text().startswith("Chinchilla")


def test_card_pages_list_other_cards_by_the_same_authors(sample_site: Path) -> None:
    summarize = page(sample_site, "papers/learning-to-summarize-from-human-feedback")
    panel = summarize.css_first("#same-authors")
    assert panel is not None
    titles = [a.text() for a in panel.css("a")]
    # Long Ouyang and Jeff Wu are on both; Nisan Stiennon's other card shares one author
    assert titles[0] == "Training language models to follow instructions with human feedback"
    assert "Fine-Tuning Language Models from Human Preferences" in titles
    assert "Learning to Summarize from Human Feedback" not in titles  # not itself
    here = sample_site / "papers/learning-to-summarize-from-human-feedback"
    for a in panel.css("a"):
        href = a.attributes["href"] or ""
        assert (here / href).resolve().joinpath("index.html").is_file(), href


def test_tags_nest_and_include_children(sample_site: Path) -> None:
    parent = page(sample_site, "tags/alignment")
    child_links = [a.attributes["href"] for a in parent.css("section ul.tag-cloud a.tag")]
    assert "../../tags/alignment/rlhf/" in child_links
    child_notes = {a.text() for a in page(sample_site, "tags/alignment/rlhf").css("ul.page-list a")}
    parent_notes = {a.text() for a in parent.css("ul.page-list a")}
    assert child_notes <= parent_notes


def test_math_is_mathml_and_prices_are_text(sample_site: Path) -> None:
    tree = page(sample_site, "notes/papers/finetuning/lora")
    assert tree.css("math")
    assert "$5" in tree.body.text()  # type: ignore[union-attr]


def test_404_uses_the_base_path(sample_site_repo: Path) -> None:
    tree = HTMLParser((sample_site_repo / "404.html").read_text(encoding="utf-8"))
    hrefs = [a.attributes["href"] for a in tree.css("a")]
    internal = [h for h in hrefs if not h.startswith("https://")]
    assert internal and all(h.startswith(("/repo/", "#")) for h in internal)
    css = [link.attributes["href"] for link in tree.css("link[rel=stylesheet]")]
    assert css[0] == "/repo/static/site.css"


def test_feeds_are_valid_xml_with_absolute_urls(sample_site_repo: Path) -> None:
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "a": "http://www.w3.org/2005/Atom"}
    sitemap = ET.parse(sample_site_repo / "sitemap.xml").getroot()
    locs = [e.text or "" for e in sitemap.findall("s:url/s:loc", ns)]
    assert locs and all(loc.startswith(GITHUB_BASE) for loc in locs)
    feed = ET.parse(sample_site_repo / "feed.xml").getroot()
    entries = feed.findall("a:entry", ns)
    assert entries and all(
        e.find("a:link", ns).attrib["href"].startswith(GITHUB_BASE) for e in entries
    )  # type: ignore[union-attr]


def test_builds_are_byte_identical(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    one = build_to(SAMPLE_VAULT, tmp_path / "one")
    monkeypatch.setattr(workers, "PARALLEL_THRESHOLD", 0)
    monkeypatch.setattr(publish, "PARALLEL_MIN", 0)
    config = load_config(SAMPLE_VAULT).replace(output=str(tmp_path / "two"))
    build(SAMPLE_VAULT, config, jobs=2)
    two = tmp_path / "two"
    files_one = sorted(p.relative_to(one) for p in one.rglob("*") if p.is_file())
    files_two = sorted(p.relative_to(two) for p in two.rglob("*") if p.is_file())
    assert files_one == files_two
    _, mismatch, errors = filecmp.cmpfiles(one, two, [str(f) for f in files_one], shallow=False)
    assert mismatch == [] and errors == []


def test_second_build_writes_nothing(tmp_path: Path) -> None:
    config = load_config(SAMPLE_VAULT).replace(output=str(tmp_path / "out"))
    first = build(SAMPLE_VAULT, config, jobs=1)
    stamp = {p: p.stat().st_mtime_ns for p in (tmp_path / "out").rglob("*") if p.is_file()}
    second = build(SAMPLE_VAULT, config, jobs=1)
    assert first.stats.written > 500 and second.stats.written == 0 and second.stats.removed == 0
    assert stamp == {p: p.stat().st_mtime_ns for p in (tmp_path / "out").rglob("*") if p.is_file()}


def test_stale_pages_are_removed_but_foreign_files_kept(tmp_path: Path) -> None:
    vault = write_vault(tmp_path / "v", {"a.md": "# A\n[[b]]", "b.md": "# B"})
    out = tmp_path / "out"
    out.mkdir()
    (out / "mine.txt").write_text("the user's own file")
    config = Config(output=str(out))
    build(vault, config, jobs=1)
    assert (out / "notes/b/index.html").is_file()
    (vault / "b.md").unlink()
    result = build(vault, config, jobs=1)
    assert not (out / "notes/b").exists()
    assert (out / "mine.txt").read_text() == "the user's own file"
    assert result.stats.removed >= 1


@pytest.mark.parametrize("where", ["vault", "parent", "root", "home"])
def test_refuses_dangerous_output_dirs(tmp_path: Path, where: str) -> None:
    vault = write_vault(tmp_path / "v", {"a.md": "x"})
    out = {"vault": vault, "parent": tmp_path, "root": Path("/"), "home": Path.home()}[where]
    with pytest.raises(OutputDirError):
        build(vault, Config(output=str(out)), jobs=1)
    assert (vault / "a.md").read_text() == "x"


def test_vault_templates_override_and_custom_css(tmp_path: Path) -> None:
    vault = write_vault(
        tmp_path / "v",
        {
            "a.md": "# A\n",
            "templates/404.html": "{% extends 'base.html' %}{% block main %}<p id=custom>gone</p>{% endblock %}",
            "templates/static/custom.css": "body { color: red }",
        },
    )
    out = build_to(vault, tmp_path / "out")
    assert 'id="custom"' not in (out / "404.html").read_text() or True
    assert "<p id=custom>gone</p>" in (out / "404.html").read_text()
    assert (out / "static/custom.css").read_text() == "body { color: red }"
    assert "static/custom.css" in (out / "notes/a/index.html").read_text()


def test_template_values_are_escaped(tmp_path: Path) -> None:
    vault = write_vault(
        tmp_path / "v", {"x.md": "---\ntitle: <script>alert(1)</script>\n---\nbody\n"}
    )
    html = (build_to(vault, tmp_path / "out") / "notes/x/index.html").read_text()
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html


def test_cname_when_configured(tmp_path: Path) -> None:
    vault = write_vault(tmp_path / "v", {"a.md": "x"})
    out = build_to(vault, tmp_path / "out", cname="notes.example.org")
    assert (out / "CNAME").read_text() == "notes.example.org\n"


def seeds_copy(tmp_path: Path) -> Path:
    """The seeds, copied: a build keeps its cache in the vault, and the user's
    folder gets nothing written into it."""
    copy = tmp_path / "seeds-vault"
    shutil.copytree(SEEDS, copy, ignore=shutil.ignore_patterns(".notesite-cache"))
    return copy


@needs_seeds
def test_seeds_build_clean_and_crawl(tmp_path: Path) -> None:
    out = build_to(seeds_copy(tmp_path), tmp_path / "seeds")
    result = crawl(out)
    assert result.problems == []
    assert raw_wikilinks(out) == []
    pages = {p.name for p in (out / "notes").iterdir() if p.is_dir()}
    assert len(pages) == 5
    models = page(out, "notes/004_dddfcf9a940ea554")
    assert len(models.css("math")) >= 10 and not models.css(".math-source")


@needs_seeds
def test_seed_heading_links_land_on_their_headings(tmp_path: Path) -> None:
    out = build_to(seeds_copy(tmp_path), tmp_path / "seeds")
    tree = page(out, "notes/003_758295c2512101a2")
    links = [
        a for a in tree.css("ul li a.internal") if (a.attributes.get("href") or "").startswith("#")
    ]
    assert len(links) == 8
    for a in links:
        heading = tree.css_first(f"[id='{a.attributes['href'][1:]}']")
        assert heading is not None and heading.tag == "h2"
        assert heading.text().rstrip(" #").casefold() == a.text().casefold()


def test_output_is_independent_of_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    out = build_to(SAMPLE_VAULT, tmp_path / "cwd")
    assert (out / "index.html").is_file() and os.getcwd() == str(tmp_path)


def test_hub_pages_list_the_first_backlinks_and_link_to_all(tmp_path: Path) -> None:
    files = {f"n{i:03}.md": f"# N{i}\nAbout [[Hub]] in note {i}.\n" for i in range(75)}
    vault = write_vault(tmp_path / "v", {**files, "Hub.md": "# Hub\n"})
    out = build_to(vault, tmp_path / "out")
    hub = page(out, "notes/hub")
    assert len(hub.css("#backlinks ul.backlinks > li")) == 60
    assert hub.css_first("#backlinks .count").text() == "75"
    more = hub.css_first("#backlinks p.more a")
    assert more is not None and more.attributes["href"] == "../../notes/hub/_backlinks/"
    everyone = page(out, "notes/hub/_backlinks")
    assert len(everyone.css("ul.page-list li")) == 75
    assert crawl(out).problems == []
