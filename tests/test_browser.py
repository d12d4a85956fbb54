"""Browser check: the index and every built page, opened in headless Chromium (Debian's
/usr/bin/chromium driven by Playwright) at a phone's 390 px and a laptop's 1280 px, show no
console errors, load every image, resolve every internal link, show no code cells and request
nothing from the network; open with their Key findings; are never wider than the screen; cut no
table cell; label table columns for readers (no ``event_type``); say "p < 0.001", never "p = 0.000" or "(s)"; number figures 1..n; carry at most
80 KB of CSS; and have no serious or critical axe-core violation (axe-playwright-python).

Screenshots go to ``test-artifacts/`` (git-ignored; set ``TEST_ARTIFACTS_DIR`` to put them
elsewhere): the whole index, and each page's first screen at both widths. `.ci/run` installs
chromium when it is missing.
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
CODE_SELECTORS = ", ".join(
    [
        ".jp-CodeCell .jp-InputArea",
        ".jp-InputPrompt",
        ".jp-OutputPrompt",
        ".jp-CodeMirrorEditor",
        ".jp-Editor",
        ".highlight",
    ]
)


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


#: Widths every page is checked at: a phone and a laptop.
WIDTHS = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1280, "height": 900}}
#: Pages whose notebook opens with a ``## Key findings`` section: every report of the shipped set
#: (page-name prefixes; the fixture pages of the builder tests have none).
KEY_FINDINGS_PAGES = ("data_overview", "claims_check", "engagement_", "violence_trends", "method_validation")
#: The CSS a page may carry, excluding figures.
CSS_BUDGET = 80 * 1024
#: Reader-text defects that come from code another change owns, by page prefix; each names its
#: source. Remove an entry when its source is fixed (the check then holds for that page).
PENDING: dict[str, dict[str, str]] = {}


def pending(name: str, check: str) -> bool:
    """True if ``check`` is known to fail on page ``name`` because of code owned elsewhere."""
    return any(name.startswith(prefix) and check in checks for prefix, checks in PENDING.items())


#: Collected in the page: the layout and reader checks (one evaluate call per page and width).
READER_CHECKS = """() => {
  const main = document.querySelector('main');
  const firstH2 = main ? main.querySelector('h2') : null;
  let findings = null;
  if (firstH2 && firstH2.id === 'Key-findings') {
    const cell = firstH2.closest('.jp-Cell');
    const next = cell ? cell.nextElementSibling : null;
    const firstCell = main.querySelector('.jp-Cell');
    findings = {first: firstCell === cell, top: firstH2.getBoundingClientRect().top,
                items: next ? Array.from(next.querySelectorAll('li')).map(li => li.innerText.trim()) : []};
  }
  const cells = Array.from(document.querySelectorAll('td, th')).map(c => c.innerText.trim());
  let css = 0;
  for (const style of document.querySelectorAll('style')) css += new Blob([style.textContent]).size;
  for (const link of document.querySelectorAll('link[rel=stylesheet]')) css += 1e9;  // none allowed
  return {
    findings: findings, firstH2: firstH2 ? firstH2.id : null,
    scrollWidth: document.scrollingElement.scrollWidth, innerWidth: window.innerWidth,
    cutCells: cells.filter(t => t.endsWith('...') || t.endsWith('\u2026')).map(t => t.slice(-60)),
    snakeHeaders: Array.from(document.querySelectorAll('th')).map(c => c.innerText.trim())
      .filter(t => /^[a-z][a-z0-9]*(_[a-z0-9]+)+$/.test(t)),
    figures: Array.from(document.querySelectorAll('figcaption')).map(f => f.innerText.trim())
      .map(t => (t.match(/^Figure (\\d+)\\./) || [])[1]).filter(n => n !== undefined).map(Number),
    css: css,
  };
}"""


def run_axe(page) -> list[dict]:
    """Serious and critical axe-core violations on the open page (axe-playwright-python)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"resultTypes": ["violations"]})
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "nodes": len(v["nodes"]),
            "target": v["nodes"][0]["target"] if v["nodes"] else None,
        }
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def inspect_page(
    browser,
    path: Path,
    screenshot: Path | None = None,
    width: str = "laptop",
    full_page: bool = False,
    details: bool = True,
) -> dict:
    """Open a page at one of :data:`WIDTHS` and collect what the checks need."""
    context = browser.new_context(viewport=WIDTHS[width])
    page = context.new_page()
    found = {"console_errors": [], "requests": []}
    page.on("console", lambda m: found["console_errors"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: found["console_errors"].append(str(e)))
    page.on("requestfailed", lambda r: found["console_errors"].append(f"failed: {r.url[:80]}"))
    page.on("request", lambda r: found["requests"].append(r.url))
    page.goto(path.as_uri(), wait_until="load")
    if details:
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
    found.update(page.evaluate(READER_CHECKS))
    found["viewport_height"] = WIDTHS[width]["height"]
    if screenshot:
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(screenshot), full_page=full_page)
    found["axe"] = run_axe(page)
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
    """Every page at laptop width (all checks, first-screen screenshot) and at phone width
    (layout, reader and axe checks, screenshot); the index's screenshot is of the whole page."""
    shipped, results, out = built
    pages = {"index": inspect_page(browser, out / "index.html", ARTIFACTS / "index.png", full_page=True)}
    narrow = {
        "index": inspect_page(
            browser, out / "index.html", ARTIFACTS / "index-390.png", width="phone", details=False
        )
    }
    for name in results:
        pages[name] = inspect_page(browser, out / f"{name}.html", ARTIFACTS / f"{name}-1280.png")
        narrow[name] = inspect_page(
            browser, out / f"{name}.html", ARTIFACTS / f"{name}-390.png", width="phone", details=False
        )
    return shipped, results, out, pages, narrow


def test_every_page_opens_without_console_errors_or_network_requests(visited):
    shipped, results, out, pages, narrow = visited
    assert set(pages) == {"index", *results}
    for name, found in pages.items():
        assert found["console_errors"] == [], name
        outside = [u for u in found["requests"] if not u.startswith(("file://", "data:"))]
        assert outside == [], f"{name} requested {outside}"
        assert found["scripts"] == 0, name


def test_every_image_loads_with_a_size_and_alt_text(visited):
    shipped, results, out, pages, narrow = visited
    for name in shipped:
        assert pages[name]["images"], f"{name} shows no figure"
    for name, found in pages.items():
        for image in found["images"]:
            assert image["complete"] and image["width"] > 0 and image["height"] > 0, (name, image)
            assert image["alt"], (name, image)


def test_every_internal_link_resolves(visited):
    shipped, results, out, pages, narrow = visited
    for name, found in pages.items():
        assert broken_links(found, out) == [], name
    index_targets = {link["href"] for link in pages["index"]["links"]}
    assert {f"{name}.html" for name in results} <= index_targets
    for name in shipped:
        hrefs = {link["href"] for link in pages[name]["links"]}
        assert {"index.html", f"{name}.ipynb", "#Summary", "#provenance"} <= hrefs


def test_no_code_cells_are_visible(visited):
    shipped, results, out, pages, narrow = visited
    for name, found in pages.items():
        assert found["visible_code"] == [], name


def test_text_from_data_shows_as_text(visited):
    shipped, results, out, pages, narrow = visited
    text = pages["escaping"]["text"]
    assert "Talks <script>alert('x')</script> & <b>bold</b> in Kabul" in text
    assert "Text from data <script>alert('title')</script> stays text" in text


def test_failure_pages_show_the_error_plainly(visited):
    shipped, results, out, pages, narrow = visited
    text = pages["fails_at_runtime"]["text"]
    assert "This report failed to build" in text and "no_such_file.csv" in text
    assert "did you mean `violence_measure`?" in pages["unknown_parameter"]["text"]


def test_index_screenshot_is_saved(visited):
    screenshot = ARTIFACTS / "index.png"
    assert screenshot.is_file() and screenshot.stat().st_size > 10_000
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# --------------------------------------------------------------------------
# Reader checks, at 390 px and 1280 px
# --------------------------------------------------------------------------


def _both_widths(visited):
    shipped, results, out, pages, narrow = visited
    for name in pages:
        yield name, "1280 px", pages[name]
        yield name, "390 px", narrow[name]


def test_key_findings_come_first_with_one_to_five_short_items(visited):
    for name, width, found in _both_widths(visited):
        if not name.startswith(KEY_FINDINGS_PAGES):
            continue
        findings = found["findings"]
        assert findings, f"{name} at {width}: the first section is {found['firstH2']!r}, not Key findings"
        assert findings["first"], f"{name} at {width}: something comes before Key findings"
        assert 1 <= len(findings["items"]) <= 5, (name, width, findings["items"])
        assert all(0 < len(item) < 300 for item in findings["items"]), (name, findings["items"])
        assert findings["top"] < found["viewport_height"], f"{name} at {width}: not on the first screen"


def test_no_page_is_wider_than_the_screen(visited):
    for name, width, found in _both_widths(visited):
        assert found["scrollWidth"] <= found["innerWidth"], (name, width, found["scrollWidth"])


def test_no_table_cell_is_cut(visited):
    for name, width, found in _both_widths(visited):
        assert found["cutCells"] == [], (name, width)


def test_table_headers_are_reader_labels_not_variable_names(visited):
    for name, width, found in _both_widths(visited):
        assert found["snakeHeaders"] == [], (name, width, found["snakeHeaders"])


def test_reader_words_have_no_machine_forms(visited):
    for name, width, found in _both_widths(visited):
        for bad in ("p = 0.000", "(s)"):
            if not pending(name, bad):
                assert bad not in found["text"], f"{name} at {width} shows {bad!r}"


def test_figures_are_numbered_one_to_n_in_order(visited):
    for name, width, found in _both_widths(visited):
        if not pending(name, "figures 1..n"):
            assert found["figures"] == list(range(1, len(found["figures"]) + 1)), (name, found["figures"])


def test_no_serious_or_critical_accessibility_violation(visited):
    for name, width, found in _both_widths(visited):
        assert found["axe"] == [], f"{name} at {width}: {found['axe']}"


def test_css_weight_is_within_budget(visited):
    for name, width, found in _both_widths(visited):
        assert found["css"] <= CSS_BUDGET, f"{name}: {found['css'] / 1024:.0f} KB of CSS"


def test_screenshots_at_both_widths_are_saved(visited):
    shipped, results, out, pages, narrow = visited
    for name in ("index", *shipped):
        for suffix in ("", "-390") if name == "index" else ("-1280", "-390"):
            shot = ARTIFACTS / f"{name}{suffix}.png"
            assert shot.is_file() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", shot
