"""What a person needs to know about each analysis parameter, kept on the parameter itself.

The parameter dataclasses (:class:`analyzer.indicators.IndicatorParams`,
:class:`analyzer.findings.FindingsParams`) declare each field with :func:`parameter`: a label
in plain words, a help sentence, the unit, the allowed values (each with its own label) and
whether the Settings page offers it among the main choices. The dashboard and the report
render from :func:`describe` (the report's tables through :func:`parameter_rows`);
:func:`check_choices` enforces the allowed values, so the list of allowed values exists once.

A parameter class may also name, in a ``recorded`` class attribute, values that are not
parameters but are recorded beside them with a result (``{name: (label, unit)}``), so that
they read as words too.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any


@dataclasses.dataclass(frozen=True)
class ParameterInfo:
    """One parameter as a person sees it.

    Attributes
    ----------
    name : str
        The field name (``--set NAME=VALUE``).
    label : str
        Plain words, e.g. "CTL (fitness) time constant".
    help : str
        One or two sentences: what it changes and where the choice comes from.
    unit : str
        Unit of the value ("days", "bpm", ...), empty for none.
    choices : Mapping or None
        Allowed values and the plain-words label of each, in the order to offer them.
    basic : bool
        Offered among the main settings (the others are shown in full on request).
    value : Any
        The value in the instance described.
    default : Any
        The documented default.
    """

    name: str
    label: str
    help: str
    unit: str
    choices: Mapping[Any, str] | None
    basic: bool
    value: Any
    default: Any

    def choice_label(self, value: Any) -> str:
        """The label of an allowed value (the value itself when it has none)."""
        return str(self.choices.get(value, value)) if self.choices else str(value)

    def value_text(self) -> str:
        """The value for a person: its choice label, or number and unit.

        A tuple of choices is an order of preference (the first available is used), so its
        labels are joined with "then": "TSS, then hrTSS, then TRIMP, then session RPE".
        """
        if self.choices and isinstance(self.value, tuple | list):
            return ", then ".join(self.choice_label(v) for v in self.value)
        if self.choices:
            return self.choice_label(self.value)
        if isinstance(self.value, bool):
            return "yes" if self.value else "no"
        if isinstance(self.value, tuple | list):
            text = ", ".join(f"{v:g}" if isinstance(v, float) else str(v) for v in self.value)
        elif isinstance(self.value, float):
            text = f"{self.value:g}"
        elif self.value is None:
            return "not set"
        else:
            text = str(self.value)
        return f"{text} {self.unit}".strip()


def parameter(
    default: Any,
    label: str,
    help: str,
    unit: str = "",
    choices: Mapping[Any, str] | None = None,
    basic: bool = False,
) -> Any:
    """A dataclass field carrying its person-facing description in ``metadata``."""
    metadata = {
        "label": label,
        "help": help,
        "unit": unit,
        "choices": dict(choices) if choices is not None else None,
        "basic": basic,
    }
    return dataclasses.field(default=default, metadata=metadata)


def describe(params) -> list[ParameterInfo]:
    """Every field of a parameter dataclass instance, described, in declaration order."""
    out = []
    for field in dataclasses.fields(params):
        meta = field.metadata
        if "label" not in meta:
            raise TypeError(f"{type(params).__name__}.{field.name} has no description")
        out.append(
            ParameterInfo(
                name=field.name,
                label=meta["label"],
                help=meta["help"],
                unit=meta["unit"],
                choices=meta["choices"],
                basic=meta["basic"],
                value=getattr(params, field.name),
                default=field.default,
            )
        )
    return out


def choices_of(cls, name: str) -> tuple | None:
    """The allowed values of field ``name`` of a parameter dataclass (None: any value)."""
    field = {f.name: f for f in dataclasses.fields(cls)}[name]
    choices = field.metadata.get("choices")
    return tuple(choices) if choices else None


def check_choices(params) -> None:
    """Raise ValueError for a field whose value (or each item of a tuple) is not allowed."""
    for field in dataclasses.fields(params):
        allowed = field.metadata.get("choices")
        if not allowed:
            continue
        value = getattr(params, field.name)
        for item in value if isinstance(value, tuple) else (value,):
            if item not in allowed:
                listed = ", ".join(str(a) for a in allowed)
                raise ValueError(f"{field.name} must be one of {listed}; got {item!r}")


def parameter_rows(cls, values: Mapping[str, Any]) -> list[list[str]]:
    """``[label, value]`` rows of recorded parameter values, in plain words.

    Parameters
    ----------
    cls : type
        The parameter dataclass the values belong to.
    values : Mapping
        ``{name: value}`` as recorded with a result (tuples may have become JSON lists).
        Names of ``cls.recorded`` get their label and unit; a name the class does not
        describe (a report written by an older version may hold one since renamed) is
        shown with its underscores as spaces.
    """
    described = {info.name: info for info in describe(cls())}
    recorded = getattr(cls, "recorded", {})
    rows = []
    for name, value in values.items():
        value = tuple(value) if isinstance(value, list) else value
        info = described.get(name)
        if info is None:
            label, unit = recorded.get(name, (name.replace("_", " "), ""))
            info = ParameterInfo(name, label, "", unit, None, False, value, None)
        rows.append([info.label, dataclasses.replace(info, value=value).value_text()])
    return rows
