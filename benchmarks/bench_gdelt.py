"""Benchmark: GDELT 2.0 ingest to a monthly dyad series, DuckDB adapter vs pandas.

Generates a **simulated** GDELT 2.0-format events file of N rows (about 1% of
them Pakistan–Afghanistan dyad events; every other value is synthetic, and
every SOURCEURL says ``simulated``) in a temporary folder, then measures, each
in its own fresh Python process:

* ``adapter``: ``analysis.sources.gdelt.load_engagement`` (DuckDB, streaming)
  followed by ``analysis.series.engagement_counts`` (monthly engagement
  series, both directions);
* ``pandas_plain`` (the baseline the targets refer to): a plain
  ``pandas.read_csv`` of the file (tab-separated, ``EventCode`` as text) +
  dyad filter + CAMEO mapping + groupby month;
* ``pandas_usecols``: the same reading only the 5 columns needed, a tuned
  pandas version shown for honesty (it is much leaner and faster than the
  plain baseline).

All three must produce the same monthly series (checked). Wall time is measured
inside the child around the work (imports excluded), and so is CPU time (user +
system, all threads: DuckDB uses every core, pandas one), which shows the work
done whatever else the machine is running; peak memory is the child's own
maximum resident set size (``resource.getrusage``), so includes the interpreter
and imported libraries. With ``--repeat N`` the three methods take turns N
times (so a change in the machine's load hits them alike) and each cell shows
the fastest run.

**Scaling** (``--scaling``): a folder of ``--files`` simulated 15-minute
files (default 200) holding ``--scaling-rows`` rows in all (default 5M) is
read by the embedded engine and by the Dask engine on a local cluster of 1
and of 2 worker processes (one thread each; the cluster is started before
the clock starts). The table gives rows per second per worker and each
worker's peak memory (its own maximum resident set size), also for a folder
of a quarter of the files, to show that memory per worker stays bounded as
files are added (each task holds one group of files' aggregates only). From
the 1-worker rate it projects the time to read the 2015–2026 GDELT 2.0
archive (``--archive-rows``, default 600M: an assumed ~150,000 events a day
over 11 years, not a count) on 8, 32 and 128 workers, assuming linear
scaling and storage fast enough to feed them (downloading and unzipping not
included).

Usage::

    .venv/bin/python benchmarks/bench_gdelt.py            # 1M and 5M rows
    .venv/bin/python benchmarks/bench_gdelt.py --scaling  # embedded vs Dask, 1 and 2 workers
    .venv/bin/python benchmarks/bench_gdelt.py --rows 200000
    .venv/bin/python benchmarks/bench_gdelt.py --repeat 3   # best of 3 on a busy machine
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = r"""
import json, resource, sys, time
kind, path = sys.argv[1], sys.argv[2]
import pandas as pd
from analysis import series
from analysis.sources import gdelt
from analysis.sources.detect import GDELT_V2_COLUMNS
r0 = resource.getrusage(resource.RUSAGE_SELF)
t0 = time.perf_counter()
if kind == "adapter":
    table = gdelt.load_engagement(path)
    values = series.engagement_counts(table, categories=["engagement"]).values
else:
    import csv
    options = dict(sep="\t", header=None, names=list(GDELT_V2_COLUMNS), dtype={"EventCode": str},
                   quoting=csv.QUOTE_NONE)
    if kind == "pandas_usecols":
        options["usecols"] = ["SQLDATE", "Actor1CountryCode", "Actor2CountryCode", "EventCode",
                              "DATEADDED"]
    frame = pd.read_csv(path, **options)
    added = frame["DATEADDED"] // 100000000
    first, last = added.min(), added.max()
    dyad = frame.loc[((frame["Actor1CountryCode"] == "PAK") & (frame["Actor2CountryCode"] == "AFG"))
                     | ((frame["Actor1CountryCode"] == "AFG") & (frame["Actor2CountryCode"] == "PAK"))]
    mapping = gdelt.cameo_map()
    codes = set(mapping.loc[mapping["category"] == "engagement", "cameo_code"])
    month = dyad.loc[dyad["EventCode"].isin(codes), "SQLDATE"] // 100
    month = month[(month >= first) & (month <= last)]
    counts = month.groupby(month).size()
    index = pd.period_range(pd.Period(f"{first // 100}-{first % 100:02d}", "M"),
                            pd.Period(f"{last // 100}-{last % 100:02d}", "M"), freq="M")
    values = pd.Series([float(counts.get(p.year * 100 + p.month, 0)) for p in index], index=index)
seconds = time.perf_counter() - t0
r1 = resource.getrusage(resource.RUSAGE_SELF)
cpu = r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime
print(json.dumps({"seconds": seconds, "cpu_seconds": cpu, "peak_mib": r1.ru_maxrss / 1024,
                  "series": {str(k): float(v) for k, v in values.items()}}))
"""

GENERATE = r"""
COPY (
  WITH base AS (
    SELECT i,
           DATE '2021-01-01' + CAST(hash(i) % 1000 AS INTEGER) AS d,
           CAST(hash(i * 7 + 1) % 1000 AS BIGINT) AS r,
           CAST(hash(i * 13 + 5) % 20 AS BIGINT) AS c
    FROM range({n}) t(i)
  ), coded AS (
    SELECT *,
      CASE WHEN r < 5 THEN 'PAK' WHEN r < 10 THEN 'AFG'
           ELSE ['USA','GBR','IND','CHN','RUS','FRA','DEU','IRN','TUR','SAU','PAK','AFG'][1 + (r % 12)] END AS a1,
      CASE WHEN r < 5 THEN 'AFG' WHEN r < 10 THEN 'PAK'
           ELSE ['IND','USA','CHN','GBR','RUS','ISR','UKR','BRA','JPN','NGA','EGY','KEN'][1 + ((r // 12) % 12)] END AS a2,
      ['042','043','040','044','046','045','057','111','112','1123','114','161','190','010','020',
       '036','051','071','173','0874'][1 + c] AS code
    FROM base
  )
  SELECT
    (500000000 + i)::VARCHAR, strftime(d, '%Y%m%d'), strftime(d, '%Y%m'), strftime(d, '%Y'),
    printf('%.4f', year(d) + dayofyear(d) / 365.0),
    a1 || 'GOV', 'SIMULATED ' || a1 || ' GOVERNMENT', a1, '', '', '', '',
    CASE WHEN r % 3 = 0 THEN 'MIL' ELSE 'GOV' END, '', '',
    a2 || 'GOV', 'SIMULATED ' || a2 || ' OFFICIALS', a2, '', '', '', '', 'GOV', '', '',
    '1', code, left(code, 3), left(code, 2),
    CASE WHEN left(code, 2) IN ('01','02','03','04','05') THEN 1
         WHEN left(code, 2) IN ('06','07','08') THEN 2
         WHEN left(code, 2) IN ('09','10','11','12','13') THEN 3 ELSE 4 END,
    printf('%.1f', (CAST(hash(i) % 200 AS BIGINT) - 100) / 10.0),
    (1 + hash(i) % 9)::VARCHAR, (1 + hash(i + 3) % 4)::VARCHAR, (1 + hash(i) % 9)::VARCHAR,
    printf('%.6f', (CAST(hash(i + 11) % 2000 AS BIGINT) - 1000) / 100.0),
    '4', 'Simulated City, Simulated Province, ' || a1, a1, a1 || '01', a1 || '0101',
    printf('%.4f', 30 + (r % 100) / 10.0), printf('%.4f', 60 + (r % 100) / 10.0), '-1234567',
    '4', 'Simulated Town, Simulated Region, ' || a2, a2, a2 || '02', a2 || '0202',
    printf('%.4f', 31 + (r % 90) / 10.0), printf('%.4f', 61 + (r % 90) / 10.0), '-7654321',
    '4', 'Simulated Place, Simulated Area, ' || a1, a1, a1 || '03', a1 || '0303',
    printf('%.4f', 32 + (r % 80) / 10.0), printf('%.4f', 62 + (r % 80) / 10.0), '-1111111',
    strftime(d, '%Y%m%d') || '151500',
    'https://news.example.org/simulated/' || strftime(d, '%Y/%m/%d') || '/story-' || i::VARCHAR || '.html'
  FROM coded
) TO '{path}' (DELIMITER '\t', HEADER false)
"""


def generate(path: Path, n: int) -> None:
    """Write a simulated GDELT 2.0 events file of ``n`` rows (about 1% dyad events)."""
    import duckdb

    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.execute(GENERATE.format(n=n, path=str(path)))
    con.close()


KINDS = ("adapter", "pandas_plain", "pandas_usecols")


def run_once(kind: str, path: Path) -> dict:
    """One measurement in a fresh Python process."""
    out = subprocess.run(
        [sys.executable, "-c", CHILD, kind, str(path)], capture_output=True, text=True, check=False
    )
    if out.returncode:
        raise RuntimeError(f"{kind} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(path: Path, repeat: int = 1) -> dict[str, dict]:
    """Each method ``repeat`` times, taking turns; per method the run with the best wall time."""
    runs: dict[str, list[dict]] = {kind: [] for kind in KINDS}
    for _ in range(repeat):
        for kind in KINDS:
            runs[kind].append(run_once(kind, path))
    return {kind: min(r, key=lambda x: x["seconds"]) for kind, r in runs.items()}


SCALING_CHILD = r"""
import json, resource, sys, time
engine, workers, folder = sys.argv[1], int(sys.argv[2]), sys.argv[3]
from analysis.sources import gdelt
options = {}
cluster = client = None
if engine == "dask":
    from distributed import Client, LocalCluster
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                           dashboard_address=":0", memory_limit=0)
    client = Client(cluster)
    options = {"engine": "dask", "scheduler": cluster.scheduler_address,
               "batch_bytes": 64 << 20}
t0 = time.perf_counter()
table = gdelt.load_engagement(folder, **options)
seconds = time.perf_counter() - t0
if client is not None:
    peaks = list(client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
                 .values())
    client.close(); cluster.close()
else:
    peaks = [resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024]
print(json.dumps({"seconds": seconds, "rows": table.attrs["rows_read"],
                  "peak_mib": max(peaks), "events": int(table["events"].sum())}))
"""


def generate_folder(folder: Path, files: int, rows: int) -> None:
    """``files`` simulated 15-minute GDELT 2.0 files of ``rows // files`` rows each."""
    import duckdb

    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    per_file = rows // files
    for k in range(files):
        stamp = f"20230101{k // 4:04d}{(k % 4) * 15:02d}00"
        con.execute(GENERATE.format(n=per_file, path=str(folder / f"{stamp}.export.CSV")))
    con.close()


def scaling_run(engine: str, workers: int, folder: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", SCALING_CHILD, engine, str(workers), str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode:
        raise RuntimeError(f"{engine} {workers} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _duration(seconds: float) -> str:
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 60:.0f} min" if seconds >= 120 else f"{seconds:.0f} s"


def scaling(files: int, rows: int, archive_rows: int) -> None:
    """Print the scaling table (see the module docstring)."""
    print(f"<!-- {os.cpu_count()} CPUs; load average at start {os.getloadavg()[0]:.2f} -->")
    print(
        "| files (rows) | engine | workers | wall time | rows/s | rows/s per worker | "
        "peak memory per worker |"
    )
    print("|---|---|---:|---:|---:|---:|---:|")
    per_worker_rate = None
    events = set()
    with tempfile.TemporaryDirectory(prefix="bench-gdelt-scaling-") as tmp:
        folder = Path(tmp) / "gdelt"
        folder.mkdir()
        generate_folder(folder, files, rows)
        quarter = Path(tmp) / "quarter"
        quarter.mkdir()
        for path in sorted(folder.iterdir())[: files // 4]:
            (quarter / path.name).symlink_to(path)
        plan = [(quarter, "dask", 2), (folder, "duckdb", 1), (folder, "dask", 1), (folder, "dask", 2)]
        for where, engine, workers in plan:
            r = scaling_run(engine, workers, where)
            if where == folder:
                events.add(r["events"])
            n_files = len(list(where.iterdir()))
            rate = r["rows"] / r["seconds"]
            label = "embedded DuckDB (all cores)" if engine == "duckdb" else "Dask + DuckDB"
            each = f"{rate / workers:,.0f}" if engine == "dask" else ""
            if engine == "dask" and workers == 1 and where == folder:
                per_worker_rate = rate
            print(
                f"| {n_files} ({r['rows']:,}) | {label} | {workers if engine == 'dask' else ''} "
                f"| {r['seconds']:.1f} s | {rate:,.0f} | {each} | {r['peak_mib']:,.0f} MiB |",
                flush=True,
            )
    if len(events) != 1:
        raise SystemExit("the engines disagree")
    print(f"<!-- load average at end {os.getloadavg()[0]:.2f} -->")
    print()
    print(
        f"Projected time for the 2015–2026 GDELT 2.0 archive (~{archive_rows / 1e6:,.0f}M rows, "
        f"assumed), from the measured {per_worker_rate:,.0f} rows/s of one worker:"
    )
    print()
    print("| workers | projected time |")
    print("|---:|---:|")
    for n in (8, 32, 128):
        print(f"| {n} | {_duration(archive_rows / (per_worker_rate * n))} |")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 5_000_000])
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="runs per measurement; the fastest is reported (the machine may be shared)",
    )
    parser.add_argument(
        "--scaling",
        action="store_true",
        help="embedded engine vs Dask with 1 and 2 workers on a folder of files",
    )
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--scaling-rows", type=int, default=5_000_000)
    parser.add_argument("--archive-rows", type=int, default=600_000_000)
    args = parser.parse_args(argv)
    if args.scaling:
        scaling(args.files, args.scaling_rows, args.archive_rows)
        return
    print(
        f"<!-- {os.cpu_count()} CPUs; load average at start {os.getloadavg()[0]:.2f}; "
        f"best of {args.repeat} run(s) per cell -->"
    )
    print(
        "| rows (file size) | method | wall time | CPU time | peak memory | adapter speed-up | "
        "adapter memory / this |"
    )
    print("|---|---|---:|---:|---:|---:|---:|")
    for n in args.rows:
        with tempfile.TemporaryDirectory(prefix="bench-gdelt-") as tmp:
            path = Path(tmp) / "20230101151500.export.CSV"
            generate(path, n)
            size = path.stat().st_size / 2**20
            results = measure(path, args.repeat)
            if len({json.dumps(r["series"], sort_keys=True) for r in results.values()}) != 1:
                raise SystemExit("the adapter and the pandas baselines disagree")
            adapter = results["adapter"]
            for kind, label in (
                ("adapter", "adapter: DuckDB streaming"),
                ("pandas_plain", "pandas.read_csv (all 61 columns) + filter + groupby"),
                ("pandas_usecols", "pandas.read_csv (5 columns only) + filter + groupby"),
            ):
                r = results[kind]
                speed = "" if kind == "adapter" else f"{r['seconds'] / adapter['seconds']:.1f}×"
                ratio = "" if kind == "adapter" else f"{adapter['peak_mib'] / r['peak_mib']:.2f}"
                print(
                    f"| {n:,} ({size:,.0f} MiB) | {label} | {r['seconds']:.1f} s | "
                    f"{r['cpu_seconds']:.1f} s | {r['peak_mib']:,.0f} MiB | {speed} | {ratio} |",
                    flush=True,
                )
    print(f"<!-- load average at end {os.getloadavg()[0]:.2f} -->")


if __name__ == "__main__":
    main()
