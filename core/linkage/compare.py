r"""Case studies side by side: one row per case and linkage hypothesis.

:func:`compare` analyses every case at its calibration under each of its hypotheses and returns a
:class:`Comparison`, which renders as a terminal table, Markdown, LaTeX (booktabs), CSV or JSON and
displays itself in Jupyter. The columns (:data:`COLUMNS`) are

``case``, ``title``, ``hypothesis``, ``players``, ``domains``
    what is compared (``title`` is not shown unless asked for);
``delta``
    the calibrated discount factor(s);
``separate``
    per player, the critical :math:`\delta` with every domain punished only in itself: the maximum
    over that player's domains, :math:`\max_k \delta_{ik}` (JSON adds the per-domain values);
``linked``
    per player, the critical :math:`\delta_i^L` of the whole package under the hypothesis;
``helps_interval``
    the common :math:`\delta` on which linkage strictly helps,
    :math:`[\max_i \delta_i^L, \max_{i,k}\delta_{ik})` (``-`` when empty);
``gain``
    the *linkage gain* :math:`\max_{i,k}\delta_{ik} - \max_i \delta_i^L` (a ``never`` on the
    separate side counts as 1; ``-`` when the linked package is never self-enforcing). It is the
    width of ``helps_interval`` when that is not empty, and zero or negative otherwise;
``vulnerable``
    the player whose linked constraint binds (:attr:`Analysis.vulnerable`);
``lever``
    the domain that donates most slack to the vulnerable player: :attr:`Analysis.lever` of that
    player, the domain with the largest positive grim slack
    :math:`s_{ik}(\delta_i) = (\bar D_{ik}-N_{ik})(\delta_i-\delta_{ik})` at their calibrated
    :math:`\delta_i` (``-`` when no domain has positive slack). Under a hypothesis that does
    not pool the vulnerable player's domains (``separate``) no slack is transferred: the lever
    is then the domain that *would* donate most if they were linked;
``linked_holds``, ``separate_holds``, ``helps``
    the verdict at the calibrated discount factors: whether the linked package is self-enforcing,
    which domains are self-enforcing on their own, and whether linkage strictly helps;
``fit``
    the share of the timeline's scored observations the hypothesis predicts
    (:attr:`TimelineAnalysis.fit <linkage.timeline.TimelineAnalysis.fit>`), ``n/a`` without a
    timeline or with nothing scored.

Rows are sorted by case id (then file path); a case's hypotheses keep the order of its file, the
first being the case's primary hypothesis. Floats are printed with four decimals; exact values are
in the JSON output. Cases that fail to load or analyse are collected in :attr:`Comparison.failures`
and the others are still compared.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import sympy

from linkage.cases.case import Case
from linkage.engine.analysis import Interval
from linkage.engine.threshold import Threshold, combine
from linkage.errors import CaseErrors, LinkageError

if TYPE_CHECKING:
    from linkage.timeline import TimelineAnalysis

COLUMNS: dict[str, str] = {
    "case": "case",
    "title": "title",
    "hypothesis": "hypothesis",
    "players": "players",
    "domains": "domains",
    "delta": "δ",
    "separate": "δ* separate",
    "linked": "δ* linked",
    "helps_interval": "linkage helps on",
    "gain": "gain",
    "vulnerable": "vulnerable",
    "lever": "lever",
    "linked_holds": "linked holds",
    "separate_holds": "separate holds",
    "helps": "helps",
    "fit": "fit",
}
"""Every column, by name, with its header in the terminal and Markdown tables."""

LATEX_HEADERS: dict[str, str] = {
    **COLUMNS,
    "delta": r"$\delta$",
    "separate": r"$\delta^*$ separate",
    "linked": r"$\delta^*$ linked",
}

DEFAULT_COLUMNS: tuple[str, ...] = tuple(c for c in COLUMNS if c != "title")
"""The columns shown unless ``columns`` says otherwise."""

FORMATS = ("text", "markdown", "latex", "csv", "json")
"""The output formats of :meth:`Comparison.render`."""


def number(x: float) -> str:
    """A float with four decimals (never ``-0.0000``)."""
    text = f"{x:.4f}"
    return "0.0000" if text == "-0.0000" else text


def _float(expr: sympy.Expr) -> float:
    return float(sympy.N(expr, 30))


def threshold_text(t: Threshold) -> str:
    """A threshold in a table cell: four decimals, ``always`` (0) or ``never``."""
    if t.status == "never":
        return "never"
    if t.status == "always":
        return "always"
    if t.value is None:
        return str(t)
    return number(t.value)


def _yes(value: bool | None) -> str:
    return {True: "yes", False: "no", None: "undecided"}[value]


def _per_player(values: dict[str, str]) -> str:
    return "; ".join(f"{p} {v}" for p, v in values.items())


def parse_columns(spec: str | Sequence[str] | None) -> tuple[str, ...]:
    """Column names from ``"a,b,c"`` or a sequence; :class:`LinkageError` names unknown ones."""
    if spec is None:
        return DEFAULT_COLUMNS
    names = (
        [c.strip() for c in spec.split(",")] if isinstance(spec, str) else [str(c) for c in spec]
    )
    names = [c for c in names if c]
    unknown = [c for c in names if c not in COLUMNS]
    if unknown:
        raise LinkageError(
            f"unknown column{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}; "
            f"valid columns: {', '.join(COLUMNS)}"
        )
    if not names:
        raise LinkageError(f"no columns given; valid columns: {', '.join(COLUMNS)}")
    return tuple(names)


@attrs.frozen
class Failure:
    """A case that could not be compared: the name it was given by and the error, on one line."""

    name: str
    error: str

    def __str__(self) -> str:
        # A case-file error already names its file: do not name it twice.
        return self.error if self.error.startswith(self.name) else f"{self.name}: {self.error}"


def one_line(exc: Exception) -> str:
    """An error message on one line (several case-file problems: the first and a count)."""
    if isinstance(exc, CaseErrors):
        first = str(exc.errors[0]) if exc.errors else str(exc)
        more = len(exc.errors) - 1
        return first + (f" (and {more} more problem{'s' if more > 1 else ''})" if more > 0 else "")
    return " ".join(str(exc).split())


@attrs.frozen
class ComparisonRow:
    """One case under one hypothesis, at its calibration."""

    case: str
    title: str
    path: str | None
    hypothesis: str
    players: tuple[str, ...]
    domains: tuple[str, ...]
    delta: dict[str, sympy.Expr]
    separate_domains: dict[str, dict[str, Threshold]]
    linked: dict[str, Threshold]
    helps_interval: Interval | None
    vulnerable: str | None
    lever: str | None
    linked_holds: bool | None
    separate_holds: dict[str, bool | None]
    helps: bool | None
    fit: dict[str, Any] | None

    @property
    def separate(self) -> dict[str, Threshold]:
        r"""Per player, :math:`\max_k \delta_{ik}`."""
        return {p: combine(per.values()) for p, per in self.separate_domains.items()}

    @property
    def gain(self) -> sympy.Expr | None:
        r""":math:`\max_{i,k}\delta_{ik} - \max_i\delta_i^L` (``never`` separately counts as 1)."""
        linked = combine(self.linked.values())
        separate = combine(self.separate.values())
        if linked.status == "never" or linked.exact is None:
            return None
        high = sympy.Integer(1) if separate.status == "never" else separate.exact
        if high is None:
            return None
        return high - linked.exact

    # -- cells ------------------------------------------------------------------------------
    def text(self, column: str) -> str:
        """The cell of ``column`` as text (four-decimal floats)."""
        if column == "case":
            return self.case
        if column == "title":
            return self.title
        if column == "hypothesis":
            return self.hypothesis
        if column == "players":
            return ", ".join(self.players)
        if column == "domains":
            return ", ".join(self.domains)
        if column == "delta":
            values = {
                p: (number(_float(d)) if d.is_number else sympy.sstr(d))
                for p, d in self.delta.items()
            }
            distinct = set(values.values())
            return distinct.pop() if len(distinct) == 1 else _per_player(values)
        if column == "separate":
            return _per_player({p: threshold_text(t) for p, t in self.separate.items()})
        if column == "linked":
            return _per_player({p: threshold_text(t) for p, t in self.linked.items()})
        if column == "helps_interval":
            i = self.helps_interval
            if i is None:
                return "-"
            if not (i.low.is_number and i.high.is_number):
                return str(i)
            return f"[{number(_float(i.low))}, {number(_float(i.high))})"
        if column == "gain":
            g = self.gain
            return "-" if g is None else (number(_float(g)) if g.is_number else sympy.sstr(g))
        if column == "vulnerable":
            return self.vulnerable or "-"
        if column == "lever":
            return self.lever or "-"
        if column == "linked_holds":
            return _yes(self.linked_holds)
        if column == "separate_holds":
            held = [k for k, v in self.separate_holds.items() if v]
            open_ = [f"{k}?" for k, v in self.separate_holds.items() if v is None]
            return ", ".join(held + open_) or "none"
        if column == "helps":
            return _yes(self.helps)
        if column == "fit":
            f = self.fit
            if f is None or f["share"] is None:
                return "n/a"
            return f"{100 * f['share']:.0f}% ({f['matched']}/{f['scored']})"
        raise LinkageError(f"unknown column {column!r}; valid columns: {', '.join(COLUMNS)}")

    def json(self, column: str) -> Any:
        """The cell of ``column`` as JSON-ready data (exact values as strings, plus floats)."""
        if column in ("players", "domains"):
            return list(getattr(self, column))
        if column == "delta":
            return {
                p: {"exact": sympy.sstr(d), "value": _float(d) if d.is_number else None}
                for p, d in self.delta.items()
            }
        if column == "separate":
            return {
                p: {
                    "max": self.separate[p].as_json(),
                    "domains": {k: t.as_json() for k, t in per.items()},
                }
                for p, per in self.separate_domains.items()
            }
        if column == "linked":
            return {p: t.as_json() for p, t in self.linked.items()}
        if column == "helps_interval":
            return None if self.helps_interval is None else self.helps_interval.as_json()
        if column == "gain":
            g = self.gain
            return (
                None
                if g is None
                else {"exact": sympy.sstr(g), "value": _float(g) if g.is_number else None}
            )
        if column == "separate_holds":
            return dict(self.separate_holds)
        if column == "fit":
            return None if self.fit is None else dict(self.fit)
        if column in (
            "case",
            "title",
            "hypothesis",
            "vulnerable",
            "lever",
            "linked_holds",
            "helps",
        ):
            return getattr(self, column)
        raise LinkageError(f"unknown column {column!r}; valid columns: {', '.join(COLUMNS)}")


def case_rows(case: Case, timeline: TimelineAnalysis | None = None) -> list[ComparisonRow]:
    """The rows of one case, one per hypothesis in the order of its file (``timeline``: its
    :class:`~linkage.timeline.TimelineAnalysis`, if already computed)."""
    from linkage.timeline import TimelineAnalysis

    if timeline is None and case.timeline:
        timeline = TimelineAnalysis(case)
    fit = timeline.fit if timeline is not None else None
    rows = []
    for h in case.hypotheses:
        a = case.analysis(h.id)
        g = a.game
        vulnerable = a.vulnerable
        rows.append(
            ComparisonRow(
                case=case.id,
                title=case.title or case.id,
                path=case.path,
                hypothesis=h.id,
                players=tuple(case.players),
                domains=tuple(case.domain_ids),
                delta={p: g.discount.of(p) for p in g.players},
                separate_domains={p: dict(per) for p, per in a.separate_thresholds.items()},
                linked=dict(a.linked_thresholds),
                helps_interval=a.helps_interval,
                vulnerable=vulnerable,
                lever=None if vulnerable is None else a.lever[vulnerable],
                linked_holds=a.linked_sustainable,
                separate_holds=dict(a.separate_sustainable),
                helps=a.helps,
                fit=None if fit is None else dict(fit[h.id]),
            )
        )
    return rows


def expand(names: Iterable[str | os.PathLike[str]]) -> list[str]:
    """Case names with every directory replaced by its ``*.toml`` files, sorted by name."""
    out: list[str] = []
    for name in names:
        p = Path(name)
        if p.is_dir():
            out += [str(f) for f in sorted(p.glob("*.toml"))] or [str(p)]
        else:
            out.append(str(name))
    return out


def load_cases(names: Iterable[str | os.PathLike[str]]) -> tuple[list[Case], list[Failure]]:
    """Load cases given as files, directories (their ``*.toml``) or bundled ids.

    A case that fails to load is recorded as a :class:`Failure` and the others are still loaded.
    """
    from linkage.cases.loader import load_case, resolve_case

    cases: list[Case] = []
    failures: list[Failure] = []
    for name in expand(names):
        if Path(name).is_dir():
            failures.append(Failure(name, "directory has no *.toml case files"))
            continue
        try:
            cases.append(load_case(resolve_case(name)))
        except LinkageError as exc:
            failures.append(Failure(name, one_line(exc)))
    return cases, failures


def compare(cases: Iterable[Case | str | os.PathLike[str]]) -> Comparison:
    """Compare cases given as :class:`Case` objects, case files, directories or bundled ids."""
    loaded: list[Case] = []
    failures: list[Failure] = []
    names: list[str | os.PathLike[str]] = []
    for item in cases:
        if isinstance(item, Case):
            loaded.append(item)
        else:
            names.append(item)
    if names:
        more, failed = load_cases(names)
        loaded += more
        failures += failed
    rows: list[ComparisonRow] = []
    for case in sorted(loaded, key=lambda c: (c.id, c.path or "")):
        try:
            rows += case_rows(case)
        except LinkageError as exc:
            failures.append(Failure(case.path or case.id, one_line(exc)))
    return Comparison(tuple(rows), tuple(failures))


def latex_escape(text: str) -> str:
    """Text safe inside a LaTeX table cell."""
    table = {
        "\\": r"\textbackslash{}",
        "&": r"\&",
        "%": r"\%",
        "$": r"\$",
        "#": r"\#",
        "_": r"\_",
        "{": r"\{",
        "}": r"\}",
        "~": r"\textasciitilde{}",
        "^": r"\textasciicircum{}",
    }
    return "".join(table.get(ch, ch) for ch in text)


def _latex_text(text: str) -> str:
    return r"\text{" + latex_escape(text) + "}"


def _markdown_cell(text: str) -> str:
    return text.replace("|", "\\|")


@attrs.frozen
class Comparison:
    """The rows of a comparison and the cases that could not be compared."""

    rows: tuple[ComparisonRow, ...]
    failures: tuple[Failure, ...] = ()

    @property
    def cases(self) -> tuple[str, ...]:
        """The compared case ids, in row order, each once."""
        return tuple(dict.fromkeys(r.case for r in self.rows))

    def primary(self) -> Comparison:
        """One row per case: its first (primary) hypothesis."""
        seen: set[tuple[str, str | None]] = set()
        rows = []
        for r in self.rows:
            if (r.case, r.path) not in seen:
                seen.add((r.case, r.path))
                rows.append(r)
        return Comparison(tuple(rows), self.failures)

    # -- formats ----------------------------------------------------------------------------
    def render(self, fmt: str = "text", columns: str | Sequence[str] | None = None) -> str:
        """The comparison in ``fmt`` (one of :data:`FORMATS`) with the chosen columns."""
        cols = parse_columns(columns)
        renderers = {
            "text": self.render_text,
            "markdown": self.render_markdown,
            "latex": self.render_latex,
            "csv": self.render_csv,
            "json": self.render_json,
        }
        if fmt not in renderers:
            raise LinkageError(f"unknown format {fmt!r}; valid formats: {', '.join(FORMATS)}")
        return renderers[fmt](cols)

    def cells(self, columns: Sequence[str]) -> list[list[str]]:
        return [[r.text(c) for c in columns] for r in self.rows]

    def render_text(self, columns: Sequence[str] = DEFAULT_COLUMNS) -> str:
        """An aligned table for the terminal."""
        head = [COLUMNS[c] for c in columns]
        body = self.cells(columns)
        widths = [max(len(x) for x in col) for col in zip(head, *body, strict=True)]

        def line(cells: Sequence[str]) -> str:
            return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

        out = [line(head), line(["-" * w for w in widths])] + [line(r) for r in body]
        if not self.rows:
            out.append("(no cases)")
        return "\n".join(out) + "\n"

    def render_markdown(self, columns: Sequence[str] = DEFAULT_COLUMNS) -> str:
        """A Markdown (GitHub) table."""
        lines = ["| " + " | ".join(COLUMNS[c] for c in columns) + " |", "|" + "---|" * len(columns)]
        lines += [
            "| " + " | ".join(_markdown_cell(x) for x in row) + " |" for row in self.cells(columns)
        ]
        return "\n".join(lines) + "\n"

    def render_latex(self, columns: Sequence[str] = DEFAULT_COLUMNS) -> str:
        """A booktabs ``tabular`` ready to paste (needs ``\\usepackage{booktabs}``)."""
        lines = [
            f"% linkage compare: {len(self.cases)} case(s), {len(self.rows)} row(s); "
            "needs booktabs",
            r"\begin{tabular}{" + "l" * len(columns) + "}",
            r"\toprule",
            " & ".join(LATEX_HEADERS[c] for c in columns) + r" \\",
            r"\midrule",
        ]
        lines += [" & ".join(latex_escape(x) for x in row) + r" \\" for row in self.cells(columns)]
        lines += [r"\bottomrule", r"\end{tabular}"]
        return "\n".join(lines) + "\n"

    def render_csv(self, columns: Sequence[str] = DEFAULT_COLUMNS) -> str:
        """CSV with the column names as header."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(self.cells(columns))
        return buffer.getvalue()

    def as_json(self, columns: Sequence[str] = DEFAULT_COLUMNS) -> dict[str, Any]:
        """``{"columns": [...], "rows": [{column: value}], "failures": [{"name", "error"}]}``."""
        return {
            "columns": list(columns),
            "rows": [{c: r.json(c) for c in columns} for r in self.rows],
            "failures": [{"name": f.name, "error": f.error} for f in self.failures],
        }

    def render_json(self, columns: Sequence[str] = DEFAULT_COLUMNS) -> str:
        return json.dumps(self.as_json(columns), indent=2, ensure_ascii=False) + "\n"

    # -- notebooks --------------------------------------------------------------------------
    def _repr_html_(self) -> str:
        from linkage.render.html import comparison_table

        return comparison_table(self)

    def _repr_latex_(self) -> str:
        columns = (
            "case",
            "hypothesis",
            "separate",
            "linked",
            "helps_interval",
            "vulnerable",
            "lever",
            "fit",
        )
        math = {"separate": r"\delta^*\ \text{separate}", "linked": r"\delta^*\ \text{linked}"}
        head = " & ".join(math.get(c, _latex_text(COLUMNS[c])) for c in columns)
        body = [" & ".join(_latex_text(r.text(c)) for c in columns) for r in self.rows]
        return (
            r"$$\begin{array}{"
            + "l" * len(columns)
            + "}"
            + head
            + r"\\ \hline "
            + r" \\ ".join(body)
            + r"\end{array}$$"
        )
