"""Reading case files: TOML in, a validated :class:`~linkage.cases.case.Case` out, nothing executed.

Every problem is reported as a :class:`~linkage.errors.CaseError` naming the file, the line, the
key path, the item at fault (domain, hypothesis, event), what was expected and what was found, with
a "did you mean" where it helps. All problems found in a file are collected and raised together,
**one per root cause**: a parameter, domain or player that failed is remembered, and what refers to
it is not reported again (a broken domain gives one error, not one more per rule, hypothesis and
event that names it). Likely slips in a valid file (a concession ``C < N``, ``C`` and ``N``
swapped) are :class:`~linkage.errors.CaseWarning` s in the case's ``warnings``. Expressions (payoffs, parameter values, model
arguments) go through the whitelist parser :func:`linkage.expr.parse_expression`; nothing is
passed to ``eval`` or ``sympify``.

The format is documented in ``docs/reference/case-files.md``. Version 1 accepts the minimal form
(``[case]``, ``[strategy]``, ``[[domains]]`` with ``payoffs``, ``[linkage]``) and the full form
(``[parameters]``, models, salience, ``[[hypotheses]]``, ``[[timeline]]``). Version 2 adds the
record's keys (deviations, settlements, observations with their evidence, domains that open and
close, ``[scoring]``, ``focal`` and ``end``) and the bibliography (``[sources]``, ``cite``); a
version-1 file is read the same way.
"""

from __future__ import annotations

import contextlib
import difflib
import itertools
import keyword
import re
import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import sympy

from linkage import limits
from linkage.analyses import COMMON_KEYS, AnalysisSpec
from linkage.atomic import InputFileError, read_input
from linkage.cases.case import (
    OBSERVED_STATES,
    RESOLUTIONS,
    SOURCE_TYPES,
    Case,
    Deviation,
    DomainInfo,
    Event,
    Hypothesis,
    Observation,
    ParameterValue,
    Scoring,
    Settlement,
    Source,
)
from linkage.cases.case import written as written_text
from linkage.cases.dates import DATE_FORMS, day, normalise
from linkage.cases.locate import key_lines, line_of
from linkage.cases.read_stagegame import read_game
from linkage.cases.read_uncertainty import (
    DIST_KEYS,
    check_used,
    read_correlations,
    read_distribution,
)
from linkage.constants import PRECISIONS, Unclassifiable, classify, sign
from linkage.decimals import decimal
from linkage.errors import CaseError, CaseErrors, CaseWarning, LinkageError, PluginError
from linkage.expr import ALLOWED_FUNCTIONS, ExpressionError, parse_expression, to_exact
from linkage.guard import PluginFault
from linkage.model.game import Game
from linkage.model.payoffs import PAYOFF_NAMES, Domain, StagePayoffs
from linkage.model.structure import LinkageStructure, Rule
from linkage.models import latex_symbol_problem
from linkage.plugins.manager import get_host
from linkage.symbols import delta
from linkage.values import substitute

FORMAT_VERSION = 2
SUPPORTED_FORMATS = (1, 2)
MAX_FILE_BYTES = 2_000_000
BOM = "\ufeff"

TOP_KEYS = (
    "format",
    "case",
    "parameters",
    "strategy",
    "domains",
    "linkage",
    "hypotheses",
    "timeline",
    "scoring",
    "sources",
    "correlations",
    "analyses",
)
CASE_KEYS = (
    "id",
    "title",
    "players",
    "discount",
    "description",
    "sources",
    "format",
    "unit",
    "note",
    "focal",
    "end",
    "cite",
)
PARAM_KEYS = ("value", "low", "high", "unit", "source", "note", "cite", "symbol", *DIST_KEYS)
DOMAIN_KEYS = (
    "id",
    "title",
    "kind",
    "payoffs",
    "model",
    "game",
    "roles",
    "params",
    "salience",
    "discount",
    "concessions",
    "source",
    "note",
    "cite",
)
LINKAGE_KEYS = (
    "mode",
    "protected",
    "rules",
    "name",
    "title",
    "source",
    "note",
    "id",
    "prior",
    "cite",
)
RULE_KEYS = ("deviator", "domain", "punished")
EVENT_KEYS = (
    "date",
    "title",
    "set",
    "observed",
    "deviation",
    "settlement",
    "opens",
    "closes",
    "source",
    "cite",
    "estimate",
    "note",
)
OBSERVATION_KEYS = ("state", "by", "cite", "source", "estimate", "note")
DEVIATION_KEYS = ("player", "domains", "note")
SETTLEMENT_KEYS = ("player", "domains", "note")
SCORING_KEYS = ("resolution", "error_rate", "error_rates")
SOURCE_KEYS = ("type", "author", "title", "publisher", "date", "url", "doi", "note")


# A stand-in value for a parameter that failed: an expression using it is not reported again.
_BROKEN = sympy.Symbol("_broken_", real=True)


class _Reader:
    """Collects errors and warnings with their locations while walking the parsed TOML.

    ``broken`` remembers, per kind (``"domain"``, ``"parameter"``), the names of items that failed,
    so that references to them are not reported as unknown: one error per root cause.
    """

    def __init__(self, file: str, text: str) -> None:
        self.file = file
        self.lines = key_lines(text)
        self.errors: list[CaseError] = []
        self.warnings: list[CaseWarning] = []
        self.broken: dict[str, set[str]] = {"domain": set(), "parameter": set()}
        self.later_parameters: list[str] = []  # while reading [parameters]: those below
        self._item: str | None = None

    @contextlib.contextmanager
    def item(self, label: str) -> Iterator[None]:
        """Name ``label`` (e.g. "domain 'fish'") in every message reported inside the block."""
        outer, self._item = self._item, label
        try:
            yield
        finally:
            self._item = outer

    def _say(self, message: str) -> str:
        return f"{self._item}: {message}" if self._item else message

    def warn(self, path: str, message: str, *, hint: str | None = None) -> None:
        self.warnings.append(
            CaseWarning(self._say(message), self.file, path, line_of(self.lines, path), hint=hint)
        )

    def error(
        self,
        path: str,
        message: str,
        *,
        expected: str | None = None,
        found: object = None,
        hint: str | None = None,
    ) -> None:
        self.errors.append(
            CaseError(
                self._say(message),
                file=self.file,
                key_path=path,
                line=line_of(self.lines, path),
                expected=expected,
                found=found,
                hint=hint,
            )
        )

    def table(self, value: Any, path: str) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.error(path, "wrong type", expected="a table", found=value)
            return None
        return value

    def keys(self, table: Mapping[str, Any], allowed: tuple[str, ...], path: str) -> None:
        for key in table:
            if key not in allowed:
                self.error(
                    f"{path}.{key}" if path else key,
                    "unknown key",
                    expected="one of " + ", ".join(allowed),
                    found=key,
                    hint=_did_you_mean(key, allowed),
                )

    def unknown(self, path: str, what: str, found: object, options: Any) -> None:
        """Report an unknown name, listing the known ones and suggesting the closest; a name of an
        item that already failed (a broken domain) is not reported again."""
        if str(found) in self.broken.get(what, ()):
            return
        self.error(
            path,
            f"unknown {what}",
            expected="one of " + ", ".join(str(o) for o in options),
            found=found,
            hint=_did_you_mean(str(found), options),
        )

    def string(
        self,
        table: Mapping[str, Any],
        key: str,
        path: str,
        *,
        required: bool = False,
        default: str = "",
    ) -> str:
        if key not in table:
            if required:
                self.error(path, f"missing key '{key}'", expected="a string")
            return default
        value = table[key]
        if not isinstance(value, str):
            self.error(
                f"{path}.{key}" if path else key, "wrong type", expected="a string", found=value
            )
            return default
        return value

    def strings(self, value: Any, path: str) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.error(path, "wrong type", expected="an array of strings", found=value)
            return []
        return value

    def expression(
        self, value: Any, path: str, names: Mapping[str, sympy.Expr]
    ) -> sympy.Expr | None:
        """The exact value of a number or expression string; ``None`` (reported) if invalid, and
        ``None`` without a report if it uses a parameter that already failed."""
        try:
            if isinstance(value, str):
                if any(
                    keyword.iskeyword(n) and re.search(rf"\b{n}\b", value)
                    for n in self.broken["parameter"]
                ):
                    return None  # a parameter named by a keyword: reported once, at its name
                broken = {n: _BROKEN for n in self.broken["parameter"]}
                result = parse_expression(value, {**broken, **names})
                return None if result.has(_BROKEN) else result
            if isinstance(value, bool) or not isinstance(value, int | float):
                self.error(
                    path, "wrong type", expected="a number or an expression string", found=value
                )
                return None
            return to_exact(value)
        except ExpressionError as exc:
            hint = None
            for later in self.later_parameters:
                if exc.reason.startswith(f"unknown name {later!r}"):
                    hint = (
                        f"'{later}' is defined further down in [parameters]: a parameter can "
                        "use only those above it"
                    )
            self.error(path, f"invalid expression: {exc.reason}", found=value, hint=hint)
            return None


def _did_you_mean(name: str, options: Any) -> str | None:
    close = difflib.get_close_matches(str(name), [str(o) for o in options], n=1)
    return f"did you mean '{close[0]}'?" if close else None


def load_case(path: str | Path, *, host: Any = None) -> Case:
    """Load and validate a case file. Raises :class:`~linkage.errors.CaseError(s)` on any problem."""
    return load_case_text(read_case_text(path), file=str(path), host=host)


def read_case_text(path: str | Path) -> str:
    """The text of a case file: a regular file (not a FIFO, device or folder) of at most
    :data:`MAX_FILE_BYTES` bytes, read through :func:`linkage.atomic.read_input`, in UTF-8."""
    try:
        raw = read_input(path, MAX_FILE_BYTES, "case file")
    except InputFileError as exc:
        raise CaseError(exc.reason, file=exc.file) from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CaseError(f"not UTF-8 text (byte {exc.start})", file=str(path)) from None


_BARE_VALUE = re.compile(
    r"=\s*(?!(?:true|false|inf|nan)\b)([A-Za-z_][^,}\]#]*|[0-9.]+[A-Za-z_*/(][^,}\]#]*)"
)


def _bom_hint(text: str, line: int | None) -> str | None:
    """A hint when the offending line holds a byte-order mark (U+FEFF, invisible in editors)."""
    lines = text.splitlines()
    if line is None or not 0 < line <= len(lines) or BOM not in lines[line - 1]:
        return None
    column = lines[line - 1].index(BOM) + 1
    return f"column {column} holds an invisible byte-order mark (U+FEFF): delete it"


def _unquoted_hint(text: str, line: int | None) -> str | None:
    """A hint when the offending line has a value TOML cannot read bare: a name or expression."""
    if line is None:
        return None
    lines = text.splitlines()
    if not 0 < line <= len(lines):
        return None
    match = _BARE_VALUE.search(lines[line - 1])
    if match is None:
        return None
    value = match.group(1).strip()
    return f'text and expressions are written in quotes: "{value}"'


def load_case_text(text: str, *, file: str = "<case>", host: Any = None) -> Case:
    """Load a case from TOML text (``file`` names it in errors). One byte-order mark (U+FEFF) at
    the start, as some Windows editors write, is ignored; anywhere else it is an error that says
    so."""
    text = text.removeprefix(BOM)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        line = None
        if "(at line " in message:
            try:
                line = int(message.rsplit("(at line ", 1)[1].split(",")[0])
            except ValueError:
                line = None
        elif "(at end of document)" in message:
            line = max(1, text.count("\n") + (0 if text.endswith("\n") else 1))
        raise CaseError(
            f"not valid TOML: {message}",
            file=file,
            line=line,
            hint=_bom_hint(text, line) or _unquoted_hint(text, line),
        ) from None
    except RecursionError:
        raise CaseError("not valid TOML: nested too deeply", file=file) from None
    reader = _Reader(file, text)
    case = _build(data, reader, host)
    if reader.errors:
        if len(reader.errors) == 1:
            raise reader.errors[0]
        raise CaseErrors(reader.errors)
    assert case is not None
    return case


def _build(data: dict[str, Any], r: _Reader, host: Any) -> Case | None:
    r.keys(data, TOP_KEYS, "")
    version = data.get(
        "format",
        data.get("case", {}).get("format", FORMAT_VERSION)
        if isinstance(data.get("case"), dict)
        else FORMAT_VERSION,
    )
    if version not in SUPPORTED_FORMATS or isinstance(version, bool):
        r.error(
            "format",
            "unsupported case-file format",
            expected=" or ".join(str(v) for v in SUPPORTED_FORMATS),
            found=version,
        )
        return None
    case_table = r.table(data.get("case"), "case") if "case" in data else None
    if case_table is None:
        if "case" not in data:
            r.error(
                "case",
                "missing table [case]",
                expected="a [case] table with id, players and discount",
            )
        return None
    r.keys(case_table, CASE_KEYS, "case")
    if not _within_limits(data, case_table, r):
        return None
    case_id = r.string(case_table, "id", "case", required=True)
    before = len(r.errors)
    players = (
        r.strings(case_table.get("players", []), "case.players") if "players" in case_table else []
    )
    if "players" not in case_table:
        r.error("case", "missing key 'players'", expected="an array of at least two player names")
    elif len(players) < 2:
        r.error("case.players", "too few players", expected="at least two names", found=players)
    elif len(set(players)) != len(players):
        twice = sorted({p for p in players if players.count(p) > 1})
        r.error(
            "case.players",
            f"player {', '.join(map(repr, twice))} named twice",
            expected="distinct names",
            found=players,
        )
    if len(r.errors) > before:  # without valid players nothing below can be checked meaningfully
        return None

    params = _parameters(data.get("parameters", {}), r)
    names = {name: p.symbol for name, p in params.items()}

    discount = _discount(case_table, players, names, r)
    strategy = _strategy(data.get("strategy", {"kind": "grim"}), r, host)
    domains, infos = _domains(data.get("domains"), players, names, r, host)
    domain_ids = [d.id for d in domains]
    isolated = sorted(
        k
        for k, info in infos.items()
        if info.kind == "ordinal" and set(info.salience) != set(players)
    )
    hypotheses = _hypotheses(data, players, domain_ids, r, isolated)
    timeline = _timeline(data.get("timeline", []), params, domain_ids, r, players)
    bibliography = _sources(data.get("sources", {}), r)
    _check_citations(data, bibliography, r)
    correlations = read_correlations(data.get("correlations", []), params, r)
    analyses = _analyses(data.get("analyses", []), names, r, host)
    scoring = _scoring(data.get("scoring", {}), r)
    focal = _date(case_table["focal"], "case.focal", r) if "focal" in case_table else None
    end = _date(case_table["end"], "case.end", r) if "end" in case_table else None
    if end is not None and timeline and day(end) < timeline[-1].day:
        r.error(
            "case.end",
            "the record ends before its last event",
            expected=f"a date on or after {timeline[-1].date}",
            found=end,
        )
    if r.errors:
        return None
    _check_discount_values(discount, params, timeline, r)
    _check_classified(domains, data.get("domains"), params, timeline, r)
    if r.errors:
        return None
    _check_payoff_slips(data.get("domains"), players, params, r)
    try:
        game = Game(players, domains, discount, strategy, hypotheses[0].structure, id=case_id)
    except LinkageError as exc:
        r.error("case", str(exc))
        return None
    check_used(params, game, timeline, r)
    sources = case_table.get("sources", [])
    return Case(
        id=case_id,
        players=tuple(players),
        game=game,
        title=r.string(case_table, "title", "case", default=case_id),
        path=r.file,
        description=r.string(case_table, "description", "case"),
        sources=tuple(r.strings(sources, "case.sources")),
        parameters=params,
        hypotheses=hypotheses,
        timeline=timeline,
        domains=infos,
        focal=focal,
        end=end,
        scoring=scoring,
        bibliography=bibliography,
        cite=_cites(case_table, "case", r),
        warnings=tuple(r.warnings),
        correlations=correlations,
        analyses=analyses,
    )


class _Keys:
    """What an analysis kind's ``read`` gets (:class:`linkage.analyses.Keys`): the loader's
    located errors under the table's path, and the case's parameters."""

    def __init__(self, r: _Reader, prefix: str, names: Mapping[str, sympy.Symbol]) -> None:
        self._r, self._prefix, self._names = r, prefix, names

    def _path(self, path: str) -> str:
        return f"{self._prefix}.{path}" if path else self._prefix

    @property
    def parameters(self) -> Mapping[str, sympy.Symbol]:
        return self._names

    def error(self, path: str, message: str, *, hint: str | None = None) -> None:
        self._r.error(self._path(path), message, hint=hint)

    def allowed(self, table: Mapping[str, Any], allowed: tuple[str, ...], path: str = "") -> None:
        options = (*COMMON_KEYS, *allowed) if not path else allowed
        self._r.keys(table, options, self._path(path))

    def expression(
        self, value: Any, path: str, extra: Mapping[str, sympy.Symbol] | None = None
    ) -> sympy.Expr | None:
        return self._r.expression(value, self._path(path), {**self._names, **(extra or {})})

    def string(self, value: Any, path: str) -> str | None:
        if not isinstance(value, str):
            self._r.error(self._path(path), "wrong type", expected="a string", found=value)
            return None
        return value

    def table(self, value: Any, path: str) -> Mapping[str, Any] | None:
        return self._r.table(value, self._path(path))


def _analyses(
    value: Any, names: Mapping[str, sympy.Symbol], r: _Reader, host: Any
) -> tuple[AnalysisSpec, ...]:
    """The ``[[analyses]]`` tables, each read by its registered kind."""
    specs: list[AnalysisSpec] = []
    ids: set[str] = set()
    for path, table in _tables(value, "analyses", "analysis", r):
        kind_id = table.get("kind")
        if not isinstance(kind_id, str):
            r.error(
                f"{path}.kind" if "kind" in table else path,
                "wrong type" if "kind" in table else "missing key 'kind'",
                expected="the name of an analysis kind",
                found=kind_id,
            )
            continue
        registry = (host or get_host()).registry
        known = registry.ids("analysis_kinds")
        if kind_id not in known:
            r.unknown(f"{path}.kind", "analysis kind", kind_id, known or ["none installed"])
            continue
        kind = registry.get("analysis_kinds", kind_id)
        before = len(r.errors)
        aid = r.string(table, "id", path, default="")
        title = r.string(table, "title", path, default="")
        if aid in ids:
            r.error(f"{path}.id", f"analysis id {aid!r} used twice", expected="distinct ids")
        if not aid:
            aid = kind_id if kind_id not in ids else f"{kind_id}-{len(specs) + 1}"
        ids.add(aid)
        own = {k: v for k, v in table.items() if k not in COMMON_KEYS}
        try:
            spec = kind.read(own, _Keys(r, path, names))
        except LinkageError as exc:
            r.error(path, str(exc))
            continue
        if len(r.errors) == before and spec is None:  # a bug in the kind: never drop silently
            owner = (host or get_host()).records[registry.owner("analysis_kinds", kind_id)]
            r.error(
                path,
                f"{owner.describe()}: analysis kind {kind_id!r} read no specification and "
                "reported no error",
            )
        if len(r.errors) == before and spec is not None:
            specs.append(AnalysisSpec(kind, aid, title, spec, path, line_of(r.lines, path)))
    return tuple(specs)


RESERVED_NAMES = frozenset({"delta", "E", "I", "pi", "oo", "zoo", "nan", "inf"})
"""Names no parameter may take besides Python's keywords and the expression functions: the
discount factor ``delta`` of a domain's ``discount``, and names that formulas would show as a
mathematical constant (``E`` as Euler's number, ``I`` as the imaginary unit, ...)."""


def parameter_name_problem(name: str) -> str | None:
    """Why ``name`` cannot name a parameter (``None`` if it can): it must be an ASCII identifier
    not starting with ``_``, not a Python keyword (the expression grammar is Python's), not one
    of the expression functions (``log``, ``max``, ...) and not in :data:`RESERVED_NAMES`."""
    if not (name.isascii() and name.isidentifier()) or name.startswith("_"):
        return "not an identifier (letters, digits and _, starting with a letter)"
    if keyword.iskeyword(name):
        return f"'{name}' is a Python keyword, which expressions cannot use as a name"
    if name in ALLOWED_FUNCTIONS:
        return f"'{name}' is a function of the expression grammar"
    if name in RESERVED_NAMES:
        return (
            f"'{name}' is reserved ({'the discount factor' if name == 'delta' else 'a constant'})"
        )
    return None


def _parameters(value: Any, r: _Reader) -> dict[str, ParameterValue]:
    table = r.table(value, "parameters")
    if not table:
        return {}
    out: dict[str, ParameterValue] = {}
    pending = dict(table)
    # Values may refer to parameters defined earlier in the file.
    for i, (name, spec) in enumerate(pending.items()):
        r.later_parameters = list(pending)[i + 1 :]
        path = f"parameters.{name}"
        problem = parameter_name_problem(name)
        if problem:
            r.error(
                path,
                f"invalid parameter name: {problem}",
                expected=(
                    f"another name, such as '{name}_'"
                    if name.isidentifier() and not name.startswith("_")
                    else "a letter followed by letters, digits or _"
                ),
                found=name,
            )
            r.broken["parameter"].add(name)
            continue
        known = {n: p.value for n, p in out.items()}
        if isinstance(spec, dict):
            r.keys(spec, PARAM_KEYS, path)
            if "value" not in spec:
                r.error(path, "missing key 'value'", expected="a number or an expression")
                r.broken["parameter"].add(name)
                continue
            value = r.expression(spec["value"], f"{path}.value", known)
            low = r.expression(spec["low"], f"{path}.low", known) if "low" in spec else None
            high = r.expression(spec["high"], f"{path}.high", known) if "high" in spec else None
            if value is None:
                r.broken["parameter"].add(name)
                continue
            texts = {k: written_text(spec[k]) for k in ("value", "low", "high") if k in spec}
            if (
                low is not None
                and high is not None
                and low.is_number
                and high.is_number
                and _compare(low, high, f"{path}.low", "low with high", r) == 1
            ):
                r.error(
                    f"{path}.low",
                    "low is above high",
                    expected=f"at most high = {texts['high']}",
                    found=spec["low"],
                )
            elif _in_range(value, low, high, f"{path}.value", r) is False:
                r.error(
                    f"{path}.value",
                    "value outside its range",
                    expected=_range_text(texts.get("low"), texts.get("high")),
                    found=spec["value"],
                )
            latex = r.string(spec, "symbol", path)
            problem = latex_symbol_problem(latex) if latex else None
            if problem:
                r.error(
                    f"{path}.symbol",
                    f"invalid LaTeX symbol: {problem}",
                    expected="a symbol such as 'g', 'g_T', 'b_{jp}', '\\gamma' or '\\bar{D}'",
                    found=latex,
                )
            out[name] = ParameterValue(
                name,
                value,
                low,
                high,
                unit=r.string(spec, "unit", path),
                source=r.string(spec, "source", path),
                note=r.string(spec, "note", path),
                cite=_cites(spec, path, r),
                text=texts["value"],
                low_text=texts.get("low", ""),
                high_text=texts.get("high", ""),
                latex="" if problem else latex,
                dist=read_distribution(spec, path, value, low, high, r),
            )
        else:
            value = r.expression(spec, path, known)
            if value is None:
                r.broken["parameter"].add(name)
            else:
                out[name] = ParameterValue(name, value, text=written_text(spec))
    r.later_parameters = []
    return out


DELTA_PROBES = (sympy.Integer(0), sympy.Rational(1, 2), sympy.Rational(99, 100))
"""Where a domain's discount factor given in ``delta`` is checked to lie in [0, 1)."""


def _compare(a: sympy.Expr, b: sympy.Expr, path: str, what: str, r: _Reader) -> int | None:
    """The certified sign of ``a - b`` (two constants), or ``None`` (reported at ``path``) when
    it cannot be decided: ``a`` and ``b`` are then equal in a way sympy cannot prove."""
    try:
        return sign(a - b)
    except Unclassifiable as exc:
        r.error(path, f"cannot compare {what}: {exc.reason}")
        return None


def _in_range(
    value: sympy.Expr, low: sympy.Expr | None, high: sympy.Expr | None, path: str, r: _Reader
) -> bool | None:
    """Whether a number lies in ``[low, high]`` (bounds that are not numbers are not checked);
    ``None`` (reported) if that cannot be decided."""
    if not value.is_number:
        return True
    for bound, outside, what in ((low, -1, "the value with low"), (high, 1, "the value with high")):
        if bound is not None and bound.is_number:
            side = _compare(value, bound, path, what, r)
            if side is None:
                return None
            if side == outside:
                return False
    return True


def _range_text(low: str | None, high: str | None) -> str:
    """``between 0.5 and 0.95``, ``at least 0.5`` or ``at most 0.95``, as the file wrote them."""
    if low and high:
        return f"between {low} and {high}"
    return f"at least {low}" if low else f"at most {high}"


def _discount(
    table: Mapping[str, Any],
    players: list[str],
    names: Mapping[str, sympy.Expr],
    r: _Reader,
    where: str = "case",
) -> Any:
    """The discount factor of ``[case]`` or, with ``where`` a domain's path, of one domain, where
    it may also be an expression in the players' ``delta`` (``delta^2``: played every other
    period)."""
    if "discount" not in table:
        r.error(
            where,
            "missing key 'discount'",
            expected="a number in [0, 1) or a table player -> number",
        )
        return None
    value = table["discount"]
    in_domain = where != "case"
    known = {"delta": delta, **names} if in_domain else names  # a parameter named delta wins

    def one(v: Any, path: str) -> sympy.Expr | None:
        e = r.expression(v, path, known)
        if e is None:
            return None
        expected = "a number in [0, 1)" + (" for every delta in [0, 1)" if in_domain else "")
        probes = [e.subs(delta, d) for d in DELTA_PROBES] if e.free_symbols == {delta} else [e]
        for x in probes:
            if not x.is_number:
                continue
            low = _compare(x, sympy.Integer(0), path, "the discount factor with 0", r)
            high = _compare(x, sympy.Integer(1), path, "the discount factor with 1", r)
            if low is None or high is None:
                return None
            if low < 0 or high >= 0:
                r.error(path, "discount factor out of range", expected=expected, found=v)
                return None
        return e

    if isinstance(value, dict):
        out = {}
        for p, v in value.items():
            if p not in players:
                r.unknown(f"{where}.discount.{p}", "player", p, players)
                continue
            out[p] = one(v, f"{where}.discount.{p}")
        for p in players:
            if p not in value:
                r.error(
                    f"{where}.discount",
                    f"no discount factor for player '{p}'",
                    expected="one entry per player",
                )
        return out
    return one(value, f"{where}.discount")


def _stages(
    params: Mapping[str, ParameterValue], timeline: tuple[Event, ...], first: str
) -> list[tuple[str, dict[sympy.Symbol, sympy.Expr]]]:
    """The calibrations of a case: the file's values (key path ``first``), then the values after
    each timeline event (key path ``timeline[i].set``)."""
    values = {p.symbol: p.value for p in params.values()}
    stages: list[tuple[str, dict[sympy.Symbol, sympy.Expr]]] = [(first, dict(values))]
    for i, event in enumerate(timeline):
        if event.set:
            for name, v in event.set.items():
                values[params[name].symbol] = substitute(v, values)
            stages.append((f"timeline[{i}].set", dict(values)))
    return stages


def _classified(value: sympy.Expr, path: str, what: str, r: _Reader) -> bool:
    """Whether the constant ``value`` of ``what`` is real, finite and of a certified sign (see
    :mod:`linkage.constants`); reported at ``path`` if not."""
    try:
        classify(value)
    except Unclassifiable as exc:
        r.error(path, f"{what} cannot be used: {exc.reason}")
        return False
    return True


def _check_classified(
    domains: list[Domain],
    data: Any,
    params: Mapping[str, ParameterValue],
    timeline: tuple[Event, ...],
    r: _Reader,
) -> None:
    """Each payoff of a domain (a plugin model's numbers included), and the differences
    ``C - N``, ``D - C``, ``D - N`` the engine compares, at the file's values and after every
    timeline event: a constant whose sign cannot be certified (``x + log(sqrt(2) - 1)`` with
    ``x = "log(sqrt(2) + 1)"``) is reported once, where it arises, and so are two that cannot
    be told apart (``log(1 + sqrt(2))`` in one domain, ``-log(sqrt(2) - 1)`` in another)."""
    where = {  # per domain: its payoffs' path, or the game or model arguments that built them
        t.get("id"): (
            f"domains[{i}]",
            "payoffs" in t,
            next((k for k in ("game", "params", "model") if k in t), ""),
        )
        for i, t in enumerate(data if isinstance(data, list) else [])
        if isinstance(t, dict)
    }
    every = [(d, player, sp) for d in domains for player, sp in d.payoffs.items()]
    symbolic = [
        (d, player, sp)
        for d, player, sp in every
        if any(getattr(sp, k) is not None and getattr(sp, k).free_symbols for k in PAYOFF_NAMES)
    ]
    fixed: list[tuple[str, str, sympy.Expr]] = []  # irrational numbers, compared below
    irrational: list[tuple[str, str, sympy.Expr]] = []  # ... and those of this calibration
    for stage, values in _stages(params, timeline, ""):  # a model's numbers, then the symbols
        for d, player, sp in symbolic if stage else every:
            base, typed, model_key = where.get(d.id, ("domains", False, ""))
            own = f"{base}.payoffs.{player}" if typed else f"{base}.{model_key}".rstrip(".")
            path = stage or own
            given = {k: getattr(sp, k) for k in PAYOFF_NAMES if getattr(sp, k) is not None}
            checks = {
                **given,
                "C - N": sp.C - sp.N,
                "D - C": sp.D - sp.C,
                "D - N": sp.D - sp.N,
            }
            for name, expr in checks.items():
                v = substitute(expr, values)
                after = " after this event" if stage else ""
                what = f"domain '{d.id}': {name} of {player}{after}"
                if not v.is_number:
                    continue
                if not _classified(v, path, what, r):
                    return
                if not isinstance(v, sympy.Rational):
                    (irrational if expr.free_symbols else fixed).append((path, what, v))
        if not _separated([*fixed, *irrational], r):
            return
        irrational.clear()


def _separated(items: list[tuple[str, str, sympy.Expr]], r: _Reader) -> bool:
    """Whether irrational constants that agree to 12 digits are equal or ordered with a
    certified sign (they are compared with one another later); the first pair that is neither
    is reported, at the second one's path."""
    approximate = sorted((float(sympy.N(v, 20)), i) for i, (_, _, v) in enumerate(items))
    for (fa, a), (fb, b) in itertools.pairwise(approximate):
        (_, what_a, va), (path, what_b, vb) = items[a], items[b]
        if va == vb or abs(fa - fb) > 1e-12 * max(1.0, abs(fa), abs(fb)):
            continue
        try:
            sign(va - vb)
        except Unclassifiable:
            r.error(
                path,
                f"{what_b} cannot be told apart from {what_a}: {sympy.sstr(vb)} and "
                f"{sympy.sstr(va)} agree to {PRECISIONS[-1]} bits but cannot be proved equal",
                hint="write equal values in the same form",
            )
            return False
    return True


def _check_discount_values(
    discount: Any, params: Mapping[str, ParameterValue], timeline: tuple[Event, ...], r: _Reader
) -> None:
    """Discount factors given by parameters must lie in [0, 1) at the file's values and after
    every timeline event."""
    exprs = discount if isinstance(discount, dict) else {"": discount}
    for path, vals in _stages(params, timeline, "case.discount"):
        for player, expr in exprs.items():
            if expr is None or not expr.free_symbols:
                continue
            v = substitute(expr, vals)
            if not v.is_number:
                continue
            what = f"the discount factor ({expr})"
            low = _compare(v, sympy.Integer(0), path, f"{what} with 0", r)
            high = _compare(v, sympy.Integer(1), path, f"{what} with 1", r)
            if low is None or high is None:
                return
            if low < 0 or high >= 0:
                who = f" of {player}" if player else ""
                r.error(
                    path,
                    f"the discount factor{who} ({expr}) leaves [0, 1)",
                    expected="a value in [0, 1)",
                    found=decimal(v) if v.is_real else str(v),
                )
                return


def _check_payoff_slips(
    value: Any, players: list[str], params: Mapping[str, ParameterValue], r: _Reader
) -> None:
    """Warn about likely slips in payoffs typed in the file (a model's payoffs are its author's):
    ``N`` above both ``C`` and ``D`` (``C`` and ``N`` swapped?) and ``C < N`` (a concession;
    silenced by listing the player in the domain's ``concessions``). Judged at the calibration."""
    values = {p.symbol: p.value for p in params.values()}
    names = {n: p.symbol for n, p in params.items()}
    for i, table in enumerate(value or []):
        if not isinstance(table, dict) or not isinstance(table.get("payoffs"), dict):
            continue
        did = table.get("id")
        allowed = table.get("concessions", [])
        for player in players:
            spec = table["payoffs"].get(player)
            if not isinstance(spec, dict) or not all(k in spec for k in "CDN"):
                continue
            try:
                c, d, n = (substitute(parse_expression(spec[k], names), values) for k in "CDN")
                if not (c.is_number and d.is_number and n.is_number):
                    continue
                n_c, n_d = sign(n - c), sign(n - d)
            except (ExpressionError, Unclassifiable):
                continue
            path = f"domains[{i}].payoffs.{player}"
            shown = {k: decimal(v) for k, v in zip("CDN", (c, d, n), strict=True)}
            if n_c > 0 and n_d > 0:
                r.warn(
                    path,
                    f"N = {shown['N']} is above both C = {shown['C']} and D = {shown['D']} for "
                    f"{player} in domain '{did}': the punishment pays more than cooperating and "
                    "than deviating, so C and N look swapped",
                    hint=f"if so, write C = {written_text(spec['N'])}, N = {written_text(spec['C'])}",
                )
            elif n_c > 0 and player not in allowed:
                r.warn(
                    path,
                    f"C = {shown['C']} < N = {shown['N']} for {player} in domain '{did}': "
                    "cooperating pays less than the punishment (a concession); intended?",
                    hint=f'if so, add concessions = ["{player}"] to the domain to say so',
                )


def _within_limits(data: dict[str, Any], case_table: dict[str, Any], r: _Reader) -> bool:
    """Whether the sizes that set the work (players, domains, hypotheses, events, the length of
    a T-period punishment) are within the limits in force (:mod:`linkage.limits`), checked on
    the parsed TOML before anything is built; each one over its limit is an error."""
    strategy = data.get("strategy")
    periods = strategy.get("periods") if isinstance(strategy, dict) else None
    hypotheses = data.get("hypotheses")
    if isinstance(hypotheses, list) and isinstance(data.get("linkage"), dict):
        hypotheses = [data["linkage"], *hypotheses]  # [linkage] is a hypothesis too
    sizes = [
        ("case.players", "players", case_table.get("players")),
        ("domains", "domains", data.get("domains")),
        ("hypotheses", "hypotheses", hypotheses),
        ("timeline", "events", data.get("timeline")),
        ("strategy.periods", "periods", periods),
    ]
    ok = True
    for path, name, value in sizes:
        found = len(value) if isinstance(value, list) else value
        if not isinstance(found, int) or isinstance(found, bool):
            continue
        message = limits.exceeds(name, found)
        if message is not None:
            r.error(path, message, hint=limits.HOW_TO_RAISE.format(name=name))
            ok = False
    return ok


def _strategy(value: Any, r: _Reader, host: Any) -> Any:
    table = r.table(value, "strategy")
    if table is None:
        return None
    kind = table.get("kind", "grim")
    if not isinstance(kind, str):
        r.error("strategy.kind", "wrong type", expected="a string", found=kind)
        return None
    host = host or get_host()
    known = host.registry.ids("strategies")
    if kind not in known:
        r.error(
            "strategy.kind",
            "unknown strategy" + host.failure_note(),
            expected="one of " + ", ".join(known),
            found=kind,
            hint=_did_you_mean(kind, known),
        )
        return None
    stype = host.registry.get("strategies", kind)
    options = {k: v for k, v in table.items() if k != "kind"}
    for key in options:
        if key not in stype.options:
            r.error(
                f"strategy.{key}",
                "unknown key",
                expected=("one of " + ", ".join(["kind", *stype.options])),
                found=key,
                hint=_did_you_mean(key, stype.options),
            )
    try:
        return stype.build(options)
    except LinkageError as exc:
        r.error("strategy", str(exc))
        return None


def _payoffs(
    value: Any, path: str, names: Mapping[str, sympy.Expr], r: _Reader
) -> StagePayoffs | None:
    table = r.table(value, path)
    if table is None:
        return None
    r.keys(table, PAYOFF_NAMES, path)
    vals: dict[str, sympy.Expr] = {}
    for key in ("C", "D", "N"):
        if key not in table:
            r.error(
                path,
                f"missing payoff '{key}'",
                expected="C, D and N (P and DP for stick-and-carrot)",
            )
    for key in PAYOFF_NAMES:
        if key in table:
            e = r.expression(table[key], f"{path}.{key}", names)
            if e is not None:
                vals[key] = e
    if not all(k in vals for k in ("C", "D", "N")):
        return None
    try:
        return StagePayoffs(**vals)
    except LinkageError as exc:
        r.error(path, str(exc))
        return None


def _domains(
    value: Any, players: list[str], names: Mapping[str, sympy.Expr], r: _Reader, host: Any
) -> tuple[list[Domain], dict[str, DomainInfo]]:
    if value is None:
        r.error("domains", "no domains", expected="at least one [[domains]] table")
        return [], {}
    if not isinstance(value, list):
        r.error("domains", "wrong type", expected="an array of tables ([[domains]])", found=value)
        return [], {}
    domains: list[Domain] = []
    infos: dict[str, DomainInfo] = {}
    seen: set[str] = set()
    for i, spec in enumerate(value):
        path = f"domains[{i}]"
        table = r.table(spec, path)
        if table is None:
            continue
        r.keys(table, DOMAIN_KEYS, path)
        did = r.string(table, "id", path, required=True)
        if not did:
            # what the file probably meant as the id (a misspelt key): never "unknown" later on
            r.broken["domain"].update(
                v
                for k, v in table.items()
                if isinstance(v, str) and (k.lower() == "id" or _did_you_mean(k.lower(), ("id",)))
            )
            continue
        if did in seen:
            r.error(f"{path}.id", "duplicate domain id", expected="a unique id", found=did)
            continue
        seen.add(did)
        with r.item(f"domain '{did}'"):
            built = _domain(table, did, path, players, names, r, host)
        if built is None:
            r.broken["domain"].add(did)
            continue
        domains.append(built[0])
        infos[did] = built[1]
    return domains, infos


def _domain(
    table: Mapping[str, Any],
    did: str,
    path: str,
    players: list[str],
    names: Mapping[str, sympy.Expr],
    r: _Reader,
    host: Any,
) -> tuple[Domain, DomainInfo] | None:
    """One ``[[domains]]`` table, or ``None`` (reported) if it is broken."""
    kind = r.string(table, "kind", path, default="cardinal")
    if kind not in ("cardinal", "ordinal"):
        r.error(
            f"{path}.kind",
            "unknown domain kind",
            expected="'cardinal' or 'ordinal'",
            found=kind,
        )
        kind = "cardinal"
    if sum(key in table for key in ("payoffs", "model", "game")) != 1:
        r.error(
            path,
            "give one of 'payoffs', 'model' or 'game'",
            expected="exactly one of payoffs (reduced form), model (a plugin's domain model) "
            "or game (the stage game's payoff matrices)",
        )
        return None
    payoffs: dict[str, StagePayoffs] = {}
    stage_game = None
    if "game" in table:
        read = read_game(table["game"], f"{path}.game", players, names, r)
        if read is None:
            return None
        payoffs, stage_game = read
    elif "payoffs" in table:
        ptable = r.table(table["payoffs"], f"{path}.payoffs")
        if ptable is None:
            return None
        for player in ptable:
            if player not in players:
                r.unknown(f"{path}.payoffs.{player}", "player", player, players)
        for player in players:
            if player not in ptable:
                r.error(
                    f"{path}.payoffs",
                    f"no payoffs for player '{player}'",
                    expected="payoffs for every player",
                )
                continue
            sp = _payoffs(ptable[player], f"{path}.payoffs.{player}", names, r)
            if sp is not None:
                payoffs[player] = sp
    else:
        payoffs = _model_payoffs(table, path, players, names, r, host) or {}
    salience: dict[str, sympy.Expr] = {}
    if "salience" in table:
        stable = r.table(table["salience"], f"{path}.salience")
        for player, w in (stable or {}).items():
            if player not in players:
                r.unknown(f"{path}.salience.{player}", "player", player, players)
                continue
            e = r.expression(w, f"{path}.salience.{player}", names)
            if e is not None:
                if e.is_number and sign(e) <= 0:
                    r.error(
                        f"{path}.salience.{player}",
                        "salience must be positive",
                        expected="a number > 0",
                        found=w,
                    )
                    continue
                salience[player] = e
    if len(payoffs) != len(players):
        return None
    payoffs = {p: v.scaled(salience[p]) if p in salience else v for p, v in payoffs.items()}
    own = _discount(table, players, names, r, path) if "discount" in table else None
    if "discount" in table and (own is None or (isinstance(own, dict) and None in own.values())):
        return None  # reported
    try:
        domain = Domain(did, payoffs, title=r.string(table, "title", path), kind=kind, discount=own)
    except (LinkageError, ValueError) as exc:
        r.error(f"{path}.id", f"invalid domain: {exc}", found=did)
        return None
    return domain, DomainInfo(
        did,
        title=r.string(table, "title", path),
        kind=kind,
        model=table.get("model") if isinstance(table.get("model"), str) else None,
        salience=salience,
        concessions=tuple(
            r.strings(table["concessions"], f"{path}.concessions") if "concessions" in table else ()
        ),
        source=r.string(table, "source", path),
        note=r.string(table, "note", path),
        cite=_cites(table, path, r),
        stage_game=stage_game,
    )


def _model_payoffs(
    table: Mapping[str, Any],
    path: str,
    players: list[str],
    names: Mapping[str, sympy.Expr],
    r: _Reader,
    host: Any,
) -> dict[str, StagePayoffs] | None:
    model_id = table["model"]
    if not isinstance(model_id, str):
        r.error(
            f"{path}.model",
            "wrong type",
            expected="a model id such as 'fisheries.access_for_payment'",
            found=model_id,
        )
        return None
    host = host or get_host()
    try:
        model = host.lookup("domain_models", model_id)
    except LinkageError as exc:
        r.error(f"{path}.model", str(exc))
        return None
    roles = r.table(table.get("roles", {}), f"{path}.roles") or {}
    mapping: dict[str, str] = {}
    if not roles and len(players) == len(model.roles):
        mapping = dict(zip(model.roles, players, strict=True))
    for role, player in roles.items():
        if role not in model.roles:
            r.unknown(f"{path}.roles.{role}", "role", role, model.roles)
        elif player not in players:
            r.unknown(f"{path}.roles.{role}", "player", player, players)
        else:
            mapping[role] = player
    if sorted(mapping.values()) != sorted(players) or len(mapping) != len(model.roles):
        r.error(
            f"{path}.roles",
            "roles do not map one-to-one onto the players",
            expected=f"each of the roles {', '.join(model.roles)} assigned to a different player",
            found=roles or None,
        )
        return None
    args: dict[str, sympy.Expr] = {}
    ptable = r.table(table.get("params", {}), f"{path}.params") or {}
    for name, v in ptable.items():
        if name not in model.names:
            r.unknown(f"{path}.params.{name}", "model parameter", name, model.names)
            continue
        e = r.expression(v, f"{path}.params.{name}", names)
        if e is not None:
            args[name] = e
    try:
        built = model.payoffs(args)
    except PluginFault as exc:  # the plugin's build function failed: it names the plugin
        r.error(f"{path}.model", str(exc))
        return None
    except LinkageError as exc:
        r.error(f"{path}.params", str(exc))
        return None
    except Exception as exc:  # a bug in the plugin's build function: name the model
        r.error(
            f"{path}.model",
            f"model {model_id!r} failed to build payoffs: {type(exc).__name__}: {exc}",
        )
        return None
    return {mapping[role]: p for role, p in built.items()}


def _structure(
    table: Mapping[str, Any],
    path: str,
    players: list[str],
    domain_ids: list[str],
    r: _Reader,
    default_name: str,
    isolated: list[str],
) -> LinkageStructure | None:
    mode = table.get("mode", "full")
    if mode == "none":
        mode = "separate"
    if mode not in ("separate", "full", "rules"):
        r.error(
            f"{path}.mode",
            "unknown linkage mode",
            expected="'full', 'rules', 'separate' or 'none'",
            found=mode,
            hint=_did_you_mean(mode, ("full", "rules", "separate", "none")),
        )
        return None
    protected = r.strings(table.get("protected", []), f"{path}.protected")
    for name in protected:
        if name not in domain_ids:
            r.unknown(f"{path}.protected", "domain", name, domain_ids)
    rules: list[Rule] = []
    raw_rules = table.get("rules", [])
    if raw_rules and mode != "rules":
        r.error(f"{path}.rules", "rules need mode = 'rules'", expected="mode = 'rules'", found=mode)
    if not isinstance(raw_rules, list):
        r.error(f"{path}.rules", "wrong type", expected="an array of tables", found=raw_rules)
        raw_rules = []
    for j, rule in enumerate(raw_rules):
        rpath = f"{path}.rules[{j}]"
        rt = r.table(rule, rpath)
        if rt is None:
            continue
        r.keys(rt, RULE_KEYS, rpath)
        deviator = r.string(rt, "deviator", rpath, required=True)
        domain = r.string(rt, "domain", rpath, required=True)
        punished = r.strings(rt.get("punished", []), f"{rpath}.punished")
        if deviator and deviator != "*" and deviator not in players:
            r.error(
                f"{rpath}.deviator",
                "unknown player",
                expected="one of " + ", ".join(players) + " or '*'",
                found=deviator,
                hint=_did_you_mean(deviator, players),
            )
        for name in [domain, *punished]:
            if name and name not in domain_ids:
                r.unknown(rpath, "domain", name, domain_ids)
        ordinal = ({domain} | set(punished)) & set(isolated)
        if ordinal:
            r.error(
                rpath,
                "a rule links an ordinal domain",
                expected="cardinal domains only, or a salience "
                "for every player on the ordinal domain to put it on the common scale",
                found=sorted(ordinal),
            )
        clash = set(punished) & set(protected) - {domain}
        if clash:
            r.error(
                f"{rpath}.punished",
                "a rule punishes a protected domain",
                expected="no protected domain among the punished",
                found=sorted(clash),
            )
        rules.append(Rule(deviator, domain, punished))
    if r.errors:
        return None
    return LinkageStructure(
        mode,
        rules=rules if mode == "rules" else (),
        protected=protected,
        name=str(table.get("id", table.get("name", default_name))),
        source=str(table.get("source", "")),
        isolated=isolated,
    )


def _hypotheses(
    data: Mapping[str, Any],
    players: list[str],
    domain_ids: list[str],
    r: _Reader,
    isolated: list[str],
) -> tuple[Hypothesis, ...]:
    out: list[Hypothesis] = []
    if "linkage" in data:
        table = r.table(data["linkage"], "linkage")
        if table is not None:
            r.keys(table, LINKAGE_KEYS, "linkage")
            s = _structure(table, "linkage", players, domain_ids, r, "linkage", isolated)
            if s is not None:
                out.append(
                    Hypothesis(
                        s.name,
                        s,
                        title=str(table.get("title", "")),
                        source=s.source,
                        prior=_prior(table, "linkage", r),
                        cite=_cites(table, "linkage", r),
                    )
                )
    raw = data.get("hypotheses", [])
    if not isinstance(raw, list):
        r.error(
            "hypotheses", "wrong type", expected="an array of tables ([[hypotheses]])", found=raw
        )
        raw = []
    seen = {h.id for h in out}
    for i, spec in enumerate(raw):
        path = f"hypotheses[{i}]"
        table = r.table(spec, path)
        if table is None:
            continue
        r.keys(table, (*LINKAGE_KEYS,), path)
        hid = r.string(table, "id", path, required=True)
        if hid in seen:
            r.error(f"{path}.id", "duplicate hypothesis id", expected="a unique id", found=hid)
            continue
        seen.add(hid)
        with r.item(f"hypothesis '{hid}'"):
            s = _structure(table, path, players, domain_ids, r, hid, isolated)
        if s is not None:
            out.append(
                Hypothesis(
                    hid,
                    s,
                    title=r.string(table, "title", path),
                    source=r.string(table, "source", path),
                    note=r.string(table, "note", path),
                    prior=_prior(table, path, r),
                    cite=_cites(table, path, r),
                )
            )
    if not out:
        out.append(
            Hypothesis(
                "full",
                LinkageStructure("full", name="full", isolated=isolated),
                title="full linkage (default)",
            )
        )
    return tuple(out)


def _date(value: Any, path: str, r: _Reader) -> str | None:
    date = normalise(value)
    if date is None:
        r.error(path, "invalid date", expected=DATE_FORMS, found=value)
    return date


def _timeline(
    value: Any,
    params: Mapping[str, ParameterValue],
    domain_ids: list[str],
    r: _Reader,
    players: list[str],
) -> tuple[Event, ...]:
    if not isinstance(value, list):
        r.error("timeline", "wrong type", expected="an array of tables ([[timeline]])", found=value)
        return ()
    names = {n: p.symbol for n, p in params.items()}
    events: list[Event] = []
    # Domains opened by an event do not exist before it; the others exist from the start.
    opened_later = {
        k
        for spec in value
        if isinstance(spec, dict) and isinstance(spec.get("opens"), list)
        for k in spec["opens"]
        if isinstance(k, str)
    }
    open_now = set(domain_ids) - opened_later
    indices: list[int] = []
    for i, spec in enumerate(value):
        path = f"timeline[{i}]"
        table = r.table(spec, path)
        if table is None:
            continue
        r.keys(table, EVENT_KEYS, path)
        date = _date(table.get("date"), f"{path}.date", r) if "date" in table else None
        if "date" not in table:
            r.error(path, "missing key 'date'", expected="a date")
        changes: dict[str, sympy.Expr] = {}
        for name, v in (r.table(table.get("set", {}), f"{path}.set") or {}).items():
            if name in r.broken["parameter"]:
                continue
            if name not in params:
                r.error(
                    f"{path}.set.{name}",
                    "unknown parameter",
                    expected="a parameter defined in [parameters]",
                    found=name,
                    hint=_did_you_mean(name, params),
                )
                continue
            e = r.expression(v, f"{path}.set.{name}", names)
            if e is None:
                continue
            spec = params[name]
            inside = _in_range(e, spec.low, spec.high, f"{path}.set.{name}", r)
            if inside is None:
                continue
            if not inside:
                r.error(
                    f"{path}.set.{name}",
                    f"value outside the range of parameter '{name}'",
                    expected=_range_text(spec.written("low"), spec.written("high")),
                    found=v,
                )
                continue
            changes[name] = e
        opens = _domain_list(table, "opens", path, domain_ids, r)
        closes = _domain_list(table, "closes", path, domain_ids, r)
        for k in opens:
            if k in open_now:
                r.error(f"{path}.opens", f"domain '{k}' is already open", found=k)
        open_now |= set(opens)
        for k in closes:
            if k not in open_now:
                r.error(f"{path}.closes", f"domain '{k}' is not open", found=k)
        open_now -= set(closes)
        observed = _observed(table, path, domain_ids, players, open_now, r)
        deviations = _deviations(table.get("deviation"), path, domain_ids, players, open_now, r)
        settlements = _settlements(table.get("settlement"), path, domain_ids, players, r)
        estimate = table.get("estimate", False)
        if not isinstance(estimate, bool):
            r.error(f"{path}.estimate", "wrong type", expected="true or false", found=estimate)
            estimate = False
        if date is not None:
            events.append(
                Event(
                    date,
                    r.string(table, "title", path, required=True),
                    changes,
                    observed,
                    source=r.string(table, "source", path),
                    note=r.string(table, "note", path),
                    cite=_cites(table, path, r),
                    estimate=estimate,
                    deviations=deviations,
                    settlements=settlements,
                    opens=opens,
                    closes=closes,
                    line=line_of(r.lines, path),
                )
            )
            indices.append(i)
    for (a, b), i in zip(itertools.pairwise(events), indices[1:], strict=True):
        if b.day < a.day:
            r.error(
                f"timeline[{i}].date",
                "events out of order",
                expected="dates in increasing order",
                found=f"{b.date} after {a.date}",
            )
    return tuple(events)


def _domain_list(
    table: Mapping[str, Any], key: str, path: str, domain_ids: list[str], r: _Reader
) -> tuple[str, ...]:
    """An array of domain ids at ``table[key]`` (empty when absent)."""
    if key not in table:
        return ()
    names = r.strings(table[key], f"{path}.{key}")
    for name in names:
        if name not in domain_ids:
            r.unknown(f"{path}.{key}", "domain", name, domain_ids)
    return tuple(n for n in names if n in domain_ids)


def _player(value: Any, path: str, players: list[str], r: _Reader) -> str | None:
    if not isinstance(value, str):
        r.error(path, "wrong type", expected="a player name", found=value)
        return None
    if value not in players:
        r.unknown(path, "player", value, players)
        return None
    return value


def _observed(
    table: Mapping[str, Any],
    path: str,
    domain_ids: list[str],
    players: list[str],
    open_now: set[str],
    r: _Reader,
) -> dict[str, Observation]:
    """``observed``: per domain, a state or ``{state, by, cite, source, estimate, note}``."""
    out: dict[str, Observation] = {}
    for did, spec in (r.table(table.get("observed", {}), f"{path}.observed") or {}).items():
        where = f"{path}.observed.{did}"
        if did not in domain_ids:
            r.unknown(where, "domain", did, domain_ids)
            continue
        if did not in open_now:
            r.error(
                where,
                f"domain '{did}' is not open at this event",
                expected="an observation of an open domain (see 'opens' and 'closes')",
                found=did,
            )
            continue
        fields: dict[str, Any] = {}
        if isinstance(spec, dict):
            r.keys(spec, OBSERVATION_KEYS, where)
            state = spec.get("state")
            if "state" not in spec:
                r.error(
                    where, "missing key 'state'", expected="one of " + ", ".join(OBSERVED_STATES)
                )
                continue
            if "by" in spec:
                fields["by"] = _player(spec["by"], f"{where}.by", players, r)
            estimate = spec.get("estimate", False)
            if not isinstance(estimate, bool):
                r.error(f"{where}.estimate", "wrong type", expected="true or false", found=estimate)
                estimate = False
            fields.update(
                cite=_cites(spec, where, r),
                source=r.string(spec, "source", where),
                note=r.string(spec, "note", where),
                estimate=estimate,
            )
            state_path = f"{where}.state"
        else:
            state, state_path = spec, where
        if state not in OBSERVED_STATES:
            r.unknown(state_path, "state", state, OBSERVED_STATES)
            continue
        out[did] = Observation(state, line=line_of(r.lines, where), **fields)
    return out


def _tables(value: Any, path: str, what: str, r: _Reader) -> list[tuple[str, dict[str, Any]]]:
    """A table or an array of tables, with the key path of each."""
    if isinstance(value, dict):
        return [(path, value)]
    if isinstance(value, list) and all(isinstance(v, dict) for v in value):
        return [(f"{path}[{j}]", v) for j, v in enumerate(value)]
    r.error(path, "wrong type", expected=f"{what} or an array of them", found=value)
    return []


def _deviations(
    value: Any,
    path: str,
    domain_ids: list[str],
    players: list[str],
    open_now: set[str],
    r: _Reader,
) -> tuple[Deviation, ...]:
    """``deviation``: ``{player, domains}`` (or an array of them): who deviated where."""
    if value is None:
        return ()
    out = []
    for where, spec in _tables(value, f"{path}.deviation", "a table {player, domains}", r):
        r.keys(spec, DEVIATION_KEYS, where)
        if "player" not in spec or "domains" not in spec:
            r.error(where, "incomplete deviation", expected="both 'player' and 'domains'")
            continue
        player = _player(spec["player"], f"{where}.player", players, r)
        before = len(r.errors)
        domains = _domain_list(spec, "domains", where, domain_ids, r)
        named = spec["domains"] if isinstance(spec["domains"], list) else [spec["domains"]]
        if (
            not domains
            and len(r.errors) == before
            and not set(map(str, named)) & r.broken["domain"]
        ):
            r.error(f"{where}.domains", "no domains", expected="at least one domain id")
        closed = [k for k in domains if k not in open_now]
        if closed:
            r.error(
                f"{where}.domains",
                "a deviation in a domain that is not open",
                expected="open domains only (see 'opens' and 'closes')",
                found=closed,
            )
            continue
        if player is not None and domains:
            out.append(Deviation(player, domains, note=r.string(spec, "note", where)))
    return tuple(out)


def _settlements(
    value: Any, path: str, domain_ids: list[str], players: list[str], r: _Reader
) -> tuple[Settlement, ...]:
    """``settlement``: ``true`` (every punishment phase ends) or ``{player, domains}`` (or an
    array of them): the phases of the deviations by ``player`` in any of ``domains`` end."""
    if value is None or value is False:
        return ()
    if value is True:
        return (Settlement(),)
    out = []
    for where, spec in _tables(value, f"{path}.settlement", "true or a table {player, domains}", r):
        r.keys(spec, SETTLEMENT_KEYS, where)
        player = (
            _player(spec["player"], f"{where}.player", players, r) if "player" in spec else None
        )
        domains = _domain_list(spec, "domains", where, domain_ids, r)
        out.append(Settlement(player, domains, note=r.string(spec, "note", where)))
    return tuple(out)


def _cites(table: Mapping[str, Any], path: str, r: _Reader) -> tuple[str, ...]:
    """The bibliography keys ``table`` cites (checked against ``[sources]`` by
    :func:`_check_citations`)."""
    if "cite" not in table:
        return ()
    value = table["cite"]
    return (value,) if isinstance(value, str) else tuple(r.strings(value, f"{path}.cite"))


def _check_citations(
    data: Mapping[str, Any], bibliography: Mapping[str, Source], r: _Reader
) -> None:
    """Every ``cite`` key names an entry of ``[sources]``."""

    def check(table: Any, path: str) -> None:
        if not isinstance(table, dict) or "cite" not in table:
            return
        keys = table["cite"]
        for key in [keys] if isinstance(keys, str) else keys if isinstance(keys, list) else []:
            if isinstance(key, str) and key not in bibliography:
                if bibliography:
                    r.unknown(f"{path}.cite", "source", key, sorted(bibliography))
                else:
                    r.error(
                        f"{path}.cite",
                        "unknown source",
                        expected="a key of the case's [sources] table (it has none)",
                        found=key,
                    )

    check(data.get("case"), "case")
    check(data.get("linkage"), "linkage")
    for section in ("parameters",):
        for name, spec in (
            (data.get(section) or {}).items() if isinstance(data.get(section), dict) else []
        ):
            check(spec, f"{section}.{name}")
    for section in ("domains", "hypotheses", "timeline"):
        items = data.get(section)
        for i, spec in enumerate(items if isinstance(items, list) else []):
            check(spec, f"{section}[{i}]")
            if section == "timeline" and isinstance(spec, dict):
                observed = spec.get("observed")
                for k, o in observed.items() if isinstance(observed, dict) else []:
                    check(o, f"timeline[{i}].observed.{k}")


def _prior(table: Mapping[str, Any], path: str, r: _Reader) -> float:
    """A hypothesis' prior weight: a positive number (default 1)."""
    value = table.get("prior", 1)
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        r.error(f"{path}.prior", "wrong prior", expected="a positive number", found=value)
        return 1.0
    return float(value)


def _scoring(value: Any, r: _Reader) -> Scoring:
    """``[scoring]``: the resolution the record is coded at and its error rate."""
    table = r.table(value, "scoring")
    if not table:
        return Scoring()
    r.keys(table, SCORING_KEYS, "scoring")
    fields: dict[str, Any] = {}
    if "resolution" in table:
        res = table["resolution"]
        if res in RESOLUTIONS:
            fields["resolution"] = res
        else:
            r.unknown("scoring.resolution", "resolution", res, RESOLUTIONS)

    def rate(v: Any, where: str) -> float | None:
        if isinstance(v, bool) or not isinstance(v, int | float) or not 0 < v < 0.5:
            r.error(
                where, "error rate out of range", expected="a number between 0 and 0.5", found=v
            )
            return None
        return float(v)

    if "error_rate" in table:
        eps = rate(table["error_rate"], "scoring.error_rate")
        if eps is not None:
            fields["error_rate"] = eps
    if "error_rates" in table:
        raw = table["error_rates"]
        if not isinstance(raw, list) or not raw:
            r.error("scoring.error_rates", "wrong type", expected="an array of numbers", found=raw)
        else:
            rates = [rate(v, f"scoring.error_rates[{j}]") for j, v in enumerate(raw)]
            fields["error_rates"] = tuple(sorted({e for e in rates if e is not None}))
    return Scoring(**fields)


def _sources(value: Any, r: _Reader) -> dict[str, Source]:
    """``[sources]``: the bibliography, one table per key."""
    table = r.table(value, "sources")
    if not table:
        return {}
    out: dict[str, Source] = {}
    for key, spec in table.items():
        path = f"sources.{key}"
        entry = r.table(spec, path)
        if entry is None:
            continue
        r.keys(entry, SOURCE_KEYS, path)
        kind = r.string(entry, "type", path, default="web")
        if kind not in SOURCE_TYPES:
            r.unknown(f"{path}.type", "source type", kind, SOURCE_TYPES)
            kind = "web"
        date = ""
        if "date" in entry:
            date = _date(entry["date"], f"{path}.date", r) or ""
        title = r.string(entry, "title", path, required=True)
        out[key] = Source(
            key,
            title,
            type=kind,
            author=r.string(entry, "author", path),
            publisher=r.string(entry, "publisher", path),
            date=date,
            url=r.string(entry, "url", path),
            doi=r.string(entry, "doi", path),
            note=r.string(entry, "note", path),
        )
    return out


def resolve_case(name: str, *, host: Any = None) -> Path:
    """A case file path: ``name`` itself if it exists, else a bundled case registered under that id."""
    p = Path(name)
    if p.exists() or name.endswith(".toml") or "/" in name:
        return p
    host = host or get_host()
    if ("cases", name) in host.registry:
        found: Path = host.registry.get("cases", name).path
        if not found.is_file():
            owner = host.records[host.registry.owner("cases", name)].describe()
            raise PluginError(f"bundled case {name!r} of {owner}: no such file {str(found)!r}")
        return found
    known = host.registry.ids("cases")
    raise CaseError(
        "no such case file or bundled case" + host.failure_note(),
        file=name,
        hint=_did_you_mean(name, known)
        or (f"bundled cases: {', '.join(known)}" if known else None),
    )


__all__ = ["FORMAT_VERSION", "load_case", "load_case_text", "read_case_text", "resolve_case"]
