"""The HTML the builder writes itself: report header and provenance footer,
table of contents, failure pages and the index.

Plain string building with every value escaped; no nbconvert here, so the
index of a build whose reports are all reused costs nothing to write.
"""

from __future__ import annotations

import html
import json
import re
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from analysis.provenance import citation, git_commit, library_versions
from analysis.reporting.atomic import write_atomic

#: Shown in the index for each status.
STATUS_TEXT = {
    "built": "built",
    "reused": "reused from cache",
    "failed": "failed",
    "not rebuilt": "not rebuilt",
    "interrupted": "interrupted",
}
_STATUS_COLOUR = {
    "built": "#1e7a46",
    "reused": "#1f5f8b",
    "failed": "#b03a2e",
    "not rebuilt": "#555555",
    "interrupted": "#8a5a00",
}

PAGE_CSS = """
<style>
main.report-page, .report-index { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif;
  color: #1a1a1a; overflow-wrap: break-word; }
main.report-page { max-width: 68rem; margin: 0 auto; padding: 0 1rem; }
.report-header, .report-footer, .report-toc, .report-index {
  font-family: system-ui, -apple-system, "Segoe UI", sans-serif; line-height: 1.45; }
.report-header, .report-footer, .report-toc { margin: 1.2rem 0; }
.report-index { max-width: 68rem; margin: 1.5rem auto; padding: 0 1rem; }
.report-header a, .report-footer a, .report-toc a, .report-index a { color: #1a5a96;
  text-decoration: underline; }
.report-header h1 { margin: 0.3rem 0 0.2rem; }
.report-subtitle { font-size: 1.15rem; color: #333; margin: 0 0 0.4rem; }
.report-meta, .report-nav { color: #555; font-size: 0.9rem; margin: 0.2rem 0; }
.report-toc { border-left: 3px solid #c9d3dc; padding: 0.2rem 1rem; }
.report-toc-title { font-weight: bold; margin: 0.2rem 0; }
.report-toc ul { margin: 0.2rem 0; padding-left: 1.2rem; }
.report-footer { border-top: 1px solid #ccc; padding-top: 1rem; font-size: 0.85rem; color: #333; }
.report-footer table, .report-header table, .report-index table { border-collapse: collapse; }
.report-footer td, .report-footer th, .report-header td, .report-header th,
.report-index td, .report-index th { border: 1px solid #ddd; padding: 0.25rem 0.5rem;
  text-align: left; vertical-align: top; overflow-wrap: anywhere; }
.report-footer code, .report-header code, .report-index code { overflow-wrap: anywhere; }
.report-index .status-word { font-weight: bold; white-space: nowrap; }
.report-index td.status small { color: #444; font-weight: normal; }
.report-index td.status { max-width: 24rem; }
.report-index td.when { white-space: nowrap; }
.report-index .question { font-size: 1.1rem; background: #eef4fa; border-left: 5px solid #1a5a96;
  padding: 0.6rem 1rem; }
.report-cards { list-style: none; padding: 0; margin: 1rem 0; display: grid; gap: 1rem;
  grid-template-columns: repeat(auto-fill, minmax(min(100%, 19rem), 1fr)); }
.report-card { border: 1px solid #d5dbe1; border-radius: 6px; padding: 0.8rem; }
.report-card h3 { font-size: 1.05rem; margin: 0.4rem 0; }
.report-card img { display: block; max-width: 100%; height: auto; border: 1px solid #eee; }
.report-card .headline { margin: 0.4rem 0; }
.report-card .no-headline { color: #555; font-style: italic; }
.table-box { max-width: 100%; overflow: auto; }
.report-failed { background: #fdecea; border: 2px solid #b03a2e; padding: 1rem; }
.report-failed pre { white-space: pre-wrap; background: #fff; padding: 0.5rem; overflow-wrap: anywhere; }
figure.report-figure figcaption { font-size: 0.92rem; color: #333; }
.report-index h1 { font-size: 1.8rem; line-height: 1.25; }
@media (max-width: 40rem) { .report-index h1, .report-header h1 { font-size: 1.45rem; } }
@media print { .report-nav, .report-toc { display: none; } .report-index a { color: inherit; } }
</style>
"""

TOC_MARKER = "<!-- report-toc -->"
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@dataclass
class Provenance:
    """What a report's footer states about where its numbers came from."""

    commit: str
    notebook: str
    notebook_sha256: str
    data_sha256: dict[str, str]
    parameters: dict[str, Any]
    versions: dict[str, str]
    generated: str
    declared: dict[str, dict[str, Any]] | None = None
    citation: str | None = None


#: Parameters that seed a notebook's random draws (bootstrap, Monte Carlo, placebo):
#: named ``seed`` or ending in ``_seed``; the footer states their values.
_SEED = re.compile(r"(^|_)seed$")


def seed_values(parameters: dict[str, Any], declared: dict[str, dict[str, Any]] | None) -> dict[str, str]:
    """Each seed parameter's value as used: the report set's, else the notebook default."""
    names = [n for n in {**(declared or {}), **parameters} if _SEED.search(n)]
    return {
        n: (
            json.dumps(parameters[n], default=str)
            if n in parameters
            else str((declared or {})[n].get("default", ""))
        )
        for n in names
    }


@dataclass
class BuildResult:
    """What happened to one report in a build.

    ``status`` is ``"built"``, ``"reused"`` (unchanged inputs: page kept from the
    cache), ``"failed"``, ``"not rebuilt"`` (outside ``--only``; page kept), or
    ``"interrupted"`` (the build was stopped before the report finished; its previous
    page, if any, is kept).
    """

    name: str
    title: str
    notebook: str
    parameters: dict[str, Any]
    status: str
    seconds: float
    html_path: Path
    ipynb_path: Path | None
    error: str | None = None
    reason: str | None = None
    built_at: str | None = None
    data_files: list[Path] = field(default_factory=list)


def escape(value: Any) -> str:
    """HTML-escape any value's text."""
    return html.escape(str(value))


def parameters_table(parameters: dict[str, Any], declared: dict[str, dict[str, Any]] | None = None) -> str:
    """The parameters as a table.

    With ``declared`` (the notebook's parameters, from papermill's inspection)
    every parameter is listed with the value used, where it was set and its
    description; without it, only the values the report set gives.
    """

    def value(v: Any) -> str:
        return escape(json.dumps(v, ensure_ascii=False, default=str))

    if declared:
        rows = []
        for name, info in declared.items():
            if name in parameters:
                used, source = value(parameters[name]), "report set"
            else:
                used, source = escape(info.get("default", "")), "notebook default"
            rows.append(
                f"<tr><td><code>{escape(name)}</code></td><td><code>{used}</code></td>"
                f"<td>{source}</td><td>{escape(info.get('help', ''))}</td></tr>"
            )
        return (
            "<table><tr><th>parameter</th><th>value</th><th>set by</th><th>meaning</th></tr>"
            f"{''.join(rows)}</table>"
        )
    if not parameters:
        return "<p>Notebook defaults (no parameters overridden).</p>"
    rows = "".join(
        f"<tr><td><code>{escape(k)}</code></td><td><code>{value(v)}</code></td></tr>"
        for k, v in parameters.items()
    )
    return f"<table><tr><th>parameter</th><th>value</th></tr>{rows}</table>"


def header_html(
    title: str,
    *,
    subtitle: str | None,
    generated: str,
    notebook: str,
    parameters: dict[str, Any],
    ipynb_name: str | None,
    declared: dict[str, dict[str, Any]] | None = None,
) -> str:
    """Report header: links, title, subtitle, date and parameters."""
    links = ['<a href="index.html">All reports</a>']
    if ipynb_name:
        links.append(f'<a href="{escape(ipynb_name)}">Executed notebook (.ipynb)</a>')
    sub = (
        f'<p class="report-subtitle">{escape(subtitle)}</p>'
        if subtitle and subtitle.strip() != title.strip()
        else ""
    )  # never the title twice
    return (
        f'<header class="report-header"><p class="report-nav">{" · ".join(links)}</p>'
        f"<h1>{escape(title)}</h1>{sub}"
        f'<p class="report-meta">Generated {escape(generated)} from <code>{escape(notebook)}</code>'
        f' · <a href="#provenance">Provenance</a></p>'
        f"<details><summary>Parameters</summary>{parameters_table(parameters, declared)}"
        f"</details></header>"
    )


def footer_html(prov: Provenance) -> str:
    """Provenance footer: commit, how to cite, random seeds, notebook and data hashes,
    parameters, versions."""
    files = "".join(
        f"<tr><td><code>{escape(f)}</code></td><td><code>{escape(h)}</code></td></tr>"
        for f, h in prov.data_sha256.items()
    )
    versions = "".join(f"<tr><td>{escape(k)}</td><td>{escape(v)}</td></tr>" for k, v in prov.versions.items())
    cite = (
        f'<p class="report-cite"><strong>How to cite:</strong> {escape(prov.citation)}</p>'
        if prov.citation
        else ""
    )
    seeds = seed_values(prov.parameters, prov.declared)
    seeded = (
        (
            "<p>Random draws are seeded, so a rebuild gives the same numbers: "
            + ", ".join(f"<code>{escape(n)}</code> = <code>{escape(v)}</code>" for n, v in seeds.items())
            + ".</p>"
        )
        if seeds
        else ""
    )
    return (
        f'<footer class="report-footer" id="provenance"><h2>Provenance</h2>'
        f"<p>Generated {escape(prov.generated)} from git commit <code>{escape(prov.commit)}</code>; "
        f"notebook <code>{escape(prov.notebook)}</code> "
        f"(sha256 <code>{escape(prov.notebook_sha256)}</code>).</p>{cite}{seeded}"
        f"<p>Data files read (SHA-256 of their content):</p>"
        f"<table><tr><th>file</th><th>sha256</th></tr>{files}</table>"
        f"<p>Parameters:</p>{parameters_table(prov.parameters, prov.declared)}"
        f"<p>Versions:</p><table><tr><th>software</th><th>version</th></tr>{versions}</table>"
        f"</footer>"
    )


_HEADING = re.compile(r'<h([1-6]) id="([^"]*)">(.*?)</h\1>', re.S)
_TAGS = re.compile(r"<[^>]+>")
_ANCHOR = re.compile(r'<a class="anchor-link" href="[^"]*">.*?</a>', re.S)


def unique_heading_ids(page: str) -> str:
    """Give repeated heading ids a ``-2``, ``-3`` … suffix (and fix their ``¶`` links)."""
    seen: dict[str, int] = {}

    def fix(match: re.Match) -> str:
        level, ident, inner = match.groups()
        seen[ident] = seen.get(ident, 0) + 1
        if seen[ident] == 1:
            return match.group(0)
        new = f"{ident}-{seen[ident]}"
        inner = inner.replace(f'href="#{ident}"', f'href="#{new}"')
        return f'<h{level} id="{new}">{inner}</h{level}>'

    return _HEADING.sub(fix, page)


def headings(page: str, levels: Iterable[int] = (2, 3)) -> list[tuple[int, str, str]]:
    """``(level, id, text)`` of every heading with an id at the given levels, in page order.

    ``id`` is returned as it appears in the attribute (already escaped);
    ``text`` is plain text (unescaped).
    """
    wanted = set(levels)
    found = []
    for match in _HEADING.finditer(page):
        level = int(match.group(1))
        if level in wanted:
            text = html.unescape(_TAGS.sub("", _ANCHOR.sub("", match.group(3)))).strip()
            found.append((level, match.group(2), text))
    return found


def table_of_contents(entries: list[tuple[int, str, str]]) -> str:
    """A nested list of links to the headings (h3 under the preceding h2)."""
    if not entries:
        return ""
    items, open_sub = [], False
    for level, ident, text in entries:
        link = f'<a href="#{ident}">{escape(text)}</a>'
        if level >= 3 and items:
            if not open_sub:
                items[-1] = items[-1].removesuffix("</li>") + "<ul>"
                open_sub = True
            items.append(f"<li>{link}</li>")
        else:
            if open_sub:
                items.append("</ul></li>")
                open_sub = False
            items.append(f"<li>{link}</li>")
    if open_sub:
        items.append("</ul></li>")
    return (
        f'<nav class="report-toc" aria-label="Contents"><p class="report-toc-title">Contents</p>'
        f"<ul>{''.join(items)}</ul></nav>"
    )


def failure_html(
    title: str,
    *,
    parameters: dict[str, Any],
    error: str,
    failing_source: str,
    traceback: str,
    ipynb_name: str | None,
    notebook: str,
    generated: str,
    provenance: Provenance | None,
) -> str:
    """A page that states plainly that the report failed, with the failing cell and error."""
    cell = f"<h3>Failing cell</h3><pre>{escape(failing_source)}</pre>" if failing_source else ""
    first = error.splitlines()[0] if error else "unknown error"
    intro = f"<p>{escape(first)}</p>" if traceback else ""
    body = (
        f'<section class="report-failed"><h2 id="failed">This report failed to build</h2>'
        f"{intro}{cell}"
        f"<h3>Error</h3><pre>{escape(traceback or error)}</pre></section>"
    )
    header = header_html(
        title,
        subtitle=None,
        generated=generated,
        notebook=notebook,
        parameters=parameters,
        ipynb_name=ipynb_name,
        declared=provenance.declared if provenance else None,
    )
    footer = footer_html(provenance) if provenance else ""
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1.0'>"
        f"<title>{escape(title)} (failed)</title>{PAGE_CSS}</head>"
        f'<body><main class="report-page">{header}<div class="report-header">{body}</div>'
        f"{footer}</main></body></html>"
    )


#: The question the collection asks, stated first on the index.
RESEARCH_QUESTION = (
    "Since the Taliban took Kabul in August 2021, does diplomatic engagement "
    "between Pakistan and Afghanistan move with, lead or follow militant "
    "violence in Pakistan?"
)

_KEY_FINDINGS_HEADING = re.compile(r"^\s*##\s+key findings\s*$", re.IGNORECASE)
_IMG_TAG = re.compile(r"<img\b[^>]*>", re.S)
_ATTR = re.compile(r'(\w[\w-]*)="([^"]*)"')
_MARKDOWN_MARKS = re.compile(r"(\*\*|\*|`)")
THUMBNAIL_BOX = (360, 240)


@dataclass
class ReportDigest:
    """What the index shows of one report, read as text from its executed notebook."""

    headline: str | None = None
    thumbnail: str | None = None  # a data: URI
    thumbnail_alt: str = ""
    thumbnail_size: tuple[int, int] | None = None


def _markdown_text(line: str) -> str:
    """A Markdown list item as plain text (emphasis and code marks dropped, entities read)."""
    return html.unescape(_MARKDOWN_MARKS.sub("", line.strip().removeprefix("- ").strip()))


def key_findings_text(notebook: dict) -> list[str]:
    """The items of an executed notebook's ``## Key findings`` section, as plain text.

    The section is the Markdown cell headed ``## Key findings``; its items are the
    Markdown list the next output shows (``analysis.summary.key_findings``). A notebook
    without the section gives ``[]``.
    """
    cells = notebook.get("cells", [])
    for i, cell in enumerate(cells):
        source = "".join(cell.get("source", "")) if cell.get("cell_type") == "markdown" else ""
        first = next((ln for ln in source.splitlines() if ln.strip()), "")
        if not _KEY_FINDINGS_HEADING.match(first):
            continue
        for later in cells[i + 1 :]:
            if later.get("cell_type") == "markdown":
                return []
            for output in later.get("outputs", []):
                text = output.get("data", {}).get("text/markdown")
                if text:
                    text = "".join(text)
                    return [_markdown_text(ln) for ln in text.splitlines() if ln.strip().startswith("- ")]
        return []
    return []


def _first_figure(notebook: dict) -> tuple[str, str] | None:
    """``(base64 PNG, alt text)`` of the first figure image the notebook shows."""
    for cell in notebook.get("cells", []):
        for output in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            data = output.get("data", {})
            page = "".join(data.get("text/html", ""))
            for tag in _IMG_TAG.findall(page):
                attrs = dict(_ATTR.findall(tag))
                src = attrs.get("src", "")
                if src.startswith("data:image/png;base64,"):
                    return src.split(",", 1)[1], html.unescape(attrs.get("alt", ""))
            if "image/png" in data:
                return "".join(data["image/png"]).strip(), ""
    return None


def _thumbnail(encoded: str) -> tuple[str, tuple[int, int] | None]:
    """A PNG (base64) shrunk to fit :data:`THUMBNAIL_BOX`, as a data URI, and its size."""
    import base64
    import io

    raw = base64.b64decode(encoded)
    try:
        from PIL import Image  # installed with matplotlib

        with Image.open(io.BytesIO(raw)) as image:
            image.thumbnail(THUMBNAIL_BOX)
            size = image.size
            buffer = io.BytesIO()  # charts have few colours: a 64-colour palette keeps them light
            image.convert("RGB").quantize(colors=64).save(buffer, format="PNG", optimize=True)
        raw = buffer.getvalue()
    except Exception:  # an unreadable image is shown as stored, drawn small by the browser
        size = None
    return "data:image/png;base64," + base64.b64encode(raw).decode("ascii"), size


def report_digest(ipynb_path: Path | None) -> ReportDigest:
    """The index's view of a report: its first key finding and its first figure, shrunk.

    Reads the executed notebook as text; nothing is computed. A missing or unreadable
    notebook, or one without a Key findings section, gives an empty digest.
    """
    digest = ReportDigest()
    if ipynb_path is None or not Path(ipynb_path).is_file():
        return digest
    try:
        notebook = json.loads(Path(ipynb_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return digest
    findings = key_findings_text(notebook)
    digest.headline = findings[0] if findings else None
    figure = _first_figure(notebook)
    if figure:
        try:
            digest.thumbnail, digest.thumbnail_size = _thumbnail(figure[0])
            digest.thumbnail_alt = figure[1]
        except ValueError:  # not base64
            pass
    return digest


def _report_card(r: BuildResult, digest: ReportDigest) -> str:
    status = STATUS_TEXT.get(r.status, r.status)
    when = f" · {escape(r.built_at)}" if r.built_at else ""
    image = ""
    if digest.thumbnail:
        size = (
            f' width="{digest.thumbnail_size[0]}" height="{digest.thumbnail_size[1]}"'
            if digest.thumbnail_size
            else ' width="360"'
        )
        alt = digest.thumbnail_alt or f"First figure of {r.title}"
        image = f'<img src="{digest.thumbnail}" alt="{escape(alt)}"{size}>'
    headline = f'<p class="headline">{escape(digest.headline)}</p>' if digest.headline else ""
    return (
        f'<li class="report-card" id="card-{escape(r.name)}">'
        f'<h3><a href="{escape(r.html_path.name)}">{escape(r.title)}</a></h3>{headline}{image}'
        f'<p class="report-meta"><span class="status-word" '
        f'style="color:{_STATUS_COLOUR.get(r.status, "#555")}">{escape(status)}</span>{when}</p>'
        "</li>"
    )


def index_html(
    results: list[BuildResult], generated: str, title: str, question: str = RESEARCH_QUESTION
) -> str:
    """The reports index: the research question; per report its headline finding (the first
    Key findings item of its executed notebook), a thumbnail of its first figure, status and
    date; then the build status table with parameters, build time and links."""
    cards = "".join(_report_card(r, report_digest(r.ipynb_path)) for r in results)
    rows = []
    for r in results:
        params = (
            escape(json.dumps(r.parameters, ensure_ascii=False, default=str))
            if r.parameters
            else "notebook defaults"
        )
        nb_link = f' · <a href="{escape(r.ipynb_path.name)}">.ipynb</a>' if r.ipynb_path else ""
        when = f"{r.seconds:.1f} s" + (f"<br><small>{escape(r.built_at)}</small>" if r.built_at else "")
        why = f"<br><small>{escape(r.reason)}</small>" if r.reason and r.status == "built" else ""
        error = (
            f"<br><small>{escape(' '.join(r.error.split()))}</small>"
            if r.error and r.status in ("failed", "interrupted")
            else ""
        )
        rows.append(
            f'<tr id="report-{escape(r.name)}"><td><a href="{escape(r.html_path.name)}">'
            f"{escape(r.title)}</a>{nb_link}</td>"
            f"<td><code>{escape(r.notebook)}</code></td>"
            f'<td class="status status-{r.status.replace(" ", "-")}" '
            f'style="color:{_STATUS_COLOUR.get(r.status, "#555")}"><span class="status-word">'
            f"{STATUS_TEXT.get(r.status, r.status)}</span>{why}{error}</td>"
            f'<td><code>{params}</code></td><td class="when">{when}</td></tr>'
        )
    counts = {s: sum(r.status == s for r in results) for s in STATUS_TEXT}
    parts = [
        f"{counts[s]} {STATUS_TEXT[s]}"
        for s in ("built", "reused", "not rebuilt", "interrupted")
        if counts[s]
    ]
    if counts["failed"]:
        parts.append(f"<strong style='color:#b03a2e'>{counts['failed']} failed</strong>")
    summary = f"{len(results)} reports: " + ", ".join(parts)
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1.0'>"
        f"<title>{escape(title)}</title>{PAGE_CSS}</head><body><main class='report-index'>"
        f"<h1>{escape(title)}</h1>"
        f'<p class="question"><strong>The question.</strong> {escape(question)}</p>'
        f"<p class='report-meta'>Index written {escape(generated)} · {summary}</p>"
        "<h2 id='reports'>What each report found</h2>"
        "<p>Each report opens with its key findings; the first is quoted here, beside the "
        "report's first figure.</p>"
        f'<ul class="report-cards">{cards}</ul>'
        "<h2 id='build-status'>Build status</h2>"
        '<div class="table-box" tabindex="0" role="region" aria-label="Build status table (scrolls)">'
        "<table><tr><th>report</th><th>notebook</th><th>status</th><th>parameters</th>"
        f"<th>build time</th></tr>{''.join(rows)}</table></div>"
        "<p>Each report states its data sources, coverage and caveats, and ends with its "
        "provenance (git commit, how to cite it, random seeds, data-file hashes, parameters, "
        "software versions). Numbers come from the project's cited reference dataset; see "
        "<code>data/README.md</code>. "
        "<em>Reused from cache</em>: nothing the report depends on changed since the build "
        "time shown, so its page was kept. <em>Interrupted</em>: the build was stopped before "
        "the report finished; the page linked is from its previous build, if it had one.</p>"
        "</main></body></html>"
    )


@dataclass
class Job:
    """Everything needed to build one report (picklable, sent to a worker process)."""

    name: str
    title: str
    notebook: str
    notebook_path: Path
    parameters: dict[str, Any]
    html_path: Path
    ipynb_path: Path
    kernel: str
    notebook_sha256: str
    data_sha256: dict[str, str]
    declared: dict[str, dict[str, Any]] | None = None
    timeout: float | None = None


def now_text() -> str:
    """Local date and time, to the minute, for pages."""
    return dt.datetime.now().strftime("%Y-%m-%d %H:%M")


def provenance_for(job: Job, generated: str) -> Provenance:
    """The provenance footer's content for a job."""
    commit = git_commit()
    return Provenance(
        commit=commit,
        notebook=job.notebook,
        notebook_sha256=job.notebook_sha256,
        data_sha256=job.data_sha256,
        parameters=job.parameters,
        versions=library_versions(),
        generated=generated,
        declared=job.declared,
        citation=citation(commit),
    )


def failing_cell(notebook: Any | None) -> tuple[str, str]:
    """Source and traceback (ANSI colours removed) of the first cell with an error output."""
    if notebook is None:
        return "", ""
    for cell in notebook.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if output.get("output_type") == "error":
                trace = ANSI.sub("", "\n".join(output.get("traceback", [])))
                return cell.source, trace or f"{output.get('ename')}: {output.get('evalue')}"
    return "", ""


def write_failure_page(job: Job, error: str, executed: Any | None, generated: str) -> None:
    """Publish a job's failure page (and never leave an earlier run's notebook beside it)."""
    if executed is None and job.ipynb_path.exists():
        job.ipynb_path.unlink()
    source, trace = failing_cell(executed)
    link = job.ipynb_path.name if executed is not None else None
    write_atomic(
        job.html_path,
        failure_html(
            job.title,
            parameters=job.parameters,
            error=error,
            failing_source=source,
            traceback=trace,
            ipynb_name=link,
            notebook=job.notebook,
            generated=generated,
            provenance=provenance_for(job, generated),
        ),
    )
