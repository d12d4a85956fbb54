"""Input handling shared by the adapters.

* :func:`expand_inputs`: one file, a folder or a glob → the files to read;
* :func:`materialise`: a plain file as is, or the CSV members of a zip
  extracted (streamed, never read whole into memory) to a temporary folder;
* :func:`iter_records`: CSV records with the line each one starts on, so that
  every problem can name its line;
* :class:`ReadReport`: what a reader read, rejected and skipped, by reason;
* :func:`package_table`: a mapping table shipped with the package.

Text is decoded as UTF-8 (a byte-order mark is ignored) with
``surrogateescape``, so a byte that is not UTF-8 survives as a lone surrogate
and can be reported with its line and column instead of stopping the read.
"""

from __future__ import annotations

import csv
import glob
import gzip
import operator
import os
import re
import shutil
import sys
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Iterator

from analysis import paths
from analysis.errors import DataValidationError

#: Members of a zip that are read: ``.csv`` or ``.tsv`` files (any case).
CSV_MEMBER_SUFFIXES: tuple[str, ...] = (".csv", ".tsv")
#: Files taken from a folder: these suffixes (any case), hidden files excluded.
FOLDER_SUFFIXES: tuple[str, ...] = (".csv", ".tsv", ".zip", ".gz")
_GLOB_CHARS = re.compile(r"[*?\[]")
_SURROGATE = re.compile("[\udc80-\udcff]")
#: Most problem messages kept in a report (counts are always complete).
MAX_PROBLEMS_KEPT = 200

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


@dataclass(frozen=True)
class InputFile:
    """A file ready to read.

    Attributes
    ----------
    label : str
        Name used in messages: the path, or ``archive.zip!member.csv``.
    path : pathlib.Path
        Readable file on disk (a temporary extraction for zip members).
    """

    label: str
    path: Path


@dataclass
class ReadReport:
    """What a reader did with its input.

    Attributes
    ----------
    format : str
        Format name (e.g. ``"ucdp_ged"``).
    files : list of str
        Labels of the files read.
    rows_read : int
        Data rows (records) read, header excluded, blank lines excluded.
    rejected : collections.Counter
        Rows rejected, by reason (only when bad rows are skipped; otherwise
        the reader raises).
    skipped : collections.Counter
        Rows or lines set aside by a documented rule, by reason (e.g. blank
        lines; GDELT events dated outside the files' coverage).
    problems : list of str
        Messages for the first :data:`MAX_PROBLEMS_KEPT` rejected rows.
    extra : dict
        Format-specific facts (date-rule counts, coding of ``inter`` codes…).
    """

    format: str
    files: list[str] = field(default_factory=list)
    rows_read: int = 0
    rejected: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    extra: dict = field(default_factory=dict)

    def reject(self, reason: str, message: str) -> None:
        """Count one rejected row and keep its message (up to the limit)."""
        self.rejected[reason] += 1
        if len(self.problems) < MAX_PROBLEMS_KEPT:
            self.problems.append(message)

    @property
    def n_rejected(self) -> int:
        """Total rejected rows."""
        return int(sum(self.rejected.values()))


def _resolve(path: str | os.PathLike[str]) -> Path:
    candidate = Path(path).expanduser()
    return candidate if candidate.is_absolute() else paths.PROJECT_ROOT / candidate


def expand_inputs(path: str | os.PathLike[str]) -> list[Path]:
    """The files named by ``path``: a file, a folder or a glob pattern.

    Parameters
    ----------
    path : str or path-like
        A file; a folder (its ``.csv``, ``.tsv``, ``.zip`` and ``.gz`` files,
        any case, not hidden, sorted by name); or a glob such as
        ``"gdelt/2023*.export.CSV.zip"``. Relative paths are relative to the
        project root.

    Returns
    -------
    list of pathlib.Path
        Sorted, at least one.

    Raises
    ------
    DataValidationError
        When nothing matches.
    """
    text = str(path)
    if _GLOB_CHARS.search(text) and not Path(text).exists():
        pattern = str(_resolve(text))
        files = sorted(Path(p) for p in glob.glob(pattern) if Path(p).is_file())
        if not files:
            raise DataValidationError([f"{text}: no file matches this pattern"])
        return files
    resolved = _resolve(text)
    if resolved.is_dir():
        files = sorted(
            p
            for p in resolved.iterdir()
            if p.is_file() and not p.name.startswith(".") and p.name.lower().endswith(FOLDER_SUFFIXES)
        )
        if not files:
            raise DataValidationError([f"{resolved}: the folder holds no .csv, .tsv, .zip or .gz file"])
        return files
    if not resolved.is_file():
        raise DataValidationError([f"{resolved}: no such file or folder"])
    return [resolved]


def zip_members(archive: Path) -> list[str]:
    """Names of the CSV members of a zip (see :data:`CSV_MEMBER_SUFFIXES`).

    Raises
    ------
    DataValidationError
        If the file is not a readable zip, or holds no CSV member.
    """
    try:
        with zipfile.ZipFile(archive) as zf:
            names = [i.filename for i in zf.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, OSError) as exc:
        raise DataValidationError([f"{archive}: not a readable zip archive ({exc})"]) from None
    members = [
        n for n in names if n.lower().endswith(CSV_MEMBER_SUFFIXES) and not Path(n).name.startswith(".")
    ]
    if not members:
        found = ", ".join(names[:10]) if names else "nothing"
        raise DataValidationError(
            [f"{archive}: the zip holds no CSV file; expected a member ending in .csv or .tsv; found {found}"]
        )
    return members


def materialise(path: Path, tmpdir: Path) -> list[InputFile]:
    """Make ``path`` readable as plain files.

    A zip's CSV members are extracted one by one into ``tmpdir`` by streaming
    copy (64 KiB at a time), never read whole into memory. Any other file is
    returned as is (``.gz`` files are decompressed while read).
    """
    if not path.name.lower().endswith(".zip"):
        return [InputFile(str(path), path)]
    out = []
    with zipfile.ZipFile(path) as zf:
        for i, member in enumerate(zip_members(path)):
            target = tmpdir / f"{path.stem}.{i}{Path(member).suffix.lower() or '.csv'}"
            with zf.open(member) as src, open(target, "wb") as dst:
                shutil.copyfileobj(src, dst, length=1 << 16)
            out.append(InputFile(f"{path}!{member}", target))
    return out


def first_line(path: Path, label: str, limit: int = 1 << 20) -> str:
    """The first line of a plain file as text (undecodable bytes replaced).

    Raises
    ------
    DataValidationError
        If the file is empty (or holds only white space).
    """
    return first_lines(path, label, 1, limit)[0]


def first_lines(path: Path, label: str, n: int = 2, limit: int = 1 << 20) -> list[str]:
    """The first ``n`` lines of a plain file (fewer if it has fewer), byte-order mark removed.

    Raises
    ------
    DataValidationError
        If the file is empty (or holds only white space).
    """
    with open(path, "rb") as fh:
        head = fh.read(limit)
        if not head.strip():
            rest = fh.read(limit)
            if not rest.strip():
                raise DataValidationError(
                    [
                        f"{label}: the file is empty; expected a header line followed by data rows "
                        "(GDELT: tab-separated data rows)"
                    ]
                )
            head += rest
    return _lines_of(head, n)


def _lines_of(head: bytes, n: int) -> list[str]:
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    lines = text.splitlines()
    return lines[:n] if lines else [text]


def first_line_of(path: Path) -> str:
    """First line of a plain or gzipped file, or of a zip's first CSV member (for detection)."""
    return first_lines_of(path, 1)[0]


def first_lines_of(path: Path, n: int = 2) -> list[str]:
    """First ``n`` lines of a plain or gzipped file, or of a zip's first CSV member."""
    name = path.name.lower()
    if name.endswith(".gz"):
        try:
            with gzip.open(path, "rb") as fh:
                head = fh.read(1 << 20)
        except (OSError, EOFError) as exc:
            raise DataValidationError([f"{path}: not a readable gzip file ({exc})"]) from None
        label = str(path)
    elif name.endswith(".zip"):
        member = zip_members(path)[0]
        with zipfile.ZipFile(path) as zf, zf.open(member) as fh:
            head = fh.read(1 << 20)
        label = f"{path}!{member}"
    else:
        return first_lines(path, str(path), n)
    if not head.strip():
        raise DataValidationError([f"{label}: the file is empty; expected data rows"])
    return _lines_of(head, n)


def sniff_encoding(path: Path, fallback: str = "cp1252") -> str:
    """``"utf-8"`` if the whole file decodes as UTF-8, else ``fallback`` (read in 1 MiB blocks)."""
    import codecs

    decoder = codecs.getincrementaldecoder("utf-8")()
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    with opener(path, "rb") as fh:
        try:
            while block := fh.read(1 << 20):
                decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return fallback
    return "utf-8"


def has_bad_bytes(text: str) -> bool:
    """True if ``text`` carries bytes that were not UTF-8 (as lone surrogates)."""
    return bool(_SURROGATE.search(text))


def show(text: str, limit: int = 60) -> str:
    """A cell's text for a message: bad bytes as ``\\xNN``, long text cut."""
    shown = text.encode("utf-8", errors="surrogateescape").decode("utf-8", errors="backslashreplace")
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def iter_records(
    inp: InputFile, delimiter: str = ",", encoding: str = "utf-8"
) -> Iterator[tuple[int, list[str]]]:
    """CSV records of a file with the line each starts on (the header is line 1).

    Blank lines are yielded as empty lists (callers count and skip them). A
    quoted field may span lines; the record then starts on its first line.
    A byte-order mark is dropped; CRLF and LF line ends are both read.

    Raises
    ------
    DataValidationError
        On a record the CSV reader cannot parse (naming the line).
    """
    opener = gzip.open if inp.path.name.lower().endswith(".gz") else open
    codec = "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
    with opener(inp.path, "rt", encoding=codec, errors="surrogateescape", newline="") as fh:
        reader = csv.reader(fh, delimiter=delimiter)
        previous_end = 0
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise DataValidationError(
                    [f"{inp.label}: line {previous_end + 1}: not a well-formed CSV record ({exc})"]
                ) from None
            start = previous_end + 1
            previous_end = reader.line_num
            yield start, row


@dataclass
class TextTable:
    """Rows of a headed CSV as text, with the line each row starts on.

    Attributes
    ----------
    columns : dict of str to list of str
        The requested columns, as text.
    lines : list of int
        Line each row starts on (the header is line 1).
    labels : list of str
        File label of each row.
    """

    columns: dict[str, list[str]]
    lines: list[int]
    labels: list[str]


def read_headed_csv(
    inp: InputFile,
    expected: tuple[str, ...],
    needed: tuple[str, ...],
    report: ReadReport,
    *,
    encoding: str = "utf-8",
    hxl_row: bool = False,
    rename=None,
) -> TextTable:
    """Read the ``needed`` columns of a comma-separated file with a header.

    Each data row must have as many fields as the header (else it is
    rejected as ``wrong_field_count``, with the first missing column named:
    typical of a truncated last line) and be valid text in ``encoding``
    (else ``non_utf8``, naming the column). Blank lines (e.g. a trailing
    empty line) are skipped and counted.

    Parameters
    ----------
    inp : InputFile
    expected : tuple of str
        All columns of the format (only used in messages).
    needed : tuple of str
        Columns to keep, by their canonical names (see ``rename``); one the
        header lacks is read as empty text (detection has checked that the
        vintage's required columns are present).
    report : ReadReport
        Updated with rows read, rejections and skips.
    encoding : str
        ``"utf-8"`` (a byte-order mark is ignored) or e.g. ``"cp1252"``.
    hxl_row : bool
        Line 2 is a row of HXL hashtags (HDX): not read, not counted.
    rename : callable, optional
        Header cell → canonical name (default: stripped).
    """
    records = iter_records(inp, ",", encoding)
    try:
        _, header = next(records)
    except StopIteration:
        raise DataValidationError([f"{inp.label}: the file is empty; expected a header line"]) from None
    rename = rename or (lambda name: name.strip())
    header = [rename(h) for h in header]
    width = len(header)
    header.append("")  # read for a needed column the header lacks: empty text
    positions = [header.index(name) if name in header else width for name in needed]
    pick = operator.itemgetter(*positions)
    if hxl_row:
        next(records, None)
    codec_name = "UTF-8" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
    kept: list[tuple] = []
    lines: list[int] = []
    for line, row in records:
        if len(row) != width:
            if not row or (len(row) == 1 and not row[0].strip()):
                report.skipped["blank_line"] += 1
                continue
            report.rows_read += 1
            if len(row) < width:
                what = (
                    f"column '{header[len(row)]}' (field {len(row) + 1}) and later are "
                    "missing: the line looks truncated"
                )
            else:
                what = "extra fields: a stray delimiter or an unquoted comma?"
            report.reject(
                "wrong_field_count",
                f"{inp.label}: line {line}: expected {width} fields as in the header; "
                f"found {len(row)}; {what}",
            )
            continue
        report.rows_read += 1
        try:
            "\x1f".join(row).encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: a byte that was not UTF-8
            bad = next(i for i, cell in enumerate(row) if has_bad_bytes(cell))
            report.reject(
                "non_utf8",
                f"{inp.label}: line {line}, column '{header[bad]}': expected {codec_name} "
                f"text; found bytes that are not {codec_name} in '{show(row[bad])}'",
            )
            continue
        row.append("")
        kept.append(pick(row))
        lines.append(line)
    if len(positions) == 1:
        kept = [(value,) for value in kept]
    columns = list(zip(*kept)) if kept else [() for _ in needed]
    table = TextTable(
        {name: list(col) for name, col in zip(needed, columns)}, lines, [inp.label] * len(lines)
    )
    return table


def package_table(name: str, key: str):
    """A CSV table shipped in ``analysis/sources`` (all columns text, empty cells kept as ``""``).

    Parameters
    ----------
    name : str
        File name inside the package folder, e.g. ``"cameo_engagement_map.csv"``.
    key : str
        Column whose values must be unique.

    Raises
    ------
    ValueError
        When a ``key`` value appears twice.
    """
    import pandas as pd

    with resources.files("analysis.sources").joinpath(name).open(encoding="utf-8") as fh:
        table = pd.read_csv(fh, dtype=str, keep_default_na=False)
    repeated = table.loc[table[key].duplicated(), key].tolist()
    if repeated:
        raise ValueError(f"{name} lists {key} {repeated[0]!r} twice")
    return table
