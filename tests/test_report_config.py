"""The report-set file: reports, defaults, grids, safe YAML, names that stay inside reports/."""

from __future__ import annotations

import pytest
import yaml

from analysis import paths
from analysis.reporting.build import SelectionError, plan_reports
from analysis.reporting.config import ReportSet, ReportSetError, load_report_set, value_slug


def report_set(text: str) -> ReportSet:
    return ReportSet.model_validate(yaml.safe_load(text))


def write(tmp_path, text: str):
    path = tmp_path / "set.yaml"
    path.write_text(text, encoding="utf-8")
    return path


GRID = """
defaults: {start: "2021-08", frequency: M}
reports:
  - {name: overview, notebook: 01_data_overview.ipynb, title: Overview}
  - name: engagement
    notebook: 03_engagement_and_violence.ipynb
    title: Engagement and violence
    parameters: {violence_source: PICSS}
    grid:
      violence_measure: [attacks, fatalities]
      frequency: [M, Q]
  - {name: last, notebook: 01_data_overview.ipynb, title: Last, parameters: {start: "2022-01"}}
"""


def test_shipped_report_set_is_valid():
    shipped = load_report_set(paths.REPORT_SET_FILE)
    names = [r.name for r in shipped.expanded()]
    assert names[:4] == [
        "data_overview",
        "engagement_and_attacks",
        "engagement_and_fatalities",
        "engagement_and_attacks_quarterly",
    ]


def test_grid_expands_in_place_in_a_deterministic_order():
    reports = report_set(GRID).expanded()
    assert [r.name for r in reports] == [
        "overview",
        "engagement_attacks_m",
        "engagement_attacks_q",
        "engagement_fatalities_m",
        "engagement_fatalities_q",
        "last",
    ]
    assert reports[2].title == "Engagement and violence (violence_measure: attacks, frequency: Q)"
    assert reports[2].parameters == {
        "violence_source": "PICSS",
        "violence_measure": "attacks",
        "frequency": "Q",
    }


def test_defaults_are_merged_under_each_reports_own_parameters():
    rs = report_set(GRID)
    reports = {r.name: r for r in rs.expanded()}
    assert rs.parameters_for(reports["overview"]) == {"start": "2021-08", "frequency": "M"}
    assert rs.parameters_for(reports["engagement_attacks_q"])["frequency"] == "Q"  # own value wins
    assert rs.parameters_for(reports["last"])["start"] == "2022-01"


def test_grid_name_and_title_patterns():
    rs = report_set("""
reports:
  - name: "{violence_source}_{engagement_directions}"
    notebook: 03_engagement_and_violence.ipynb
    title: "{violence_source}: engagement {engagement_directions}"
    grid:
      violence_source: [PICSS, "SATP (South Asia)"]
      engagement_directions: [[], ["Pakistan→Afghanistan"], ["a", "b"]]
""")
    reports = rs.expanded()
    assert [r.name for r in reports] == [
        "picss_none",
        "picss_pakistan-afghanistan",
        "picss_a-b",
        "satp-south-asia_none",
        "satp-south-asia_pakistan-afghanistan",
        "satp-south-asia_a-b",
    ]
    assert reports[1].title == "PICSS: engagement Pakistan→Afghanistan"
    assert reports[1].parameters == {
        "violence_source": "PICSS",
        "engagement_directions": ["Pakistan→Afghanistan"],
    }


@pytest.mark.parametrize(
    "value, slug",
    [
        ("Q", "q"),
        ("../../etc/passwd", "etc-passwd"),
        ("", "none"),
        ([], "none"),
        (True, "true"),
        (2000, "2000"),
        (0.5, "0-5"),
        (["x/y", ".."], "x-y-none"),
    ],
)
def test_value_slugs_are_safe_file_name_parts(value, slug):
    assert value_slug(value) == slug


@pytest.mark.parametrize(
    "entry, message",
    [
        ("{name: ../escape, notebook: x.ipynb, title: X}", "not a valid report name"),
        ("{name: a/b, notebook: x.ipynb, title: X}", "not a valid report name"),
        ("{name: a..b, notebook: x.ipynb, title: X}", "not a valid report name"),
        ("{name: index, notebook: x.ipynb, title: X}", "reserved"),
        ("{name: ok, notebook: ../x.ipynb, title: X}", "no directories"),
        ("{name: ok, notebook: x.ipynb, title: X, colour: red}", "Extra inputs are not permitted"),
        ("{name: '../{f}', notebook: x.ipynb, title: X, grid: {f: [a]}}", "not a valid report name"),
        ("{name: 'g_{nope}', notebook: x.ipynb, title: X, grid: {f: [a]}}", "not grid parameters"),
        ("{name: g, notebook: x.ipynb, title: X, grid: {f: []}}", "no values listed"),
        ("{name: g, notebook: x.ipynb, title: X, grid: {f: a}}", "valid list"),
        (
            "{name: g, notebook: x.ipynb, title: X, parameters: {f: b}, grid: {f: [a]}}",
            "list each parameter once",
        ),
    ],
)
def test_invalid_entries_are_rejected_naming_the_field(tmp_path, entry, message):
    with pytest.raises(ReportSetError) as caught:
        load_report_set(write(tmp_path, f"reports:\n  - {entry}\n"))
    assert str(tmp_path / "set.yaml") in str(caught.value) and "reports.0" in str(caught.value)
    assert message in str(caught.value)


def test_names_must_stay_unique_after_grids_expand(tmp_path):
    text = (
        "reports:\n  - {name: g_a, notebook: x.ipynb, title: X}\n"
        "  - {name: g, notebook: x.ipynb, title: X, grid: {f: [a, b]}}\n"
    )
    with pytest.raises(ReportSetError, match=r"repeated: \['g_a'\]"):
        load_report_set(write(tmp_path, text))


def test_yaml_is_loaded_safely(tmp_path):
    marker = tmp_path / "executed"
    text = f"reports: !!python/object/apply:os.system ['touch {marker}']\n"
    with pytest.raises(ReportSetError, match="not valid YAML"):
        load_report_set(write(tmp_path, text))
    assert not marker.exists()


def test_plan_fixes_outputs_inside_the_output_folder(tmp_path):
    planned = plan_reports(report_set(GRID), tmp_path)
    for report in planned:
        assert report.html_path.parent == tmp_path.resolve()
        assert report.ipynb_path == report.html_path.with_suffix(".ipynb")
    record = planned[1].as_json()
    assert set(record) == {"name", "notebook", "parameters", "output"}
    assert record["notebook"] == "notebooks/03_engagement_and_violence.ipynb"
    assert record["parameters"] == {
        "start": "2021-08",
        "frequency": "M",
        "violence_source": "PICSS",
        "violence_measure": "attacks",
    }


def test_only_selects_by_name_and_rejects_unknown_names(tmp_path):
    rs = report_set(GRID)
    chosen = plan_reports(rs, tmp_path, only=["last,engagement_attacks_q", "overview"])
    assert [r.name for r in chosen] == ["overview", "engagement_attacks_q", "last"]
    with pytest.raises(SelectionError, match="`engagement_atacks_q` \\(did you mean `engagement_attacks_q`"):
        plan_reports(rs, tmp_path, only=["engagement_atacks_q"])


def test_the_readme_example_is_a_valid_report_set(tmp_path):
    """The report-set example in README.md parses, expands as the text says, and its
    parameters pass the strict check against the real notebooks."""
    from analysis.reporting.build import parameter_errors

    readme = (paths.PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### The report-set file") :]
    example = section[section.index("```yaml") + len("```yaml") : section.index("```\n", 10)]
    rs = report_set(example)
    assert [r.name for r in rs.expanded()] == [
        "data_overview",
        "engagement_attacks_m",
        "engagement_attacks_q",
        "engagement_fatalities_m",
        "engagement_fatalities_q",
    ]
    assert parameter_errors(plan_reports(rs, tmp_path)) == {}
