"""Imported by the report builder's fork server only: the library imports every kernel shares.

See :mod:`analysis.kernel_fork`.
"""

from analysis import kernel_fork

kernel_fork.preload()
