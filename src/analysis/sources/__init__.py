"""Source adapters: one module per source, each returning canonical tables.

* :mod:`analysis.sources.reference`: the project's own cited reference dataset
  (``data/reference/*.csv``).

Later adapters (UCDP GED, ACLED, GDELT) return the same tables.
"""
