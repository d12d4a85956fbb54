"""Typed errors shared by the package."""

from __future__ import annotations

from analysis.words import plural


class DataValidationError(ValueError):
    """A canonical table failed validation.

    Attributes
    ----------
    problems : list of str
        One line per problem, each naming the file, the line, the column and
        what was expected.
    """

    def __init__(self, problems: list[str], max_shown: int = 20):
        self.problems = list(problems)
        shown = self.problems[:max_shown]
        more = len(self.problems) - len(shown)
        text = "\n".join(f"  - {p}" for p in shown)
        if more > 0:
            text += f"\n  and {plural(more, 'more problem')}"
        super().__init__(f"{plural(len(self.problems), 'data problem')}:\n{text}")


class InsufficientData(ValueError):
    """The data are too thin for an estimate: a refusal, not a failure.

    Attributes
    ----------
    reason : str
        Plain-language reason, fit to show to readers.
    n : int
        Number of usable observations found.
    required : int
        Documented minimum.
    """

    def __init__(self, reason: str, n: int, required: int):
        self.reason = reason
        self.n = int(n)
        self.required = int(required)
        super().__init__(f"{reason} (N = {self.n}; at least {self.required} required)")
