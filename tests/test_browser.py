"""Browser check: the index and every built page, opened in headless Chromium (Debian's
/usr/bin/chromium driven by Playwright), show no console errors, load every image, resolve every
internal link, show no code cells and request nothing from the network.

A screenshot of the index is saved to ``test-artifacts/index.png`` (git-ignored; set
``TEST_ARTIFACTS_DIR`` to put it elsewhere). `.ci/run` installs chromium when it is missing.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from analysis import paths

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS_DIR") or paths.PROJECT_ROOT / "test-artifacts")

#: Elements that would show notebook code or prompts to a reader.
CODE_SELECTORS = ", ".join([".jp-CodeCell .jp-InputArea", ".jp-InputPrompt", ".jp-OutputPrompt",
                            ".jp-CodeMirrorEditor", ".jp-Editor", ".highlight"])


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: `apt-get install chromium` (.ci/run does it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


def inspect_page(browser, path: Path, screenshot: Path | None = None) -> dict:
    """Open a page and collect what the checks need."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    found = {"console_errors": [], "requests": []}
    page.on("console", lambda m: found["console_errors"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: found["console_errors"].append(str(e)))
    page.on("requestfailed", lambda r: found["console_errors"].append(f"failed: {r.url[:80]}"))
    page.on("request", lambda r: found["requests"].append(r.url))
    page.goto(path.as_uri(), wait_until="load")
    found["images"] = page.evaluate("""Array.from(document.images).map(i => ({
        src: (i.getAttribute('src') || '').slice(0, 40), complete: i.complete,
        width: i.naturalWidth, height: i.naturalHeight, alt: i.getAttribute('alt')}))""")
    found["links"] = page.evaluate("""Array.from(document.querySelectorAll('a[href]')).map(a => ({
        href: a.getAttribute('href'), resolved: a.href}))""")
    found["ids"] = set(page.evaluate("Array.from(document.querySelectorAll('[id]')).map(e => e.id)"))
    found["visible_code"] = page.evaluate(f"""Array.from(document.querySelectorAll({CODE_SELECTORS!r}))
        .filter(e => e.getClientRects().length > 0 && e.innerText.trim() !== '')
        .map(e => e.innerText.slice(0, 80))""")
    found["scripts"] = page.evaluate("document.querySelectorAll('script').length")
    found["text"] = page.evaluate("document.body.innerText")
    if screenshot:
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(screenshot), full_page=True)
    context.close()
    return found


def broken_links(found: dict, folder: Path) -> list[str]:
    """Internal links whose file or anchor does not exist (external http(s) links are skipped)."""
    broken = []
    for link in found["links"]:
        href, parts = link["href"], urlsplit(link["resolved"])
        if parts.scheme in ("http", "https", "mailto"):
            continue
        if href.startswith("#"):
            if unquote(href[1:]) not in found["ids"] and href[1:] not in found["ids"]:
                broken.append(href)
            continue
        target = Path(unquote(parts.path))
        if parts.scheme != "file" or not target.is_file():
            broken.append(href)
        elif parts.fragment and f'id="{parts.fragment}"' not in target.read_text(errors="replace"):
            broken.append(href)
    return broken


@pytest.fixture(scope="module")
def visited(built, browser):
    shipped, results, out = built
    pages = {"index": inspect_page(browser, out / "index.html", ARTIFACTS / "index.png")}
    for name in results:
        pages[name] = inspect_page(browser, out / f"{name}.html")
    return shipped, results, out, pages


def test_every_page_opens_without_console_errors_or_network_requests(visited):
    shipped, results, out, pages = visited
    assert set(pages) == {"index", *results}
    for name, found in pages.items():
        assert found["console_errors"] == [], name
        outside = [u for u in found["requests"] if not u.startswith(("file://", "data:"))]
        assert outside == [], f"{name} requested {outside}"
        assert found["scripts"] == 0, name


def test_every_image_loads_with_a_size_and_alt_text(visited):
    shipped, results, out, pages = visited
    for name in shipped:
        assert pages[name]["images"], f"{name} shows no figure"
    for name, found in pages.items():
        for image in found["images"]:
            assert image["complete"] and image["width"] > 0 and image["height"] > 0, (name, image)
            assert image["alt"], (name, image)


def test_every_internal_link_resolves(visited):
    shipped, results, out, pages = visited
    for name, found in pages.items():
        assert broken_links(found, out) == [], name
    index_targets = {link["href"] for link in pages["index"]["links"]}
    assert {f"{name}.html" for name in results} <= index_targets
    for name in shipped:
        hrefs = {link["href"] for link in pages[name]["links"]}
        assert {"index.html", f"{name}.ipynb", "#Summary", "#provenance"} <= hrefs


def test_no_code_cells_are_visible(visited):
    shipped, results, out, pages = visited
    for name, found in pages.items():
        assert found["visible_code"] == [], name


def test_text_from_data_shows_as_text(visited):
    shipped, results, out, pages = visited
    text = pages["escaping"]["text"]
    assert "Talks <script>alert('x')</script> & <b>bold</b> in Kabul" in text
    assert "Text from data <script>alert('title')</script> stays text" in text


def test_failure_pages_show_the_error_plainly(visited):
    shipped, results, out, pages = visited
    text = pages["fails_at_runtime"]["text"]
    assert "This report failed to build" in text and "no_such_file.csv" in text
    assert "did you mean `violence_measure`?" in pages["unknown_parameter"]["text"]


def test_index_screenshot_is_saved(visited):
    screenshot = ARTIFACTS / "index.png"
    assert screenshot.is_file() and screenshot.stat().st_size > 10_000
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
