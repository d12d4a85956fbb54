"""The `analysis validate` command reports bad input with file, line and column."""

from __future__ import annotations

from typer.testing import CliRunner

from analysis import paths
from analysis.cli import app


def test_validate_bundled_data_passes():
    result = CliRunner().invoke(app, ["validate"])
    assert result.exit_code == 0, result.output
    assert "engagement events:" in result.output and "violence figures:" in result.output


def test_validate_reports_bad_rows(tmp_path):
    lines = paths.VIOLENCE_FIGURES_CSV.read_text(encoding="utf-8").splitlines()
    header, first = lines[0], lines[1]
    bad = tmp_path / "figures.csv"
    bad.write_text("\n".join([header, first, first]) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", "--violence", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}: line 3, column 'figure_id': expected a unique value" in result.output


def test_wrong_delimiter_names_missing_columns(tmp_path):
    text = paths.VIOLENCE_FIGURES_CSV.read_text(encoding="utf-8").splitlines()[0].replace(",", ";")
    bad = tmp_path / "semicolons.csv"
    bad.write_text(text + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", "--violence", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}: line 1 (header): missing column(s)" in result.output
