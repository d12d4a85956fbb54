"""Consistency of each source's monthly figures with its own published totals.

For every published quarterly, half-yearly, annual or other multi-month
(``span``) total, the monthly figures of the **same** source, region, actor,
measure and basis are summed, but only when every month of the period has
a published figure. Otherwise the comparison says how many months are
missing and gives no sum: a missing month is never read as zero. Series
with no monthly figure at all (e.g. a monitor that publishes only quarterly)
have nothing to compare and are left out.

Nothing is corrected. Totals and months come from different releases and
sources restate earlier months, so differences are expected; the table lists
them with both numbers so a reader can judge.

Where one month has several rows (a disagreement between pages), the first
row in table order is used, as everywhere in the package
(:func:`analysis.series.violence_series`), and the other values are named in
``note``.
"""

from __future__ import annotations

import html

import pandas as pd

from analysis.periods import compact_months, is_whole_months, month_range, period_label

#: Granularities of published totals compared with the sum of months.
TOTAL_GRANULARITIES: tuple[str, ...] = ("quarter", "half", "year", "span")

#: Identity of a series: totals are compared only with months that share it.
SERIES_KEY: tuple[str, ...] = ("source_org", "region", "actor", "measure", "basis")

#: Columns of the table returned by :func:`monthly_sum_checks`.
CHECK_COLUMNS: tuple[str, ...] = (
    "source_org",
    "region",
    "actor",
    "measure",
    "period",
    "granularity",
    "total_id",
    "published_total",
    "months_in_period",
    "months_used",
    "months_missing",
    "missing_months",
    "sum_of_months",
    "difference",
    "arithmetic",
    "status",
    "note",
)

STATUS_EQUAL = "equal"
STATUS_DIFFERS = "differs"
STATUS_NOT_MONTHS = "period is not whole months"


def _status_missing(n: int) -> str:
    return f"months missing: {n}"


def _monthly_values(months: pd.DataFrame) -> dict[pd.Period, dict]:
    """First row per month (table order), with any other values published for it."""
    out: dict[pd.Period, dict] = {}
    for row in months.itertuples(index=False):
        period = pd.Period(row.period_start, freq="M")
        entry = out.setdefault(
            period, {"value": int(row.value), "figure_id": row.figure_id, "others": [], "partial": False}
        )
        if (
            row.figure_id != entry["figure_id"]
            and int(row.value) != entry["value"]
            and int(row.value) not in entry["others"]
        ):
            entry["others"].append(int(row.value))
        if "partial month" in str(row.scope_note).lower() and row.figure_id == entry["figure_id"]:
            entry["partial"] = True
    return out


def _check_one(total: pd.Series, monthly: dict[pd.Period, dict]) -> dict:
    start, end = pd.Timestamp(total["period_start"]), pd.Timestamp(total["period_end"])
    record = {key: total[key] for key in ("source_org", "region", "actor", "measure", "granularity")}
    record.update(
        period=period_label(start, end, total["granularity"]),
        total_id=total["figure_id"],
        published_total=int(total["value"]),
        sum_of_months=pd.NA,
        difference=pd.NA,
        arithmetic="",
        note="",
    )
    if not is_whole_months(start, end):
        record.update(
            months_in_period=pd.NA,
            months_used=0,
            months_missing=pd.NA,
            missing_months="",
            status=STATUS_NOT_MONTHS,
        )
        return record
    months = month_range(start, end)
    present = [m for m in months if m in monthly]
    missing = [m for m in months if m not in monthly]
    record.update(
        months_in_period=len(months),
        months_used=len(present),
        months_missing=len(missing),
        missing_months=compact_months(missing) if missing else "",
    )
    notes = []
    for m in present:
        if monthly[m]["others"]:
            notes.append(
                f"{m}: {monthly[m]['value']:,} used; also published "
                + ", ".join(f"{v:,}" for v in monthly[m]["others"])
            )
        if monthly[m]["partial"]:
            notes.append(f"{m} is a partial month")
    record["note"] = "; ".join(notes)
    if missing:
        record["status"] = _status_missing(len(missing))
        return record
    values = [monthly[m]["value"] for m in months]
    total_of_months = int(sum(values))
    difference = record["published_total"] - total_of_months
    record.update(
        sum_of_months=total_of_months,
        difference=difference,
        arithmetic=" + ".join(f"{v:,}" for v in values) + f" = {total_of_months:,}",
        status=STATUS_EQUAL if difference == 0 else STATUS_DIFFERS,
    )
    return record


def monthly_sum_checks(figures: pd.DataFrame) -> pd.DataFrame:
    """Compare every published multi-month total with the sum of the same series' months.

    Parameters
    ----------
    figures : pandas.DataFrame
        Canonical violence-figures table (typed, as returned by
        :func:`analysis.sources.reference.load_violence_figures`).

    Returns
    -------
    pandas.DataFrame
        One row per published total, columns :data:`CHECK_COLUMNS`, ordered by
        source, region, actor, measure and period start:

        * ``published_total``: the total as published (row ``total_id``);
        * ``months_in_period`` / ``months_used`` / ``months_missing``: months
          the period spans, months with a published figure, months without;
        * ``sum_of_months``, ``difference`` (published total minus the sum)
          and ``arithmetic``: only when no month is missing, else ``<NA>``;
        * ``status``: ``equal``, ``differs``, ``months missing: N`` or
          ``period is not whole months``;
        * ``note``: months with more than one published value, partial months.

    Raises
    ------
    ValueError
        If a required column is missing.
    """
    required = set(SERIES_KEY) | {
        "figure_id",
        "period_start",
        "period_end",
        "granularity",
        "value",
        "scope_note",
    }
    missing_cols = sorted(required - set(figures.columns))
    if missing_cols:
        raise ValueError(f"figures: missing column(s) {missing_cols}")
    records = []
    key = list(SERIES_KEY)
    for _, rows in figures.groupby(key, sort=False, dropna=False):
        totals = rows.loc[rows["granularity"].isin(TOTAL_GRANULARITIES)]
        month_rows = rows.loc[rows["granularity"] == "month"]
        if totals.empty or month_rows.empty:
            continue  # nothing to compare: the series has no monthly figure at all
        monthly = _monthly_values(month_rows)
        for _, total in totals.iterrows():
            record = _check_one(total, monthly)
            record["_start"] = total["period_start"]
            record["_end"] = total["period_end"]
            records.append(record)
    if not records:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in CHECK_COLUMNS})
    table = pd.DataFrame(records).sort_values(
        ["source_org", "region", "actor", "measure", "_start", "_end", "total_id"], kind="stable"
    )
    table = table.drop(columns=["_start", "_end"]).reset_index(drop=True)
    for column in ("sum_of_months", "difference", "months_in_period", "months_missing"):
        table[column] = table[column].astype("Int64")
    table["months_used"] = table["months_used"].astype("int64")
    return table.loc[:, list(CHECK_COLUMNS)]


def _status_rank(status: str) -> int:
    if status == STATUS_DIFFERS:
        return 0
    if status == STATUS_EQUAL:
        return 1
    if status.startswith("months missing"):
        return 2
    return 3


def differences_first(table: pd.DataFrame) -> pd.DataFrame:
    """The checks with differences first (largest absolute difference first),
    then equal totals, then periods with missing months."""
    if table.empty:
        return table
    order = table.assign(
        _rank=table["status"].map(_status_rank),
        _size=-table["difference"].abs().astype("Float64").fillna(0),
        _missing=table["months_missing"].astype("Float64").fillna(0),
    )
    order = order.sort_values(
        ["_rank", "_size", "_missing", "source_org", "measure", "period"], kind="stable"
    )
    return order.drop(columns=["_rank", "_size", "_missing"]).reset_index(drop=True)


def display_table(table: pd.DataFrame) -> pd.DataFrame:
    """The columns a reader needs, differences first, indexed by the total's id."""
    shown = differences_first(table)
    columns = [
        "source_org",
        "region",
        "actor",
        "measure",
        "period",
        "published_total",
        "sum_of_months",
        "difference",
        "months_used",
        "months_missing",
        "status",
        "arithmetic",
        "note",
    ]
    return shown.loc[:, columns].set_index(shown["total_id"].rename("total_id"))


def summary_counts(table: pd.DataFrame) -> dict[str, int]:
    """Counts of comparisons by outcome: ``total``, ``complete``, ``differ``,
    ``equal``, ``incomplete`` (months missing), ``not_months``."""
    status = table["status"] if len(table) else pd.Series(dtype=str)
    return {
        "total": int(len(table)),
        "complete": int(status.isin([STATUS_EQUAL, STATUS_DIFFERS]).sum()),
        "differ": int((status == STATUS_DIFFERS).sum()),
        "equal": int((status == STATUS_EQUAL).sum()),
        "incomplete": int(status.str.startswith("months missing").sum()),
        "not_months": int((status == STATUS_NOT_MONTHS).sum()),
    }


def summary_sentence(table: pd.DataFrame) -> str:
    """One Markdown sentence on the checks, with counts computed from ``table``."""
    counts = summary_counts(table)
    if counts["total"] == 0:
        return "No source published a multi-month total for a series it also publishes monthly."
    text = (
        f"{counts['total']} published multi-month totals (quarters, halves, years, other spans) "
        f"have a monthly series of the same source and measure. {counts['complete']} have every "
        f"month published and can be compared: {counts['equal']} equal the sum of their months "
        f"and {counts['differ']} differ. {counts['incomplete']} lack one or more months, so no "
        "sum is given (a missing month is not zero)."
    )
    if counts["differ"]:
        complete = table.loc[table["status"] == STATUS_DIFFERS]
        largest = complete.loc[complete["difference"].abs().astype("int64").idxmax()]
        text += (
            f" The largest difference is {int(largest['difference']):+,} "
            f"({largest['source_org']} {str(largest['measure']).replace('_', ' ')}, "
            f"{largest['period']}: published {int(largest['published_total']):,}, "
            f"months sum to {int(largest['sum_of_months']):,})."
        )
    return html.escape(text, quote=False)


#: Columns of the table returned by :func:`published_spans`.
SPAN_COLUMNS: tuple[str, ...] = (
    "period_start",
    "period_end",
    "value",
    "figure_id",
    "granularity",
    "period",
    "months_in_period",
    "months_missing",
    "missing_months",
    "also_published",
)


def published_spans(
    figures: pd.DataFrame, source_org: str, measure: str, *, region: str = "Pakistan", actor: str = ""
) -> pd.DataFrame:
    """The published multi-month totals of one series, one row per distinct span.

    Lists each whole-month quarter, half-year, year or other span that the
    source published for the series, as published: where one span has
    several published values (restatements), the first row in table order is
    used, as everywhere in the package, and the other values are listed in
    ``also_published``. Nothing is derived or written into the data; a model
    may use the rows as observations of the sum of the months they span
    (:class:`analysis.statespace.CumulatorVAR`).

    Parameters
    ----------
    figures : pandas.DataFrame
        Canonical violence-figures table.
    source_org, measure : str
    region, actor : str
        Breakdown (default: national, all actors).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SPAN_COLUMNS`, ordered by period start and end:
        ``period_start`` and ``period_end`` (monthly ``Period``), ``value``
        (int), ``figure_id``, ``granularity``, ``period`` (label),
        ``months_in_period``, ``months_missing`` (months of the span without a
        published monthly figure of the same series), ``missing_months``
        (compact list) and ``also_published`` (other values published for the
        same span, comma-separated, or empty).
    """
    required = set(SERIES_KEY) | {"figure_id", "period_start", "period_end", "granularity", "value"}
    missing_cols = sorted(required - set(figures.columns))
    if missing_cols:
        raise ValueError(f"figures: missing column(s) {missing_cols}")
    rows = figures.loc[
        (figures["source_org"] == source_org)
        & (figures["measure"] == measure)
        & (figures["region"] == region)
        & (figures["actor"] == actor)
    ]
    months_published = {
        pd.Period(t, freq="M") for t in rows.loc[rows["granularity"] == "month", "period_start"]
    }
    spans: dict[tuple[pd.Period, pd.Period], dict] = {}
    for total in rows.loc[rows["granularity"].isin(TOTAL_GRANULARITIES)].itertuples(index=False):
        start, end = pd.Timestamp(total.period_start), pd.Timestamp(total.period_end)
        if not is_whole_months(start, end):
            continue
        key = (pd.Period(start, freq="M"), pd.Period(end, freq="M"))
        if key in spans:
            entry = spans[key]
            if int(total.value) != entry["value"] and str(int(total.value)) not in entry["_others"]:
                entry["_others"].append(str(int(total.value)))
            continue
        months = month_range(*key)
        missing = [m for m in months if m not in months_published]
        spans[key] = {
            "period_start": key[0],
            "period_end": key[1],
            "value": int(total.value),
            "figure_id": total.figure_id,
            "granularity": total.granularity,
            "period": period_label(start, end, total.granularity),
            "months_in_period": len(months),
            "months_missing": len(missing),
            "missing_months": compact_months(missing) if missing else "",
            "_others": [],
        }
    if not spans:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in SPAN_COLUMNS})
    table = pd.DataFrame(sorted(spans.values(), key=lambda r: (r["period_start"], r["period_end"])))
    table["also_published"] = table.pop("_others").map(", ".join)
    return table.loc[:, list(SPAN_COLUMNS)].reset_index(drop=True)
