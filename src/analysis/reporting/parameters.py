"""Strict parameters: a report's parameters checked against its notebook, before any kernel starts.

papermill only warns about a parameter the notebook does not declare, and
loses types. Here, from the notebook's own ``parameters`` cell (papermill's
inspection), each parameter set is checked for:

* unknown names, failing with the closest declared one
  (```violence_mesure`: no such parameter; did you mean `violence_measure`?``);
* values whose type does not fit the declared type (``x: int = 3``);
* values outside the allowed set, where the notebook declares one.

Allowed values are declared at the end of the parameter's comment, after
``allowed:``, separated by commas::

    frequency: str = "M"  # "M" (monthly) or "Q" (quarterly); allowed: M, Q
    measures: list = ["attacks"]  # measures drawn; allowed: attacks, fatalities, injured

A long comment wraps onto the comment lines right below the assignment, each
starting with ``#`` and at least two spaces (papermill alone reads only the
assignment's line; :func:`continued_comments` joins the rest, and
:mod:`analysis.reporting.papermill_plugin` makes papermill's own inspection,
``papermill --help-notebook`` included, do the same)::

    measure: str = "attacks"  # measure drawn;
    #   allowed: attacks, incidents, fatalities,
    #   combat_deaths, injured

For a ``list`` parameter each element must be allowed. Values are compared as
the declared type (``int``, ``float``, ``bool``: ``true``/``false``; anything
else as text); quotes around a value are optional. An allowed value cannot
contain a comma, and no parameter comment may contain ``=`` (papermill's
parser would drop the line).
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

#: Declared type name (before any ``[...]``) → Python types a value may have.
TYPES: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "int": (int,),
    "float": (int, float),
    "bool": (bool,),
    "list": (list,),
    "dict": (dict,),
}

_ALLOWED = re.compile(r"(?:^|[\s;,.(])allowed:\s*(?P<values>[^:;]*?)\s*\.?\s*$", re.IGNORECASE)


_ASSIGNMENT = re.compile(r"^(?P<name>[A-Za-z_]\w*)\s*(?::[^=#]*)?=")
_CONTINUATION = re.compile(r"^\s*#\s{2,}(?P<text>\S.*?)\s*$")


class ParameterError(ValueError):
    """A report's parameters do not fit its notebook's ``parameters`` cell."""


def continued_comments(source: str) -> dict[str, str]:
    """The wrapped part of each parameter's comment in a ``parameters`` cell.

    A comment line right below a parameter's assignment (or below the last
    line of a value written over several lines) that starts with ``#`` and at
    least two spaces continues that parameter's comment; a blank line or any
    other comment line ends it. papermill's own reader skips every comment
    line, so without this it sees only the text on the assignment's line.

    >>> continued_comments('x: str = "a"  # a letter;\n#   allowed: a,\n#   b\n')
    {'x': 'allowed: a, b'}
    """
    wrapped: dict[str, list[str]] = {}
    current = None
    for line in source.splitlines():
        stripped = line.strip()
        if not stripped:
            current = None
            continue
        if stripped.startswith("#"):
            match = _CONTINUATION.match(line)
            if match and current is not None:
                wrapped.setdefault(current, []).append(match.group("text"))
            else:
                current = None
            continue
        assignment = _ASSIGNMENT.match(line)
        if assignment and line.count("=") == 1:
            current = assignment.group("name")
        # any other code line continues the current value (a list over several lines)
    return {name: " ".join(parts) for name, parts in wrapped.items()}


def join_comment(help_text: str, continued: str | None) -> str:
    """The assignment line's comment followed by its wrapped continuation, if any."""
    if not continued:
        return help_text
    return f"{help_text} {continued}".strip() if help_text else continued


def declared_parameters(notebook: str | Path) -> dict[str, dict[str, Any]]:
    """The notebook's declared parameters, from papermill's inspection, each
    comment whole (with its wrapped lines, :func:`continued_comments`).

    Returns
    -------
    dict
        Name → ``{"name", "inferred_type_name", "default", "help"}``.
    """
    import papermill  # imported here: it costs over a second, and cached builds never need it

    from analysis.reporting import papermill_plugin

    papermill_plugin.register()  # also done by papermill itself through the entry point
    return papermill.inspect_notebook(str(notebook))


def base_type(type_name: str) -> str:
    """``"list[str]"`` → ``"list"``; ``"None"`` (undeclared) stays ``"None"``."""
    return type_name.split("[", 1)[0].strip()


def allowed_values(help_text: str) -> list[str] | None:
    """The values listed after ``allowed:`` at the end of a parameter comment, or ``None``.

    >>> allowed_values('"M" (monthly) or "Q" (quarterly); allowed: M, Q')
    ['M', 'Q']
    """
    match = _ALLOWED.search(help_text or "")
    if not match:
        return None
    tokens = [t.strip().strip("\"'`").strip() for t in match.group("values").split(",")]
    return [t for t in tokens if t]


def _as_type(token: str, type_name: str) -> Any:
    if type_name == "int":
        return int(token)
    if type_name == "float":
        return float(token)
    if type_name == "bool":
        lowered = token.lower()
        if lowered not in ("true", "false"):
            raise ValueError(token)
        return lowered == "true"
    return token


def _same(value: Any, allowed: Any) -> bool:
    if isinstance(allowed, str):
        return (value if isinstance(value, str) else str(value)) == allowed
    return value == allowed and isinstance(value, bool) == isinstance(allowed, bool)


def _type_problem(name: str, value: Any, info: dict[str, Any]) -> str | None:
    type_name = info.get("inferred_type_name", "None")
    expected = TYPES.get(base_type(type_name))
    if not expected:
        return None  # undeclared or unusual type: papermill passes the value through
    wrong_bool = isinstance(value, bool) and bool not in expected  # bool is an int
    if isinstance(value, expected) and not wrong_bool:
        return None
    hint = ""
    if base_type(type_name) == "str" and type(value).__name__ in ("date", "datetime"):
        hint = " (YAML reads an unquoted date as a date: quote it)"
    return (
        f"`{name}`: expected {type_name} (default {info.get('default')}); "
        f"got {type(value).__name__} {value!r}{hint}"
    )


def _allowed_problem(name: str, value: Any, info: dict[str, Any], notebook: str) -> str | None:
    tokens = allowed_values(info.get("help", ""))
    if tokens is None:
        return None
    kind = base_type(info.get("inferred_type_name", "None"))
    element_kind = "str" if kind == "list" else kind
    try:
        allowed = [_as_type(t, element_kind) for t in tokens]
    except ValueError:
        return f"`{name}`: {notebook} declares allowed values {tokens} that are not all {element_kind}"
    listed = ", ".join(tokens)
    if kind == "list":
        if not isinstance(value, list):
            return None  # reported as a type problem
        bad = [v for v in value if not any(_same(v, a) for a in allowed)]
        if bad:
            return f"`{name}`: {', '.join(map(repr, bad))} not allowed; each element must be one of: {listed}"
        return None
    if not any(_same(value, a) for a in allowed):
        return f"`{name}`: {value!r} is not allowed; allowed: {listed}"
    return None


def parameter_problems(
    parameters: dict[str, Any], declared: dict[str, dict[str, Any]], notebook: str = "the notebook"
) -> list[str]:
    """Every problem of a parameter set against the declared parameters (empty if none).

    Parameters
    ----------
    parameters : dict
        Name → value, as the report set gives them.
    declared : dict
        Output of :func:`declared_parameters`.
    notebook : str
        Notebook name used in messages.
    """
    problems = []
    for name, value in parameters.items():
        if name not in declared:
            close = difflib.get_close_matches(name, list(declared), n=1)
            if close:
                hint = f"; did you mean `{close[0]}`?"
            elif declared:
                hint = f"; {notebook} declares: {', '.join(sorted(declared))}"
            else:
                hint = f"; {notebook} has no cell tagged `parameters`"
            problems.append(f"`{name}`: no such parameter{hint}")
            continue
        problem = _type_problem(name, value, declared[name]) or _allowed_problem(
            name, value, declared[name], notebook
        )
        if problem:
            problems.append(problem)
    return problems


def default_problems(declared: dict[str, dict[str, Any]], notebook: str = "the notebook") -> list[str]:
    """Problems in a notebook's own declarations: a default outside its allowed values.

    Used by the project-hygiene tests on every notebook in ``notebooks/``.
    """
    import ast

    problems = []
    for name, info in declared.items():
        if allowed_values(info.get("help", "")) is None:
            continue
        try:
            default = ast.literal_eval(info.get("default", ""))
        except (ValueError, SyntaxError):
            problems.append(f"`{name}`: default {info.get('default')} is not a literal")
            continue
        problem = _allowed_problem(name, default, info, notebook)
        if problem:
            problems.append(f"default of {problem}")
    return problems


def check_parameters(name: str, notebook_path: Path, parameters: dict[str, Any]) -> None:
    """Fail if a report's parameters do not fit its notebook's ``parameters`` cell.

    Raises
    ------
    ParameterError
        Naming the report, the notebook and every problem, e.g.
        ``report 'x' (03_engagement_and_violence.ipynb): `violence_mesure`: no such
        parameter; did you mean `violence_measure`?``
    """
    if not notebook_path.is_file():
        raise ParameterError(f"report '{name}': notebook {notebook_path} does not exist")
    problems = parameter_problems(parameters, declared_parameters(notebook_path), notebook_path.name)
    if problems:
        raise ParameterError(f"report '{name}' ({notebook_path.name}): " + "; ".join(problems))
