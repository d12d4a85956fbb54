"""Pakistan–Afghanistan engagement and militant violence: the analysis package.

All logic of the notebook collection lives here: loading and validating the
canonical tables (:mod:`analysis.schema`, :mod:`analysis.sources`), building
regular series with explicit missingness (:mod:`analysis.series`), association
measures (:mod:`analysis.relations`), figures (:mod:`analysis.plots`),
plain-language text (:mod:`analysis.summary`) and the report builder
(:mod:`analysis.reporting`).
"""

__version__ = "0.1.0"
