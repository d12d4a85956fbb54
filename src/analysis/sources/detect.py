"""Format detection from a file's first line (header or column count).

Formats (:data:`FORMATS`):

* ``ucdp_ged``: UCDP Georeferenced Event Dataset, release 23.1 and later,
  49 comma-separated columns with a header;
* ``acled``: ACLED export, 31 comma-separated columns with a header;
* ``gdelt_v1`` / ``gdelt_v2``: GDELT 1.0 (58 columns) and 2.0 (61 columns)
  event files, tab-separated, **no header line**;
* ``reference_violence`` / ``reference_engagement``: the project's canonical
  tables (``data/reference/*.csv``).

A headed format is recognised when at least half of its column names appear in
the first line; its header must then hold every column (order does not matter,
extra columns are ignored), or the error lists the missing and unexpected
names. A GDELT file is recognised by its number of tab-separated fields.

When a file does not match the format asked for, the error says what was
expected and what was found, e.g. ``expected UCDP GED (49 comma-separated
columns starting id,relid,year,...); found 31 columns starting
event_id_cnty,event_date,year,... (this looks like an ACLED export)``.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from pathlib import Path

from analysis import schema
from analysis.errors import DataValidationError
from analysis.sources._io import expand_inputs, first_line_of

UCDP_GED_COLUMNS: tuple[str, ...] = (
    "id", "relid", "year", "active_year", "code_status", "type_of_violence", "conflict_dset_id",
    "conflict_new_id", "conflict_name", "dyad_dset_id", "dyad_new_id", "dyad_name",
    "side_a_dset_id", "side_a_new_id", "side_a", "side_b_dset_id", "side_b_new_id", "side_b",
    "number_of_sources", "source_article", "source_office", "source_date", "source_headline",
    "source_original", "where_prec", "where_coordinates", "where_description", "adm_1", "adm_2",
    "latitude", "longitude", "geom_wkt", "priogrid_gid", "country", "country_id", "region",
    "event_clarity", "date_prec", "date_start", "date_end", "deaths_a", "deaths_b",
    "deaths_civilians", "deaths_unknown", "best", "high", "low", "gwnoa", "gwnob",
)
ACLED_COLUMNS: tuple[str, ...] = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
    "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
    "fatalities", "tags", "timestamp",
)
_GDELT_ACTOR = ("Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code",
                "Religion2Code", "Type1Code", "Type2Code", "Type3Code")


def _gdelt_columns(adm2: bool) -> tuple[str, ...]:
    cols = ["GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate"]
    cols += [f"Actor1{c}" for c in _GDELT_ACTOR] + [f"Actor2{c}" for c in _GDELT_ACTOR]
    cols += ["IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass",
             "GoldsteinScale", "NumMentions", "NumSources", "NumArticles", "AvgTone"]
    for prefix in ("Actor1Geo", "Actor2Geo", "ActionGeo"):
        geo = ["Type", "FullName", "CountryCode", "ADM1Code"] + (["ADM2Code"] if adm2 else [])
        cols += [f"{prefix}_{c}" for c in geo + ["Lat", "Long", "FeatureID"]]
    return tuple(cols + ["DATEADDED", "SOURCEURL"])


GDELT_V1_COLUMNS: tuple[str, ...] = _gdelt_columns(adm2=False)
GDELT_V2_COLUMNS: tuple[str, ...] = _gdelt_columns(adm2=True)


@dataclass(frozen=True)
class FormatSpec:
    """One input format.

    Attributes
    ----------
    name : str
        Machine name (``"ucdp_ged"``).
    label : str
        Human name (``"UCDP GED"``).
    columns : tuple of str
        Columns in published order.
    delimiter : str
    has_header : bool
    kind : {"violence", "engagement"}
        The canonical table it feeds.
    """

    name: str
    label: str
    columns: tuple[str, ...]
    delimiter: str
    has_header: bool
    kind: str

    def describe(self) -> str:
        """E.g. ``UCDP GED (49 comma-separated columns starting id,relid,year,...)``."""
        sep = "tab-separated" if self.delimiter == "\t" else "comma-separated"
        if self.has_header:
            return (f"{self.label} ({len(self.columns)} {sep} columns starting "
                    f"{','.join(self.columns[:3])},...)")
        return f"{self.label} ({len(self.columns)} {sep} columns, no header line)"


FORMATS: dict[str, FormatSpec] = {
    "ucdp_ged": FormatSpec("ucdp_ged", "UCDP GED", UCDP_GED_COLUMNS, ",", True, "violence"),
    "acled": FormatSpec("acled", "ACLED export", ACLED_COLUMNS, ",", True, "violence"),
    "gdelt_v1": FormatSpec("gdelt_v1", "GDELT 1.0 events", GDELT_V1_COLUMNS, "\t", False, "engagement"),
    "gdelt_v2": FormatSpec("gdelt_v2", "GDELT 2.0 events", GDELT_V2_COLUMNS, "\t", False, "engagement"),
    "reference_violence": FormatSpec("reference_violence", "reference violence figures",
                                     schema.VIOLENCE_COLUMNS, ",", True, "violence"),
    "reference_engagement": FormatSpec("reference_engagement", "reference engagement events",
                                       schema.ENGAGEMENT_COLUMNS, ",", True, "engagement"),
}

#: Names accepted for ``fmt`` and the detected formats each one admits.
REQUESTABLE: dict[str, tuple[str, ...]] = {
    "auto": tuple(FORMATS),
    "reference": ("reference_violence", "reference_engagement"),
    "ucdp_ged": ("ucdp_ged",),
    "acled": ("acled",),
    "gdelt": ("gdelt_v1", "gdelt_v2"),
    "gdelt_v1": ("gdelt_v1",),
    "gdelt_v2": ("gdelt_v2",),
}


@dataclass(frozen=True)
class Detection:
    """Result of :func:`detect`: the format and the files it applies to."""

    format: str
    files: tuple[Path, ...]

    @property
    def spec(self) -> FormatSpec:
        return FORMATS[self.format]


def _split(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader(io.StringIO(line), delimiter=delimiter))
    except (StopIteration, csv.Error):
        return [line]


def _headed_match(fields: list[str]) -> tuple[str | None, float]:
    names = {f.strip() for f in fields}
    best, score = None, 0.0
    for spec in FORMATS.values():
        if not spec.has_header:
            continue
        share = len(names & set(spec.columns)) / len(spec.columns)
        if share > score:
            best, score = spec.name, share
    return best, score


def _gdelt_match(line: str) -> str | None:
    n = len(line.split("\t"))
    for name in ("gdelt_v1", "gdelt_v2"):
        if n == len(FORMATS[name].columns):
            return name
    return None


def describe_line(line: str, expected_delimiter: str | None = None) -> str:
    """What a first line holds, in words, e.g. ``31 columns starting a,b,c,...``.

    Counts comma-separated fields, or tab-separated ones when the line has
    tabs, and adds what the line looks like when that is recognisable, or a
    hint when the expected delimiter does not occur at all.
    """
    delimiter = "\t" if "\t" in line else ","
    fields = _split(line, delimiter)
    sep = "tab-separated " if delimiter == "\t" else ""
    shown = ",".join(f[:30] for f in fields[:3])
    text = (f"{len(fields)} {sep}column{'s' if len(fields) != 1 else ''} starting "
            f"{shown}{',...' if len(fields) > 3 else ''}")
    looks = detect_line(line)
    if looks:
        text += f" (this looks like {FORMATS[looks].label})"
    elif expected_delimiter == "\t" and "\t" not in line:
        text += "; the line holds no tab: wrong delimiter? expected tab-separated fields"
    elif len(fields) == 1:
        for other in (";", "|", "\t", ","):
            if other != delimiter and len(_split(line, other)) > 3:
                guess, score = _headed_match(_split(line, other))
                like = f" like the {FORMATS[guess].label} header" if guess and score >= 0.5 else ""
                text += (f"; the line splits on {other!r} instead{like}: wrong delimiter? "
                         f"expected {'tabs' if delimiter == chr(9) else 'commas'}")
                break
    return text


def detect_line(line: str) -> str | None:
    """Format name of a first line, or ``None`` if unrecognised."""
    if "\t" in line:
        gdelt = _gdelt_match(line)
        if gdelt:
            return gdelt
    guess, score = _headed_match(_split(line, ","))
    return guess if guess and score >= 0.5 else None


def header_problems(line: str, spec: FormatSpec, label: str) -> list[str]:
    """Problems with a headed file's header (missing or unexpected columns)."""
    fields = [f.strip() for f in _split(line, spec.delimiter)]
    missing = [c for c in spec.columns if c not in fields]
    if not missing:
        return []
    extra = [f for f in fields if f not in spec.columns]
    text = f"{label}: line 1 (header): missing column(s) {', '.join(missing)}"
    if extra:
        text += f"; unexpected column(s) {', '.join(extra)} (renamed?)"
    return [text + f"; expected {spec.describe()}, all {len(spec.columns)} columns: "
            + ",".join(spec.columns)]


def _gdelt_header_problem(line: str, spec: FormatSpec, label: str) -> list[str]:
    first = line.split("\t", 1)[0].strip()
    if first == "GLOBALEVENTID":
        return [f"{label}: line 1: found a header line; expected {spec.describe()}: "
                "raw GDELT files start with data (remove the header line)"]
    return []


def detect(path: str | os.PathLike[str], fmt: str = "auto", *,
           skip_unreadable: bool = False) -> Detection:
    """Detect the format of ``path`` (a file, folder or glob) and check it.

    Parameters
    ----------
    path : str or path-like
        See :func:`analysis.sources._io.expand_inputs`.
    fmt : str
        ``"auto"`` or a name of :data:`REQUESTABLE`; with a specific name the
        files must be in that format.

    Returns
    -------
    Detection

    Raises
    ------
    DataValidationError
        Naming the file, what was expected and what was found; also for an
        empty file, a zip without CSV, a header with missing columns, or
        files of different formats together.
    ValueError
        On an unknown ``fmt``.

    Notes
    -----
    With ``skip_unreadable`` an empty file or a zip without CSV among
    several files is passed over (the GDELT reader counts it) instead of
    failing; a single such file still fails.
    """
    if fmt not in REQUESTABLE:
        raise ValueError(f"fmt must be one of {sorted(REQUESTABLE)}; got {fmt!r}")
    allowed = REQUESTABLE[fmt]
    files = expand_inputs(path)
    found: str | None = None
    readable = []
    for file in files:
        try:
            line = first_line_of(file)
        except DataValidationError:
            if skip_unreadable and len(files) > 1:
                continue
            raise
        readable.append(file)
        name = detect_line(line)
        if name is None or name not in allowed:
            if fmt == "auto":
                expected = "one of: " + "; ".join(s.describe() for s in FORMATS.values())
            else:
                expected = " or ".join(FORMATS[a].describe() for a in allowed)
            delimiters = {FORMATS[a].delimiter for a in allowed}
            hint = delimiters.pop() if len(delimiters) == 1 else None
            raise DataValidationError([f"{file}: line 1: expected {expected}; "
                                       f"found {describe_line(line, hint)}"])
        spec = FORMATS[name]
        problems = (header_problems(line, spec, str(file)) if spec.has_header
                    else _gdelt_header_problem(line, spec, str(file)))
        if problems:
            raise DataValidationError(problems)
        if found is not None and name != found:
            raise DataValidationError(
                [f"{file}: line 1: expected {FORMATS[found].describe()} like {files[0]}; "
                 f"found {describe_line(line)}: all files read together must share one format"])
        found = name
    if found is None:
        raise DataValidationError([f"{path}: no readable file"])
    return Detection(found, tuple(readable))
