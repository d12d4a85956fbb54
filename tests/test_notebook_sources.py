"""Notebooks run on researchers' own files by changing parameters only (the project's simulated
fixtures in UCDP GED, ACLED and GDELT formats), and name the files they read with their hashes."""

import nbformat
import papermill
import pytest

from analysis import paths
from analysis.provenance import file_sha256

pytestmark = pytest.mark.slow

FIXTURES = paths.PROJECT_ROOT / "tests" / "fixtures"


def _run(notebook: str, tmp_path, **parameters):
    out = tmp_path / f"out_{notebook}"
    papermill.execute_notebook(
        str(paths.NOTEBOOKS_DIR / notebook),
        str(out),
        parameters=parameters,
        kernel_name=paths.KERNEL_NAME,
        cwd=str(paths.PROJECT_ROOT),
        progress_bar=False,
    )
    executed = nbformat.read(out, as_version=4)
    outputs = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    return "\n".join(o["data"].get("text/markdown", "") for o in outputs if "data" in o)


def test_engagement_report_on_ucdp_and_gdelt_files(tmp_path):
    ged = FIXTURES / "ucdp_ged_simulated.csv"
    gdelt = FIXTURES / "gdelt_v2_simulated.export.CSV"
    text = _run(
        "03_engagement_and_violence.ipynb",
        tmp_path,
        start="2023-01",
        violence_path=str(ged.relative_to(paths.PROJECT_ROOT)),
        violence_format="ucdp_ged",
        engagement_path=str(gdelt.relative_to(paths.PROJECT_ROOT)),
    )
    assert "UCDP GED events" in text and "GDELT 2.0" in text
    assert "Not estimable with these data" in text  # five simulated months: every model refuses
    for file in (ged, gdelt):
        assert f"`{file.relative_to(paths.PROJECT_ROOT)}` (sha256 `{file_sha256(file)[:12]}`)" in text


def test_trends_report_on_an_acled_export(tmp_path):
    acled = FIXTURES / "acled_simulated_text.csv"
    text = _run(
        "02_violence_trends.ipynb",
        tmp_path,
        start="",
        violence_format="acled",
        violence_path=str(acled.relative_to(paths.PROJECT_ROOT)),
        violence_options={"country": "Pakistan"},
    )
    assert "ACLED events" in text
    assert f"sha256 `{file_sha256(acled)[:12]}`" in text
