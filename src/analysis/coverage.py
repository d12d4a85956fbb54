"""Coverage of the reference dataset, computed from the tables and never typed.

* :func:`monthly_coverage`: months with a published monthly figure per
  source × measure (× region and actor for breakdown rows) inside a window,
  with the missing months as compact ranges;
* :func:`events_per_type_per_year`: logged engagement events per type and year;
* :func:`readme_blocks` / :func:`update_readme`: the generated sections of
  ``data/README.md``, between marker comments
  ``<!-- name:start -->`` … ``<!-- name:end -->``. ``scripts/update_data_readme.py``
  rewrites them; a test fails when the file is stale.
"""

from __future__ import annotations

import re
from typing import Iterable, Mapping

import pandas as pd

from analysis import consistency
from analysis import words
from analysis.periods import compact_months, month_range, period_label
from analysis.schema import AGGREGATE_EVENT_TYPES, EVENT_CATEGORIES, EVENT_TYPES, MEASURES

#: Fixed windows of the coverage summary: the post-takeover window of the
#: project's targets (issue 3) and the months before the takeover. A third,
#: the whole range of the monthly rows, is computed from the data.
COVERAGE_WINDOWS: tuple[tuple[str, str, str], ...] = (
    ("2021-08", "2025-10", "after the takeover"),
    ("2020-01", "2021-07", "before the takeover"),
)

COVERAGE_COLUMNS = (
    "source_org",
    "region",
    "actor",
    "measure",
    "months_present",
    "months_in_window",
    "missing",
    "present",
)


def _measure_rank(measure: str) -> int:
    return MEASURES.index(measure) if measure in MEASURES else len(MEASURES)


def monthly_series_keys(figures: pd.DataFrame) -> pd.DataFrame:
    """Every source, region, actor and measure with at least one monthly row,
    national rows first, measures in vocabulary order."""
    monthly = figures.loc[figures["granularity"] == "month"]
    keys = monthly[["source_org", "region", "actor", "measure"]].drop_duplicates()
    if keys.empty:
        return keys.reset_index(drop=True)
    keys = keys.assign(
        _national=(keys["region"] != "Pakistan") | (keys["actor"] != ""),
        _measure=keys["measure"].map(_measure_rank),
    )
    keys = keys.sort_values(["source_org", "_national", "region", "actor", "_measure"])
    return keys.drop(columns=["_national", "_measure"]).reset_index(drop=True)


def whole_range(figures: pd.DataFrame) -> tuple[str, str] | None:
    """First and last month with any monthly row (``None`` if there is none)."""
    monthly = figures.loc[figures["granularity"] == "month", "period_start"]
    if monthly.empty:
        return None
    return str(pd.Period(monthly.min(), freq="M")), str(pd.Period(monthly.max(), freq="M"))


def coverage_windows(figures: pd.DataFrame) -> list[tuple[str, str, str]]:
    """The fixed windows plus the whole range of the monthly rows."""
    windows = list(COVERAGE_WINDOWS)
    extent = whole_range(figures)
    if extent:
        windows.append((extent[0], extent[1], "whole range"))
    return windows


def monthly_coverage(figures: pd.DataFrame, start: str, end: str) -> pd.DataFrame:
    """Months with a published monthly figure, per series, inside ``start``..``end``.

    Parameters
    ----------
    figures : pandas.DataFrame
        Canonical violence-figures table.
    start, end : str
        First and last month of the window, ``YYYY-MM``.

    Returns
    -------
    pandas.DataFrame
        One row per series with any monthly row anywhere in the table (so a
        series with none in this window shows 0), columns
        :data:`COVERAGE_COLUMNS`. ``missing`` and ``present`` list months as
        compact ranges (``"2024-09..2024-10"``). Only ``month`` rows count;
        quarterly and longer totals are not monthly coverage.
    """
    window = month_range(start, end)
    monthly = figures.loc[figures["granularity"] == "month"]
    months = monthly["period_start"].map(lambda t: pd.Period(t, freq="M"))
    records = []
    for key in monthly_series_keys(figures).itertuples(index=False):
        mask = (
            (monthly["source_org"] == key.source_org)
            & (monthly["region"] == key.region)
            & (monthly["actor"] == key.actor)
            & (monthly["measure"] == key.measure)
        )
        present = sorted(set(months[mask]) & set(window))
        missing = [m for m in window if m not in set(present)]
        records.append(
            {
                "source_org": key.source_org,
                "region": key.region,
                "actor": key.actor,
                "measure": key.measure,
                "months_present": len(present),
                "months_in_window": len(window),
                "missing": compact_months(missing),
                "present": compact_months(present),
            }
        )
    return pd.DataFrame(records, columns=list(COVERAGE_COLUMNS))


def events_per_type_per_year(events: pd.DataFrame) -> pd.DataFrame:
    """Logged engagement events per type (rows) and calendar year (columns).

    Every type of the vocabulary is a row and every year from the first to
    the last event a column, so zeros are shown (inside the log's window a
    zero is a real count of reported events). A ``total`` column and row are
    added. Column labels of a year the log covers only in part say so, e.g.
    ``2026 (to Apr)``.
    """
    if events.empty:
        return pd.DataFrame()
    years = events["date_start"].dt.year
    first, last = int(years.min()), int(years.max())
    table = pd.crosstab(events["event_type"], years).reindex(
        index=list(EVENT_TYPES), columns=range(first, last + 1), fill_value=0
    )
    table["total"] = table.sum(axis=1)
    table.loc["total"] = table.sum(axis=0)
    start_month = events["date_start"].min().month
    end_month = events["date_start"].max().month
    labels = {}
    if start_month != 1:
        labels[first] = f"{first} (from {events['date_start'].min():%b})"
    if end_month != 12:
        labels[last] = f"{last} (to {events['date_start'].max():%b})"
    table = table.rename(columns=labels)
    table.columns = [str(c) for c in table.columns]
    table.index.name = "event_type"
    return table.astype("int64")


def events_by_category_and_initiator(events: pd.DataFrame) -> pd.DataFrame:
    """Logged events per category (rows) and initiator side label (columns), with totals."""
    if events.empty:
        return pd.DataFrame()
    order = events["initiator"].value_counts().index.tolist()
    table = pd.crosstab(events["category"], events["initiator"]).reindex(
        index=list(EVENT_CATEGORIES), columns=order, fill_value=0
    )
    table["total"] = table.sum(axis=1)
    table.loc["total"] = table.sum(axis=0)
    return table.astype("int64")


def non_monthly_periods(figures: pd.DataFrame) -> pd.DataFrame:
    """Quarterly, half-yearly, annual and span rows: per source and granularity,
    each period with the measures published for it."""
    rows = figures.loc[figures["granularity"].isin(consistency.TOTAL_GRANULARITIES)]
    columns = ["source_org", "region", "actor", "granularity", "periods (measures)"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    rows = rows.assign(
        period=[
            period_label(s, e, g)
            for s, e, g in zip(rows["period_start"], rows["period_end"], rows["granularity"])
        ]
    )
    out = []
    order = {g: i for i, g in enumerate(("year", "half", "quarter", "span"))}
    keys = ["source_org", "region", "actor", "granularity"]
    grouped = sorted(
        rows.groupby(keys),
        key=lambda kv: (kv[0][0], kv[0][1] != "Pakistan", kv[0][1], kv[0][2], order[kv[0][3]]),
    )
    for key, group in grouped:
        group = group.sort_values(["period_start", "period_end"])
        parts = []
        for period, cell in group.groupby("period", sort=False):
            measures = sorted(set(cell["measure"]), key=_measure_rank)
            parts.append(f"{period} ({', '.join(measures)})")
        record = dict(zip(keys, key), **{"periods (measures)": "; ".join(parts)})
        record["actor"] = record["actor"] or "all"
        out.append(record)
    return pd.DataFrame(out, columns=columns)


def rows_by(frame: pd.DataFrame, column: str, order: Iterable[str] | None = None) -> str:
    """``"attacks 118, fatalities 90"``: rows per value of ``column`` (vocabulary order if given)."""
    counts = frame[column].value_counts()
    names = list(order) if order is not None else sorted(counts.index)
    return ", ".join(f"{name} {int(counts.get(name, 0))}" for name in names)


# --------------------------------------------------------------------------
# Markdown for data/README.md
# --------------------------------------------------------------------------


def _cell(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value).replace("|", "\\|").replace("\n", " ")


def markdown_table(frame: pd.DataFrame, index: bool = False, code_columns: Iterable[str] = ()) -> str:
    """A pipe table (GitHub Markdown); ``|`` in cells is escaped.

    Parameters
    ----------
    frame : pandas.DataFrame
    index : bool
        Include the index as the first column.
    code_columns : iterable of str
        Columns whose cells are wrapped in backticks.
    """
    table = frame.reset_index() if index else frame
    code = set(code_columns)
    header = "| " + " | ".join(_cell(c) for c in table.columns) + " |"
    rule = "|" + "|".join("---" for _ in table.columns) + "|"
    lines = [header, rule]
    for row in table.itertuples(index=False):
        cells = [
            f"`{_cell(v)}`" if col in code and _cell(v) else _cell(v) for col, v in zip(table.columns, row)
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _coverage_markdown(figures: pd.DataFrame) -> str:
    parts = []
    national_only = ((figures["region"] == "Pakistan") & (figures["actor"] == "")).all()
    for start, end, label in coverage_windows(figures):
        table = monthly_coverage(figures, start, end)
        n = len(month_range(start, end))
        parts.append(f"**Monthly rows, {label}: {start} to {end}** ({words.plural(n, 'month')})\n")
        if table.empty:
            parts.append("No monthly rows.\n")
            continue
        shown = table.assign(
            months=table["months_present"].astype(str) + " of " + table["months_in_window"].astype(str),
            actor=table["actor"].replace("", "all"),
        )
        columns = ["source_org", "measure", "months", "missing", "present"]
        if not national_only:
            columns = ["source_org", "region", "actor", "measure", "months", "missing", "present"]
        parts.append(markdown_table(shown[columns], code_columns=["measure"]) + "\n")
    return "\n".join(parts)


def readme_blocks(
    events: pd.DataFrame, figures: pd.DataFrame, aggregates: pd.DataFrame, claims: pd.DataFrame
) -> dict[str, str]:
    """The generated sections of data/README.md, by marker name.

    Parameters
    ----------
    events, figures, aggregates, claims : pandas.DataFrame
        Canonical tables (aggregates may be empty).

    Returns
    -------
    dict of str to str
        ``counts`` (rows per file), ``coverage`` (section 4) and
        ``consistency`` (sums of months against published totals).
    """
    files = pd.DataFrame(
        [
            (
                "`reference/violence_figures.csv`",
                len(figures),
                "one published figure (one measure, one source, one period, one region/actor)",
            ),
            ("`reference/engagement_events.csv`", len(events), "one dated Pakistan–Afghanistan event"),
            (
                "`reference/engagement_aggregates.csv`",
                len(aggregates),
                "one official aggregate count of engagement events over a period",
            ),
            (
                "`reference/article_claims.csv`",
                len(claims),
                "one claim made in the opinion article that started the project",
            ),
        ],
        columns=["file", "rows", "one row is"],
    )
    counts = markdown_table(files)
    if len(events):
        counts += (
            f"\n\nThe engagement log runs from {events['date_start'].min():%B %Y} to "
            f"{events['date_start'].max():%B %Y} (its coverage window)."
        )

    breakdown = figures.loc[(figures["region"] != "Pakistan") | (figures["actor"] != "")]
    coverage_parts = [
        "Violence rows by measure: " + rows_by(figures, "measure", MEASURES) + ".",
        "Violence rows by source: " + rows_by(figures, "source_org") + ".",
        "Violence rows by granularity: "
        + rows_by(figures, "granularity", ("day", "month", "quarter", "half", "year", "span"))
        + ".",
        f"Rows broken down by region or claiming group: {len(breakdown)}"
        + (
            " (regions: "
            + ", ".join(sorted(set(breakdown["region"]) - {"Pakistan"}) or ["none"])
            + "; groups: "
            + ", ".join(sorted(set(breakdown["actor"]) - {""}) or ["none"])
            + ")"
            if len(breakdown)
            else ""
        )
        + ".",
        "",
        "#### 4.1 Monthly violence figures",
        "",
        "Counts are of calendar months with at least one `month` row for that source and measure "
        "(and region and actor, for breakdown rows). Quarterly, half-yearly, annual and span rows "
        "are not monthly coverage. A missing month has no published figure in the table: it is "
        "missing, not zero.",
        "",
        _coverage_markdown(figures),
        "#### 4.2 Quarterly, half-yearly, annual and span rows",
        "",
        markdown_table(non_monthly_periods(figures)) if len(non_monthly_periods(figures)) else "None.",
        "",
        "#### 4.3 Engagement events per type and year",
        "",
        markdown_table(events_per_type_per_year(events), index=True, code_columns=["event_type"])
        if len(events)
        else "No events.",
        "",
        "Events per category and initiator:",
        "",
        markdown_table(events_by_category_and_initiator(events), index=True) if len(events) else "",
        "",
        "#### 4.4 Official aggregates",
        "",
    ]
    if aggregates.empty:
        coverage_parts.append("`engagement_aggregates.csv` has no rows yet.")
    else:
        agg = aggregates.assign(
            period=aggregates["period_start"].dt.strftime("%Y-%m-%d")
            + " to "
            + aggregates["period_end"].dt.strftime("%Y-%m-%d")
        )
        shown = agg[["aggregate_id", "source_org", "event_type", "period", "qualifier", "value"]]
        coverage_parts.append(
            "Rows by event type: "
            + rows_by(
                aggregates,
                "event_type",
                [t for t in AGGREGATE_EVENT_TYPES if t in set(aggregates["event_type"])],
            )
            + "."
        )
        coverage_parts += ["", markdown_table(shown, code_columns=["aggregate_id", "event_type"])]
    coverage_text = "\n".join(coverage_parts).rstrip() + "\n"

    checks = consistency.monthly_sum_checks(figures)
    complete = consistency.differences_first(
        checks.loc[checks["status"].isin([consistency.STATUS_EQUAL, consistency.STATUS_DIFFERS])]
    )
    lines = [consistency.summary_sentence(checks), ""]
    if len(complete):
        shown = complete.assign(difference=complete["difference"].map(lambda d: f"{int(d):+,}"))
        shown = shown[["total_id", "published_total", "sum_of_months", "difference", "note"]]
        shown = shown.rename(
            columns={
                "total_id": "total row",
                "published_total": "published total",
                "sum_of_months": "sum of monthly rows",
            }
        )
        lines.append(markdown_table(shown, code_columns=["total row"]))
    incomplete = checks.loc[checks["status"].str.startswith("months missing")]
    if len(incomplete):
        lines += [
            "",
            f"Not compared because months are missing ({words.plural(len(incomplete), 'total')}): "
            + "; ".join(f"`{r.total_id}` ({r.missing_months})" for r in incomplete.itertuples())
            + ".",
        ]
    return {"counts": counts + "\n", "coverage": coverage_text, "consistency": "\n".join(lines) + "\n"}


def _marker_pattern(name: str) -> re.Pattern:
    return re.compile(
        rf"(<!-- {re.escape(name)}:start -->\n)(.*?)(<!-- {re.escape(name)}:end -->)", flags=re.S
    )


def update_readme(text: str, blocks: Mapping[str, str]) -> str:
    """Replace each ``<!-- name:start -->`` … ``<!-- name:end -->`` block of ``text``.

    Parameters
    ----------
    text : str
        Current README text.
    blocks : mapping of str to str
        Marker name → new content.

    Returns
    -------
    str

    Raises
    ------
    ValueError
        If a block's markers are missing or appear more than once.
    """
    for name, body in blocks.items():
        pattern = _marker_pattern(name)
        found = pattern.findall(text)
        if len(found) != 1:
            raise ValueError(
                f"data/README.md: expected exactly one '<!-- {name}:start -->' … "
                f"'<!-- {name}:end -->' block; found {len(found)}"
            )
        text = pattern.sub(lambda m: m.group(1) + body + m.group(3), text)
    return text
