"""Test helpers for plugin authors: a clean plugin host and a conformance check for domain models.

This module is opt-in. Enable it in a ``conftest.py`` (or a test module)::

    pytest_plugins = ["linkage.testing"]

and use the fixtures and helpers::

    from linkage.testing import assert_valid_domain_model, registered

    def test_my_pack(linkage_host):
        with registered(linkage_host, my_pack) as record:
            assert record.status == "ok"
            model = linkage_host.lookup("domain_models", "my_pack.model")
            assert_valid_domain_model(model)

``assert_valid_domain_model`` is the conformance check the built-in packs pass. It checks that:

* the model has a title and a description, and every parameter has a description, a unit and a
  source;
* the defaults and range ends are exact numbers, and each default lies inside its range;
* ``build`` returns exact values (no floats) for every role;
* ``payoffs(symbolic=True)`` is closed-form in the model's own parameter symbols only;
* the numeric payoffs equal the symbolic ones with the defaults substituted (exactly, via
  ``sympy.simplify``);
* each role's separate grim threshold is well formed at the defaults and at each end of every
  ranged parameter: the status is "threshold", "always" or "never", and a threshold is an exact
  number in [0, 1].

The helpers raise :class:`AssertionError` with their own messages, so the module is not
assertion-rewritten (PYTEST_DONT_REWRITE): it may be imported before pytest loads it as a plugin.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import sympy

from linkage.engine.condition import critical_delta
from linkage.engine.threshold import is_ge
from linkage.model.payoffs import PAYOFF_NAMES, StagePayoffs
from linkage.models import DomainModel
from linkage.plugins.manager import PluginHost, PluginRecord

try:  # pytest is only needed for the fixtures; the helpers work without it
    import pytest
except ImportError:  # pragma: no cover - exercised only where pytest is absent
    pytest = None  # type: ignore[assignment]

__all__ = ["assert_valid_domain_model", "registered"]

STATUSES = ("threshold", "always", "never")


# -- registering plugins for the duration of a test ------------------------------------------


@contextmanager
def registered(
    host: PluginHost, plugin: object, name: str | None = None, *, strict: bool = True
) -> Iterator[PluginRecord]:
    """Register ``plugin`` (a module or any object with hookimpls) on ``host`` for a ``with`` block.

    Yields the plugin's :class:`~linkage.plugins.manager.PluginRecord`, and unregisters the plugin
    and everything it contributed when the block ends, even if the block raises. With ``strict``
    (the default) a plugin that fails to register raises :class:`AssertionError` with the
    plugin's error; pass ``strict=False`` to test a failing plugin and inspect ``record.status``.
    """
    record = host.register(plugin, name)
    try:
        if strict and record.status != "ok":
            raise AssertionError(f"plugin {record.name!r} failed to register: {record.error}")
        yield record
    finally:
        host.unregister(record.name)


# -- the conformance check ----------------------------------------------------------------------


def _is_exact_number(value: Any) -> bool:
    return bool(isinstance(value, sympy.Expr) and value.is_number and not value.has(sympy.Float))


def _has_float(value: Any) -> bool:
    if isinstance(value, float):
        return True
    if isinstance(value, sympy.Basic):
        return bool(value.has(sympy.Float))
    return False


def _raw_values(built: Any) -> dict[tuple[str, str], Any]:
    """The raw ``(role, payoff name) -> value`` pairs a ``build`` returned, before conversion."""
    out: dict[tuple[str, str], Any] = {}
    for role, payoffs in dict(built).items():
        if isinstance(payoffs, StagePayoffs):
            items = payoffs.as_dict().items()
        else:
            items = dict(payoffs).items()
        for key, value in items:
            out[(str(role), str(key))] = value
    return out


class _Problems:
    def __init__(self, model: DomainModel) -> None:
        self.model_id = getattr(model, "id", repr(model))
        self.items: list[str] = []

    def add(self, message: str) -> None:
        self.items.append(message)

    def raise_if_any(self) -> None:
        if self.items:
            lines = "\n".join(f"  - {m}" for m in self.items)
            raise AssertionError(
                f"domain model {self.model_id!r} fails the conformance check "
                f"({len(self.items)} problem(s)):\n{lines}"
            )


def _check_documentation(model: DomainModel, problems: _Problems) -> None:
    if not str(model.title).strip():
        problems.add("the model has no title")
    if not str(model.description).strip():
        problems.add("the model has no description")
    if not model.parameters:
        problems.add("the model has no parameters")
    for p in model.parameters:
        where = f"parameter {p.name!r}"
        if not str(p.description).strip():
            problems.add(f"{where} has no description")
        if not str(p.unit).strip():
            problems.add(f"{where} has no unit")
        if not str(p.source).strip():
            problems.add(f"{where} has no source (name the figure's source and tag it [S]/[D]/[E])")
        for label, value in (("default", p.default), ("low", p.low), ("high", p.high)):
            if value is not None and not _is_exact_number(value):
                problems.add(f"{where}: {label} {value!r} is not an exact number")
        if _is_exact_number(p.default) and not p.in_range(p.default):
            problems.add(f"{where}: default {p.default} is outside [{p.low}, {p.high}]")


def _check_build(
    model: DomainModel, values: Mapping[str, sympy.Expr], label: str, problems: _Problems
) -> bool:
    """Call ``build`` directly and look at its raw output (before StagePayoffs converts floats)."""
    try:
        built = model.build(dict(values))
        raw = _raw_values(built)
    except Exception as exc:
        problems.add(f"build failed {label}: {type(exc).__name__}: {exc}")
        return False
    roles = {role for role, _ in raw}
    for role in model.roles:
        if role not in roles:
            problems.add(f"build {label} returned no payoffs for role {role!r}")
    for role in sorted(roles - set(model.roles)):
        problems.add(f"build {label} returned payoffs for unknown role {role!r}")
    for (role, key), value in raw.items():
        if key not in PAYOFF_NAMES:
            problems.add(f"build {label}: role {role!r} has unknown payoff {key!r}")
        if _has_float(value):
            problems.add(
                f"build {label}: {role}.{key} = {value!r} contains a float (use exact numbers)"
            )
    return True


def _payoffs(
    model: DomainModel,
    overrides: Mapping[str, Any] | None,
    label: str,
    problems: _Problems,
    *,
    symbolic: bool = False,
) -> dict[str, StagePayoffs] | None:
    try:
        payoffs = model.payoffs(overrides, symbolic=symbolic)
    except Exception as exc:
        problems.add(f"payoffs {label} failed: {type(exc).__name__}: {exc}")
        return None
    ok = True
    for role in model.roles:
        p = payoffs.get(role)
        if not isinstance(p, StagePayoffs):
            problems.add(f"payoffs {label}: role {role!r} has no StagePayoffs (got {p!r})")
            ok = False
            continue
        if symbolic:
            continue
        for key, value in p.as_dict().items():
            if not _is_exact_number(value):
                problems.add(f"payoffs {label}: {role}.{key} = {value} is not an exact number")
                ok = False
    return payoffs if ok else None


def _check_thresholds(payoffs: Mapping[str, StagePayoffs], label: str, problems: _Problems) -> None:
    for role, p in payoffs.items():
        where = f"grim threshold of role {role!r} {label}"
        try:
            t = critical_delta("grim", p.temptation, p.stake)
        except Exception as exc:
            problems.add(f"{where} failed: {type(exc).__name__}: {exc}")
            continue
        if t.status not in STATUSES:
            problems.add(f"{where} has status {t.status!r}, expected one of {', '.join(STATUSES)}")
            continue
        if t.status == "never":
            continue
        if t.exact is None or not _is_exact_number(t.exact):
            problems.add(f"{where} ({t.status}) is not an exact number: {t.exact!r}")
            continue
        if t.status == "always" and not t.exact.is_zero:
            problems.add(f"{where} is 'always' but its value is {t.exact}, not 0")
        try:
            inside = is_ge(t.exact, sympy.Integer(0)) and is_ge(sympy.Integer(1), t.exact)
        except ValueError as exc:
            problems.add(f"{where}: cannot compare {t.exact} with [0, 1]: {exc}")
            continue
        if not inside:
            problems.add(f"{where} = {t.exact} is outside [0, 1]")


def _check_round_trip(
    numeric: Mapping[str, StagePayoffs],
    symbolic: Mapping[str, StagePayoffs],
    subs: Mapping[sympy.Symbol, sympy.Expr],
    label: str,
    problems: _Problems,
) -> None:
    for role, p in numeric.items():
        s = symbolic.get(role)
        if s is None:
            continue
        for key, value in p.as_dict().items():
            sym = getattr(s, key)
            if sym is None:
                problems.add(f"{role}.{key} is built {label} but not symbolically")
                continue
            try:
                same = sympy.simplify(sym.subs(subs) - value) == 0
            except Exception as exc:
                problems.add(
                    f"round trip of {role}.{key} {label} failed: {type(exc).__name__}: {exc}"
                )
                continue
            if not same:
                problems.add(
                    f"{role}.{key} {label} is {value}, but the symbolic payoff {sym} gives "
                    f"{sympy.simplify(sym.subs(subs))}"
                )


def assert_valid_domain_model(model: DomainModel) -> None:
    """The conformance check for a :class:`~linkage.models.DomainModel` (see the module docstring).

    Raises :class:`AssertionError` that names the model and lists every problem found.
    """
    if not isinstance(model, DomainModel):
        raise AssertionError(f"{model!r} is not a linkage.models.DomainModel")
    problems = _Problems(model)
    _check_documentation(model, problems)
    symbols = model.symbols
    defaults = {p.name: p.default for p in model.parameters}

    # Closed form: the raw build output and the symbolic payoffs use only the model's symbols.
    _check_build(model, symbols, "with symbolic parameters", problems)
    symbolic = _payoffs(model, None, "with symbolic parameters", problems, symbolic=True)
    if symbolic is not None:
        allowed = set(symbols.values())
        for role, p in symbolic.items():
            extra = p.free_symbols - allowed
            if extra:
                names = ", ".join(sorted(str(s) for s in extra))
                problems.add(f"symbolic payoffs of role {role!r} use unknown symbols: {names}")

    # At the defaults, and at each end of every ranged parameter (one at a time).
    cases: list[tuple[str, dict[str, sympy.Expr]]] = [("at the defaults", {})]
    for param in model.parameters:
        for end, value in (("low", param.low), ("high", param.high)):
            if value is not None and _is_exact_number(value):
                cases.append((f"at {param.name} = {value} ({end} end)", {param.name: value}))
    for label, overrides in cases:
        values = {**defaults, **overrides}
        if not _check_build(model, values, label, problems):
            continue
        numeric = _payoffs(model, overrides, label, problems)
        if numeric is None:
            continue
        if symbolic is not None:
            subs = {symbols[name]: v for name, v in values.items()}
            _check_round_trip(numeric, symbolic, subs, label, problems)
        _check_thresholds(numeric, label, problems)
    problems.raise_if_any()


# -- pytest fixtures ------------------------------------------------------------------------------

if pytest is not None:

    @pytest.fixture
    def linkage_host() -> PluginHost:
        """A fresh plugin host with the core's built-ins only (no entry points are loaded)."""
        return PluginHost(autoload=False, trace=False)

    @pytest.fixture
    def linkage_conformance() -> Callable[[DomainModel], None]:
        """The conformance check :func:`assert_valid_domain_model`, as a fixture."""
        return assert_valid_domain_model
