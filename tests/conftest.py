"""Shared fixtures: small canonical tables whose answers are known."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis import paths, schema

URL = "https://example.org/report"
QUOTE = "A verbatim sentence from the page."


def violence_row(**overrides) -> dict:
    row = {
        "figure_id": "PICSS-2023-01-attacks",
        "source_org": "PICSS",
        "period_start": "2023-01-01",
        "period_end": "2023-01-31",
        "granularity": "month",
        "region": "Pakistan",
        "actor": "",
        "measure": "attacks",
        "value": "44",
        "scope_note": "militant attacks",
        "source_url": URL,
        "source_quote": QUOTE,
        "basis": "published",
    }
    row.update(overrides)
    if "source_date" not in overrides:  # published the day after the period ended
        end = pd.Timestamp(row["period_end"]) if schema.is_day_date(row["period_end"]) else None
        day = (end + pd.Timedelta(days=1)).strftime("%Y-%m-%d") if end else ""
        row["source_date"] = " ; ".join([day] * len(str(row["source_url"]).split(" ; ")))
    return row


def event_row(**overrides) -> dict:
    row = {
        "event_id": "2023-01-10-phone_call",
        "date_start": "2023-01-10",
        "date_end": "2023-01-10",
        "date_precision": "day",
        "event_type": "phone_call",
        "category": "engagement",
        "initiator": "Pakistan",
        "counterpart": "Afghanistan",
        "third_party": "",
        "location": "",
        "description": "Foreign ministers spoke by phone.",
        "source_url": URL,
        "source_quote": QUOTE,
        "date_note": "",
    }
    row.update(overrides)
    if "source_date" not in overrides:  # published on the day (or the month's last day)
        start = row["date_start"]
        row["source_date"] = (
            start
            if schema.is_day_date(start)
            else (pd.Timestamp(start + "-01") + pd.offsets.MonthEnd(0)).strftime("%Y-%m-%d")
            if schema.is_month_date(start)
            else ""
        )
        row["source_date"] = " ; ".join([row["source_date"]] * len(str(row["source_url"]).split(" ; ")))
    return row


def aggregate_row(**overrides) -> dict:
    row = {
        "aggregate_id": "ISPR-2021-01..2024-05-flag_meeting",
        "source_org": "ISPR",
        "period_start": "2021-01",
        "period_end": "2024-05-31",
        "event_type": "flag_meeting",
        "value": "200",
        "qualifier": "over",
        "scope_note": "simulated test row",
        "source_url": URL,
        "source_quote": QUOTE,
    }
    row.update(overrides)
    return row


def text_frame(rows: list[dict], columns) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(columns)).astype(str)


@pytest.fixture
def violence_text():
    return lambda rows: text_frame(rows, schema.VIOLENCE_COLUMNS)


@pytest.fixture
def events_text():
    return lambda rows: text_frame(rows, schema.ENGAGEMENT_COLUMNS)


def monthly_figures(values: dict[str, int], measure: str = "attacks", source: str = "PICSS") -> pd.DataFrame:
    """Typed violence table with one monthly figure per given month (``"2023-01": 44``)."""
    rows = []
    for month, value in values.items():
        start = pd.Period(month, freq="M")
        rows.append(
            violence_row(
                figure_id=f"{source}-{month}-{measure}",
                source_org=source,
                measure=measure,
                period_start=start.start_time.strftime("%Y-%m-%d"),
                period_end=start.end_time.strftime("%Y-%m-%d"),
                value=str(value),
            )
        )
    return schema.parse_violence_figures(text_frame(rows, schema.VIOLENCE_COLUMNS))


def events_on(dates: list[str], event_type: str = "phone_call", initiator: str = "Pakistan") -> pd.DataFrame:
    """Typed engagement table with one event per date."""
    rows = [
        event_row(
            event_id=f"e{i}",
            date_start=d,
            date_end="",
            event_type=event_type,
            initiator=initiator,
            date_precision="month" if len(d) == 7 else "day",
        )
        for i, d in enumerate(dates)
    ]
    return schema.parse_engagement_events(text_frame(rows, schema.ENGAGEMENT_COLUMNS))


# --------------------------------------------------------------------------
# Report builds (shared by test_reports.py and test_browser.py)
# --------------------------------------------------------------------------

FIXTURE_NOTEBOOKS = Path(__file__).resolve().parent / "fixtures" / "notebooks"


def failing_and_fixture_reports():
    """Reports added to the shipped set in the session build: two failures and the escaping page."""
    from analysis.reporting import ReportSpec

    return [
        ReportSpec(
            name="fails_at_runtime",
            notebook="03_engagement_and_violence.ipynb",
            title="A report whose data file is missing",
            parameters={"violence_path": "data/no_such_file.csv"},
        ),
        ReportSpec(
            name="unknown_parameter",
            notebook="03_engagement_and_violence.ipynb",
            title="A report with a misspelt parameter",
            parameters={"violence_mesure": "fatalities"},
        ),
        ReportSpec(
            name="escaping",
            notebook="escaping_fixture.ipynb",
            title="Text from data <script>alert('title')</script> stays text",
            parameters={},
        ),
    ]


def notebooks_with_fixtures(folder: Path) -> Path:
    """A notebooks folder holding (links to) the shipped notebooks and the test fixtures."""
    folder.mkdir(parents=True, exist_ok=True)
    for notebook in [*paths.NOTEBOOKS_DIR.glob("*.ipynb"), *FIXTURE_NOTEBOOKS.glob("*.ipynb")]:
        (folder / notebook.name).symlink_to(notebook)
    return folder


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """Build the shipped report set plus two failing reports and the escaping fixture, once,
    in parallel (two jobs), into a temporary folder.

    Returns ``(shipped names, {name: BuildResult}, output folder)``.
    """
    from analysis.reporting import build_reports, load_report_set

    report_set = load_report_set(paths.REPORT_SET_FILE)
    shipped = [r.name for r in report_set.expanded()]
    report_set.notebooks_dir = str(notebooks_with_fixtures(tmp_path_factory.mktemp("notebooks")))
    report_set.reports.extend(failing_and_fixture_reports())
    out = tmp_path_factory.mktemp("reports")
    results = {r.name: r for r in build_reports(report_set, reports_dir=out, jobs=2)}
    return shipped, results, out


@pytest.fixture(scope="session")
def reacting_pair():
    """SIMULATED scenario (a): engagement responds to violence at lag 1 (strong effect), with
    the series, and the simulated break date."""
    from analysis import simulate

    design = simulate.Design(effect=0.9)
    engagement, violence = simulate.simulate_pair("a", design, reps=1, seed=42)
    return (
        simulate.as_series(engagement[0], "engagement", design),
        simulate.as_series(violence[0], "violence", design),
        simulate.break_date(design),
    )
