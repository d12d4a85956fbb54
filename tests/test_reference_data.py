"""The bundled reference dataset loads, validates and keeps its promises."""

from __future__ import annotations

import pytest

from analysis import paths, schema
from analysis.sources import reference


@pytest.fixture(scope="module")
def events():
    return reference.load_engagement_events()


@pytest.fixture(scope="module")
def figures():
    return reference.load_violence_figures()


def test_tables_load_and_validate(events, figures):
    claims = reference.load_article_claims()
    assert len(events) >= 150 and len(figures) >= 100 and len(claims) == 11


def test_every_row_is_cited(events, figures):
    for table in (events, figures):
        assert (table["source_url"].str.strip() != "").all()
        assert (table["source_quote"].str.strip() != "").all()
    assert (figures["basis"] == "published").all()


def test_monitors_are_kept_apart_and_fatalities_never_mixed_with_combat_deaths(figures):
    assert set(figures["source_org"]) <= {"PICSS", "PIPS", "CRSS", "SATP", "ISPR", "MOI"}
    # A month never has the same figure id for two measures: ids name source, period and measure.
    assert figures["figure_id"].is_unique
    combined = figures.loc[figures["measure"] == "combat_deaths", "scope_note"].str.lower()
    assert not combined.str.contains("killed in militant attacks only").any()


def test_vocabularies_are_documented_in_data_readme():
    readme = (paths.DATA_DIR / "README.md").read_text(encoding="utf-8")
    for word in (*schema.EVENT_TYPES, *schema.MEASURES, *schema.GRANULARITIES, *schema.BASES):
        assert f"`{word}`" in readme, f"data/README.md does not document `{word}`"
    for column in (*schema.ENGAGEMENT_COLUMNS, *schema.VIOLENCE_COLUMNS):
        assert f"`{column}`" in readme, f"data/README.md does not document column `{column}`"


def test_initiators_use_side_labels(events):
    from analysis.series import initiator_direction

    directions = events["initiator"].map(initiator_direction)
    assert (directions != "unknown").mean() > 0.9


def test_aggregates_table_loads_and_is_documented():
    aggregates = reference.load_engagement_aggregates()
    assert list(aggregates.columns) == list(schema.AGGREGATE_COLUMNS)
    if len(aggregates):
        assert (aggregates["source_url"].str.strip() != "").all()
        assert (aggregates["source_quote"].str.strip() != "").all()
    readme = (paths.DATA_DIR / "README.md").read_text(encoding="utf-8")
    for word in (*schema.AGGREGATE_COLUMNS, *schema.AGGREGATE_QUALIFIERS, "other"):
        assert f"`{word}`" in readme, f"data/README.md does not document `{word}`"
    assert paths.ENGAGEMENT_AGGREGATES_CSV in reference.reference_files()


def test_every_published_row_is_dated_or_says_why(events, figures):
    """Each cited page has its publication date, or the row's note says it was not established."""
    for table, note in ((figures.loc[figures["basis"] == "published"], "scope_note"), (events, "date_note")):
        undated = table.loc[
            table["source_date"].map(lambda t: "" in schema.source_dates(t) or not schema.source_dates(t))
        ]
        assert undated[note].str.contains(schema.DATE_NOT_ESTABLISHED, regex=False).all()
    assert (figures["source_date"] != "").sum() >= 150


def test_running_counts_are_to_date_figures(figures):
    """Issue 13: the PICSS pages of 29 December 2025 count 2025 so far, not the whole year."""
    rows = figures.set_index("figure_id").loc[["PICSS-2025-attacks", "PICSS-2025-attacks-b"]]
    assert (rows["granularity"] == "to_date").all()
    assert (rows["period_end"] == "2025-12-29").all() and (rows["source_date"] == "2025-12-29").all()
    assert not rows["scope_note"].str.contains("combat-related deaths \\(", regex=True).any()


def test_every_quote_supports_its_value_and_names_its_measure(figures):
    from analysis.quotes import unsupported_rows

    bad = unsupported_rows(figures.assign(value=figures["value"].astype(str)))
    assert bad.empty, "quotes that do not support their row:\n" + bad.to_string()
