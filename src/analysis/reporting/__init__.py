"""Report builder: report set → parameter check → papermill → HTML + index.

The builder never computes statistics; it runs notebooks and publishes them.
"""

from analysis.reporting.build import BuildResult, build_reports
from analysis.reporting.config import ReportSet, ReportSpec, load_report_set

__all__ = ["BuildResult", "ReportSet", "ReportSpec", "build_reports", "load_report_set"]
