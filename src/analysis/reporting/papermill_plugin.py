"""papermill plug-in: the project kernel's parameters cells are read with wrapped comments whole.

papermill reads a parameter's description (its help, shown by ``papermill
--help-notebook`` and used by the strict parameter check) only from the comment
on the assignment's own line, and skips every comment line. The project wraps
long comments, such as long ``allowed:`` lists, onto comment lines right below
the assignment (:func:`analysis.reporting.parameters.continued_comments`).
:class:`ProjectTranslator` is papermill's Python translator with that one
difference; it is registered for the project kernel's name only, so other
notebooks and the parameter injection are unchanged.

papermill has no entry point for translators, so the package declares an
engine entry point (``papermill.engine``, name ``pak-afg-analysis``) that
papermill loads whenever it is imported, CLI included; the engine itself is
papermill's default ``nbclient`` engine under another name.
"""

from __future__ import annotations

from papermill.engines import NBClientEngine
from papermill.translators import PythonTranslator, papermill_translators

from analysis.paths import KERNEL_NAME
from analysis.reporting.parameters import continued_comments, join_comment


class ProjectTranslator(PythonTranslator):
    """papermill's Python translator, reading each parameter's wrapped comment whole."""

    @classmethod
    def inspect(cls, parameters_cell):
        found = super().inspect(parameters_cell)
        continued = continued_comments(parameters_cell["source"])
        return [p._replace(help=join_comment(p.help, continued.get(p.name))) for p in found]


#: The engine behind the entry point: papermill's default engine, unchanged.
ProjectEngine = NBClientEngine


def register() -> None:
    """Use :class:`ProjectTranslator` for notebooks on the project kernel."""
    papermill_translators.register(KERNEL_NAME, ProjectTranslator)


register()
