"""Report builder: report set → cache check → strict parameters → papermill → HTML + index.

The builder never computes statistics; it runs notebooks and publishes them.
Importing this package is cheap: papermill and nbconvert are imported only
when a report actually has to be (re)built.
"""

from analysis.reporting.build import BuildResult, PlannedReport, build_reports, plan_reports
from analysis.reporting.config import GridSpec, ReportSet, ReportSpec, load_report_set

__all__ = [
    "BuildResult",
    "GridSpec",
    "PlannedReport",
    "ReportSet",
    "ReportSpec",
    "build_reports",
    "load_report_set",
    "plan_reports",
]
