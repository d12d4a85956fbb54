"""Format detection from a file's first lines (header, or column count), by vintage.

Formats (:data:`FORMATS`) and the vintages (published layouts) of each:

* ``ucdp_ged``: UCDP Georeferenced Event Dataset, comma-separated with a
  header: the 42-column layout of releases 17.1 to 19.1 (no ``relid``,
  ``code_status`` or ``*_dset_id``; ``gwnoa``/``gwnob`` beside the sides;
  ``low, best, high``), the 49-column layout of 20.1 and later (also used
  by the monthly candidate releases), and the Humanitarian Data Exchange
  (HDX) republications of either (an added ``iso3``, in some years
  ``start_year``/``end_year``, and a row of HXL hashtags as line 2);
* ``acled``: ACLED exports: today's 31 lower-case columns, the 2019 to
  2023 lower-case layout (``data_id``, ``iso3``; no ``disorder_type``), and
  the upper-case exports before 2019 (``GWNO``, ``ALLY_ACTOR_1``, ...; no
  ``SUB_EVENT_TYPE``);
* ``hdx_hapi_conflict``: HDX HAPI conflict events (monthly totals derived
  from ACLED by HDX), with or without an HXL row;
* ``gdelt_v1`` / ``gdelt_v2``: GDELT 1.0 event files (58 columns in daily
  files, 57 in the back-files, which have no ``SOURCEURL``; both may occur
  in one file) and 2.0 event files (61 columns; main ``*.export.CSV`` and
  translingual ``*.translation.export.CSV`` streams), tab-separated, **no
  header line**;
* ``reference_violence`` / ``reference_engagement``: the project's canonical
  tables (``data/reference/*.csv``).

A headed file is matched against every vintage of every headed format (names
compared without case and surrounding spaces): the vintage sharing the
largest share of its columns with the first line is the closest, and is
recognised when that share is at least a half. Its header must then hold
every column of that vintage (order does not matter; extra columns are
ignored), or the error names the vintage, the missing and the unexpected
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
import re
from dataclasses import dataclass, field
from pathlib import Path

from analysis import schema
from analysis.errors import DataValidationError
from analysis.sources._io import expand_inputs, first_lines_of

UCDP_GED_COLUMNS: tuple[str, ...] = (
    "id",
    "relid",
    "year",
    "active_year",
    "code_status",
    "type_of_violence",
    "conflict_dset_id",
    "conflict_new_id",
    "conflict_name",
    "dyad_dset_id",
    "dyad_new_id",
    "dyad_name",
    "side_a_dset_id",
    "side_a_new_id",
    "side_a",
    "side_b_dset_id",
    "side_b_new_id",
    "side_b",
    "number_of_sources",
    "source_article",
    "source_office",
    "source_date",
    "source_headline",
    "source_original",
    "where_prec",
    "where_coordinates",
    "where_description",
    "adm_1",
    "adm_2",
    "latitude",
    "longitude",
    "geom_wkt",
    "priogrid_gid",
    "country",
    "country_id",
    "region",
    "event_clarity",
    "date_prec",
    "date_start",
    "date_end",
    "deaths_a",
    "deaths_b",
    "deaths_civilians",
    "deaths_unknown",
    "best",
    "high",
    "low",
    "gwnoa",
    "gwnob",
)
#: UCDP GED releases 17.1 to 19.1 (codebook 19.1, Högbladh 2019): 42 columns.
UCDP_GED_42_COLUMNS: tuple[str, ...] = (
    "id",
    "year",
    "active_year",
    "type_of_violence",
    "conflict_new_id",
    "conflict_name",
    "dyad_new_id",
    "dyad_name",
    "side_a_new_id",
    "gwnoa",
    "side_a",
    "side_b_new_id",
    "gwnob",
    "side_b",
    "number_of_sources",
    "source_article",
    "source_office",
    "source_date",
    "source_headline",
    "source_original",
    "where_prec",
    "where_coordinates",
    "adm_1",
    "adm_2",
    "latitude",
    "longitude",
    "geom_wkt",
    "priogrid_gid",
    "country",
    "country_id",
    "region",
    "event_clarity",
    "date_prec",
    "date_start",
    "date_end",
    "deaths_a",
    "deaths_b",
    "deaths_civilians",
    "deaths_unknown",
    "low",
    "best",
    "high",
)
#: Columns the HDX republications of UCDP GED add (``iso3`` always; the years in some years).
UCDP_HDX_ADDED: tuple[str, ...] = ("iso3", "start_year", "end_year")
ACLED_COLUMNS: tuple[str, ...] = (
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
)
#: ACLED exports of 2019 to 2023: lower case, ``data_id`` and ``iso3``, no ``disorder_type``.
ACLED_2019_COLUMNS: tuple[str, ...] = (
    "data_id",
    "iso",
    "event_id_cnty",
    "event_id_no_cnty",
    "event_date",
    "year",
    "time_precision",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "timestamp",
    "iso3",
)
#: ACLED exports before 2019: upper case, ``ALLY_ACTOR_*``, no sub-event type, ISO or region.
ACLED_PRE2019_COLUMNS: tuple[str, ...] = (
    "GWNO",
    "EVENT_ID_CNTY",
    "EVENT_ID_NO_CNTY",
    "EVENT_DATE",
    "YEAR",
    "TIME_PRECISION",
    "EVENT_TYPE",
    "ACTOR1",
    "ALLY_ACTOR_1",
    "INTER1",
    "ACTOR2",
    "ALLY_ACTOR_2",
    "INTER2",
    "INTERACTION",
    "COUNTRY",
    "ADMIN1",
    "ADMIN2",
    "ADMIN3",
    "LOCATION",
    "LATITUDE",
    "LONGITUDE",
    "GEO_PRECISION",
    "SOURCE",
    "NOTES",
    "FATALITIES",
)
#: Old ACLED names → today's (compared in lower case).
ACLED_ALIASES: dict[str, str] = {"ally_actor_1": "assoc_actor_1", "ally_actor_2": "assoc_actor_2"}
#: HDX HAPI conflict events (global CSV of the HAPI "conflict-event" endpoint).
HDX_HAPI_CONFLICT_COLUMNS: tuple[str, ...] = (
    "location_code",
    "has_hrp",
    "in_gho",
    "provider_admin1_name",
    "provider_admin2_name",
    "admin1_code",
    "admin1_name",
    "admin2_code",
    "admin2_name",
    "admin_level",
    "event_type",
    "events",
    "fatalities",
    "reference_period_start",
    "reference_period_end",
)
#: Columns the HAPI adapter needs (the rest may be absent, e.g. in the API's own CSV output).
HDX_HAPI_REQUIRED: tuple[str, ...] = (
    "location_code",
    "admin1_name",
    "admin2_name",
    "admin_level",
    "event_type",
    "events",
    "fatalities",
    "reference_period_start",
    "reference_period_end",
)
_GDELT_ACTOR = (
    "Code",
    "Name",
    "CountryCode",
    "KnownGroupCode",
    "EthnicCode",
    "Religion1Code",
    "Religion2Code",
    "Type1Code",
    "Type2Code",
    "Type3Code",
)


def _gdelt_columns(adm2: bool) -> tuple[str, ...]:
    cols = ["GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate"]
    cols += [f"Actor1{c}" for c in _GDELT_ACTOR] + [f"Actor2{c}" for c in _GDELT_ACTOR]
    cols += [
        "IsRootEvent",
        "EventCode",
        "EventBaseCode",
        "EventRootCode",
        "QuadClass",
        "GoldsteinScale",
        "NumMentions",
        "NumSources",
        "NumArticles",
        "AvgTone",
    ]
    for prefix in ("Actor1Geo", "Actor2Geo", "ActionGeo"):
        geo = ["Type", "FullName", "CountryCode", "ADM1Code"] + (["ADM2Code"] if adm2 else [])
        cols += [f"{prefix}_{c}" for c in geo + ["Lat", "Long", "FeatureID"]]
    return tuple(cols + ["DATEADDED", "SOURCEURL"])


GDELT_V1_COLUMNS: tuple[str, ...] = _gdelt_columns(adm2=False)
GDELT_V2_COLUMNS: tuple[str, ...] = _gdelt_columns(adm2=True)
#: Field counts of GDELT lines: 1.0 back-file (no SOURCEURL) and daily, 2.0.
GDELT_FIELD_COUNTS: dict[int, tuple[str, str]] = {
    57: ("gdelt_v1", "1.0 back-file (57 columns, no SOURCEURL)"),
    58: ("gdelt_v1", "1.0 daily files (58 columns)"),
    61: ("gdelt_v2", "2.0 (61 columns)"),
}


@dataclass(frozen=True)
class Vintage:
    """One published layout of a headed format.

    Attributes
    ----------
    label : str
        What ``analysis inspect`` prints, e.g. ``"19.1 (42 columns; ...)"``.
    columns : tuple of str
        Its header as published.
    required : tuple of str, optional
        Columns that must be present (default: all of ``columns``).
    """

    label: str
    columns: tuple[str, ...]
    required: tuple[str, ...] | None = None

    @property
    def must_have(self) -> tuple[str, ...]:
        return self.columns if self.required is None else self.required


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
        Columns of the current vintage, in published order.
    delimiter : str
    has_header : bool
    kind : {"violence", "engagement"}
        The canonical table it feeds.
    vintages : tuple of Vintage
        Published layouts, current first (headed formats).
    """

    name: str
    label: str
    columns: tuple[str, ...]
    delimiter: str
    has_header: bool
    kind: str
    vintages: tuple[Vintage, ...] = field(default=())

    def describe(self) -> str:
        """E.g. ``UCDP GED (49 comma-separated columns starting id,relid,year,...)``."""
        sep = "tab-separated" if self.delimiter == "\t" else "comma-separated"
        if self.has_header:
            return (
                f"{self.label} ({len(self.columns)} {sep} columns starting {','.join(self.columns[:3])},...)"
            )
        return f"{self.label} ({len(self.columns)} {sep} columns, no header line)"

    @property
    def layouts(self) -> tuple[Vintage, ...]:
        """The vintages, or the current columns as the only one."""
        return self.vintages or (Vintage("current", self.columns),)


FORMATS: dict[str, FormatSpec] = {
    "ucdp_ged": FormatSpec(
        "ucdp_ged",
        "UCDP GED",
        UCDP_GED_COLUMNS,
        ",",
        True,
        "violence",
        (
            Vintage("20.1 or later (49 columns)", UCDP_GED_COLUMNS),
            Vintage("19.1 (42 columns; the layout of 17.1 to 19.1)", UCDP_GED_42_COLUMNS),
        ),
    ),
    "acled": FormatSpec(
        "acled",
        "ACLED export",
        ACLED_COLUMNS,
        ",",
        True,
        "violence",
        (
            Vintage("current export (31 lower-case columns)", ACLED_COLUMNS),
            Vintage(
                "2019 to 2023 export (lower-case columns with data_id and iso3, no disorder_type)",
                ACLED_2019_COLUMNS,
            ),
            Vintage(
                "export before 2019 (upper-case columns, ALLY_ACTOR_*, no SUB_EVENT_TYPE, ISO "
                "or DISORDER_TYPE)",
                ACLED_PRE2019_COLUMNS,
                required=(
                    "EVENT_ID_CNTY",
                    "EVENT_DATE",
                    "YEAR",
                    "TIME_PRECISION",
                    "EVENT_TYPE",
                    "ACTOR1",
                    "INTER1",
                    "ACTOR2",
                    "INTER2",
                    "INTERACTION",
                    "COUNTRY",
                    "FATALITIES",
                ),
            ),
        ),
    ),
    "hdx_hapi_conflict": FormatSpec(
        "hdx_hapi_conflict",
        "HDX HAPI conflict events",
        HDX_HAPI_CONFLICT_COLUMNS,
        ",",
        True,
        "violence",
        (
            Vintage(
                "HAPI conflict-event table, monthly totals derived from ACLED",
                HDX_HAPI_CONFLICT_COLUMNS,
                required=HDX_HAPI_REQUIRED,
            ),
        ),
    ),
    "gdelt_v1": FormatSpec("gdelt_v1", "GDELT 1.0 events", GDELT_V1_COLUMNS, "\t", False, "engagement"),
    "gdelt_v2": FormatSpec("gdelt_v2", "GDELT 2.0 events", GDELT_V2_COLUMNS, "\t", False, "engagement"),
    "reference_violence": FormatSpec(
        "reference_violence", "reference violence figures", schema.VIOLENCE_COLUMNS, ",", True, "violence"
    ),
    "reference_engagement": FormatSpec(
        "reference_engagement",
        "reference engagement events",
        schema.ENGAGEMENT_COLUMNS,
        ",",
        True,
        "engagement",
    ),
}

#: Names accepted for ``fmt`` and the detected formats each one admits.
REQUESTABLE: dict[str, tuple[str, ...]] = {
    "auto": tuple(FORMATS),
    "reference": ("reference_violence", "reference_engagement"),
    "ucdp_ged": ("ucdp_ged",),
    "acled": ("acled",),
    "hdx_hapi": ("hdx_hapi_conflict",),
    "hdx_hapi_conflict": ("hdx_hapi_conflict",),
    "gdelt": ("gdelt_v1", "gdelt_v2"),
    "gdelt_v1": ("gdelt_v1",),
    "gdelt_v2": ("gdelt_v2",),
}


@dataclass(frozen=True)
class FileLayout:
    """What detection found in one file.

    Attributes
    ----------
    format : str
    vintage : str
        The vintage's label (GDELT: field count of the first line; 2.0: the stream).
    hxl_row : bool
        Line 2 is a row of HXL hashtags (HDX files): not data, neither read nor counted.
    extras : tuple of str
        Columns beyond the vintage's (e.g. HDX's ``iso3``).
    """

    format: str
    vintage: str
    hxl_row: bool = False
    extras: tuple[str, ...] = ()


@dataclass(frozen=True)
class Detection:
    """Result of :func:`detect`: the format, the files it applies to and each one's layout."""

    format: str
    files: tuple[Path, ...]
    layouts: tuple[FileLayout, ...] = ()

    @property
    def spec(self) -> FormatSpec:
        return FORMATS[self.format]

    @property
    def vintage(self) -> str:
        """The vintage(s) found, e.g. ``"19.1 (42 columns; ...)"``; several joined by ``"; "``."""
        return "; ".join(dict.fromkeys(layout.vintage for layout in self.layouts))

    def layout_of(self, file: Path) -> FileLayout:
        return dict(zip(self.files, self.layouts))[file]


def _split(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader(io.StringIO(line), delimiter=delimiter))
    except (StopIteration, csv.Error):
        return [line]


def canonical_name(name: str) -> str:
    """A header cell as adapters name it: stripped, lower case, old ACLED names renamed."""
    key = name.strip().lstrip("\ufeff").lower()
    return ACLED_ALIASES.get(key, key)


def _closest(fields: list[str]) -> tuple[str | None, Vintage | None, float]:
    """The headed format and vintage sharing the largest share of their columns with ``fields``."""
    names = {canonical_name(f) for f in fields}
    best: tuple[str | None, Vintage | None, float] = (None, None, 0.0)
    for spec in FORMATS.values():
        if not spec.has_header:
            continue
        for vintage in spec.layouts:
            wanted = {canonical_name(c) for c in vintage.columns}
            share = len(names & wanted) / len(wanted)
            if share > best[2]:
                best = (spec.name, vintage, share)
    return best


def _headed_match(fields: list[str]) -> tuple[str | None, float]:
    name, _, score = _closest(fields)
    return name, score


def _gdelt_match(line: str) -> str | None:
    found = GDELT_FIELD_COUNTS.get(len(line.split("\t")))
    return found[0] if found else None


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
    text = (
        f"{len(fields)} {sep}column{'s' if len(fields) != 1 else ''} starting "
        f"{shown}{',...' if len(fields) > 3 else ''}"
    )
    looks = detect_line(line)
    if looks:
        text += f" (this looks like {FORMATS[looks].label})"
    elif delimiter == "\t" and len(fields) > 3:
        n = len(line.split("\t"))
        nearest = min(GDELT_FIELD_COUNTS, key=lambda k: (abs(k - n), k))
        label = GDELT_FIELD_COUNTS[nearest][1]
        text += (
            f" (closest vintage: GDELT {label}: "
            f"{abs(n - nearest)} field{'s' if abs(n - nearest) != 1 else ''} "
            f"{'more' if n > nearest else 'fewer'} than that; a stray or missing tab?)"
        )
    elif expected_delimiter == "\t" and "\t" not in line:
        text += "; the line holds no tab: wrong delimiter? expected tab-separated fields"
    elif len(fields) == 1:
        for other in (";", "|", "\t", ","):
            if other != delimiter and len(_split(line, other)) > 3:
                guess, score = _headed_match(_split(line, other))
                like = f" like the {FORMATS[guess].label} header" if guess and score >= 0.5 else ""
                text += (
                    f"; the line splits on {other!r} instead{like}: wrong delimiter? "
                    f"expected {'tabs' if delimiter == chr(9) else 'commas'}"
                )
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


def is_hxl_row(line: str) -> bool:
    """True for a row of HXL hashtags (every non-empty cell starts with ``#``)."""
    cells = [c.strip() for c in _split(line, ",")]
    filled = [c for c in cells if c]
    return bool(filled) and all(c.startswith("#") for c in filled)


def header_problems(line: str, spec: FormatSpec, label: str) -> list[str]:
    """Problems with a headed file's header, against its closest vintage."""
    fields = _split(line, spec.delimiter)
    present = {canonical_name(f) for f in fields}
    vintage = max(
        spec.layouts, key=lambda v: len(present & {canonical_name(c) for c in v.columns}) / len(v.columns)
    )
    missing = [c for c in vintage.must_have if canonical_name(c) not in present]
    if not missing:
        return []
    known = {canonical_name(c) for v in spec.layouts for c in v.columns} | set(UCDP_HDX_ADDED)
    extra = [f.strip() for f in fields if canonical_name(f) not in known]
    text = f"{label}: line 1 (header): missing column(s) {', '.join(missing)}"
    if extra:
        text += f"; unexpected column(s) {', '.join(extra)} (renamed?)"
    sep = "tab-separated" if spec.delimiter == "\t" else "comma-separated"
    where = "" if len(spec.layouts) == 1 else f", closest vintage {vintage.label}"
    return [
        text + f"; expected {spec.label}{where} ({len(vintage.columns)} {sep} columns "
        f"starting {','.join(vintage.columns[:3])},...), all {len(vintage.columns)} "
        "columns: " + ",".join(vintage.columns)
    ]


def headed_layout(lines: list[str], spec: FormatSpec, file: Path) -> FileLayout:
    """The vintage of a headed file (its header already checked by :func:`header_problems`)."""
    fields = _split(lines[0], spec.delimiter)
    present = [canonical_name(f) for f in fields]
    vintage = max(
        spec.layouts,
        key=lambda v: len(set(present) & {canonical_name(c) for c in v.columns}) / len(v.columns),
    )
    own = {canonical_name(c) for c in vintage.columns}
    extras = tuple(f for f in present if f not in own and f)
    hxl = len(lines) > 1 and is_hxl_row(lines[1])
    label = vintage.label
    if spec.name == "ucdp_ged":
        added = [c for c in UCDP_HDX_ADDED if c in extras]
        if added or hxl:
            label += (
                " as republished on HDX (adds "
                + ", ".join(added or ["no column"])
                + ("; HXL hashtag row as line 2" if hxl else "")
                + ")"
            )
        elif re.search(r"_v\d+_0_\d+|candidate", file.name, flags=re.IGNORECASE):
            label += ", candidate release"
    elif hxl:
        label += "; HXL hashtag row as line 2"
    return FileLayout(spec.name, label, hxl, extras)


def gdelt_layout(line: str, file: Path) -> FileLayout:
    """The vintage of a GDELT file from its first line's field count (and 2.0 stream from its name)."""
    name, label = GDELT_FIELD_COUNTS[len(line.split("\t"))]
    if name == "gdelt_v2":
        translingual = ".translation." in file.name.lower()
        label += ", translingual stream" if translingual else ", main stream"
    return FileLayout(name, label)


def _gdelt_header_problem(line: str, spec: FormatSpec, label: str) -> list[str]:
    first = line.split("\t", 1)[0].strip().lstrip("\ufeff")
    if first == "GLOBALEVENTID":
        return [
            f"{label}: line 1: found a header line; expected {spec.describe()}: "
            "raw GDELT files start with data (remove the header line)"
        ]
    return []


def detect(path: str | os.PathLike[str], fmt: str = "auto", *, skip_unreadable: bool = False) -> Detection:
    """Detect the format and vintage of ``path`` (a file, folder or glob) and check it.

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
        empty file, a zip without CSV, a header with missing columns (naming
        the closest vintage), or files of different formats together.
    ValueError
        On an unknown ``fmt``.

    Notes
    -----
    With ``skip_unreadable`` an empty file or a zip without CSV among
    several files is passed over (the GDELT reader counts it) instead of
    failing; a single such file still fails. Files of one format but
    different vintages (e.g. GDELT 1.0 back-files and daily files, or UCDP
    GED 19.1 and 23.1) are read together.
    """
    if fmt not in REQUESTABLE:
        raise ValueError(f"fmt must be one of {sorted(REQUESTABLE)}; got {fmt!r}")
    allowed = REQUESTABLE[fmt]
    files = expand_inputs(path)
    found: str | None = None
    readable, layouts = [], []
    for file in files:
        try:
            lines = first_lines_of(file, 2)
        except DataValidationError:
            if skip_unreadable and len(files) > 1:
                continue
            raise
        line = lines[0]
        name = detect_line(line)
        if name is None or name not in allowed:
            if fmt == "auto":
                expected = "one of: " + "; ".join(s.describe() for s in FORMATS.values())
            else:
                expected = " or ".join(FORMATS[a].describe() for a in allowed)
            delimiters = {FORMATS[a].delimiter for a in allowed}
            hint = delimiters.pop() if len(delimiters) == 1 else None
            raise DataValidationError(
                [f"{file}: line 1: expected {expected}; found {describe_line(line, hint)}"]
            )
        spec = FORMATS[name]
        problems = (
            header_problems(line, spec, str(file))
            if spec.has_header
            else _gdelt_header_problem(line, spec, str(file))
        )
        if problems:
            raise DataValidationError(problems)
        if found is not None and name != found:
            raise DataValidationError(
                [
                    f"{file}: line 1: expected {FORMATS[found].describe()} like {files[0]}; "
                    f"found {describe_line(line)}: all files read together must share one format"
                ]
            )
        found = name
        readable.append(file)
        layouts.append(headed_layout(lines, spec, file) if spec.has_header else gdelt_layout(line, file))
    if found is None:
        raise DataValidationError([f"{path}: no readable file"])
    return Detection(found, tuple(readable), tuple(layouts))
