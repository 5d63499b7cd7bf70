"""The site's JavaScript in real headless Chromium, served like GitHub Pages under /repo/."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from notesite.build import build
from notesite.config import load_config

from .conftest import SAMPLE_VAULT
from .pages_server import serve_pages

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    out = tmp_path_factory.mktemp("browser") / "site"
    config = load_config(SAMPLE_VAULT).replace(
        output=str(out), base_url="https://user.github.io/repo/"
    )
    build(SAMPLE_VAULT, config, jobs=1)
    with serve_pages(out) as url:
        yield url


@pytest.fixture
def page(browser: Any, site_url: str) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.errors = errors
    yield page
    context.close()


@pytest.mark.parametrize(
    "path",
    ["", "notes/papers/alignment/dpo/", "papers/", "tags/", "tags/alignment/", "authors/", "graph/",
     "missing/", "search/?q=lora", "notes/", "papers/chinchilla/", "no/such/page/"],
)  # fmt: skip
def test_pages_load_without_errors(page: Any, site_url: str, path: str) -> None:
    response = page.goto(site_url + path)
    assert response.status == (404 if path.startswith("no/") else 200)
    page.wait_for_load_state("networkidle")
    css = page.evaluate("getComputedStyle(document.querySelector('.site-header')).display")
    assert css != "inline", "site.css did not load"
    # the 404 page's own status is reported as a failed load; nothing else may fail
    errors = [e for e in page.errors if not (path.startswith("no/") and "404 (Not Found)" in e)]
    assert errors == []


def test_search_finds_a_paper_and_opens_it(page: Any, site_url: str) -> None:
    page.goto(site_url + "notes/")
    page.keyboard.press("/")
    page.keyboard.type("preferen")
    results = page.locator("header .search-results a")
    results.first.wait_for()
    titles = results.all_inner_texts()
    assert any("Direct Preference Optimization" in t for t in titles)
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert page.url.startswith(site_url)
    assert "/notes/" in page.url or "/papers/" in page.url
    assert page.errors == []


def test_search_page_reads_the_query(page: Any, site_url: str) -> None:
    page.goto(site_url + "search/?q=tülu")
    result = page.locator("form.search-page .search-results a").first
    result.wait_for()
    assert "Tülu" in result.inner_text()


def test_popover_previews_a_linked_note(page: Any, site_url: str) -> None:
    page.goto(site_url + "notes/papers/alignment/dpo/")
    # a link to a block (#^reward-hacking-para): the preview is that paragraph
    link = page.locator(
        "main .note-body a.internal[href$='alignment-overview/#^reward-hacking-para']"
    ).first
    link.hover()
    popover = page.locator(".popover")
    popover.wait_for(state="visible", timeout=5000)
    text = popover.inner_text()
    assert "reward model" in text and "Contents" not in text
    assert popover.locator("[id]").count() == 0
    page.mouse.move(5, 5)
    popover.wait_for(state="hidden", timeout=5000)


def test_graph_draws_and_opens_a_node(page: Any, site_url: str) -> None:
    page.goto(site_url + "graph/")
    canvas = page.locator(".graph-full canvas")
    canvas.wait_for()
    page.wait_for_timeout(1500)
    painted = page.evaluate(
        """() => {
            const c = document.querySelector('.graph-full canvas');
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i]) n++;
            return n;
        }"""
    )
    assert painted > 500


def test_local_graph_on_a_note_page(page: Any, site_url: str) -> None:
    page.goto(site_url + "notes/topics/alignment-overview/")
    page.locator("#local-graph").scroll_into_view_if_needed()
    page.locator("#local-graph canvas").wait_for()
    assert page.errors == []


def test_papers_table_sorts_and_filters(page: Any, site_url: str) -> None:
    page.goto(site_url + "papers/")
    rows = page.locator("table.papers tbody tr")
    total = rows.count()
    assert total >= 30
    page.fill("input.table-filter", "chinchilla")
    visible = page.locator("table.papers tbody tr:not([hidden])")
    assert 1 <= visible.count() < total
    assert "Chinchilla" in visible.first.inner_text()
    page.fill("input.table-filter", "")
    header = page.locator("table.papers th").first
    header.click()
    first = page.locator("table.papers tbody tr td:first-child").first.inner_text()
    header.click()
    last_first = page.locator("table.papers tbody tr td:first-child").first.inner_text()
    assert first != last_first
    assert header.get_attribute("aria-sort") in ("ascending", "descending")


def test_folded_callout_opens_for_its_fragment(page: Any, site_url: str) -> None:
    page.goto(site_url + "notes/topics/alignment-overview/")
    folded = page.locator("details.callout:not([open])")
    if folded.count() == 0:
        pytest.fail("the sample vault should hold a folded callout")
    assert page.errors == []


def test_phone_width_has_no_horizontal_scroll(browser: Any, site_url: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    page = context.new_page()
    for path in ("", "notes/papers/alignment/dpo/", "papers/"):
        page.goto(site_url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, path
    context.close()
