r"""A brute-force oracle for issue-linkage games: subgame perfection decided by walking the automaton.

This module is a *test oracle*. It judges the questions the engine answers in closed form, from
first principles and with exact :class:`fractions.Fraction` arithmetic, and it deliberately imports
nothing from :mod:`linkage.engine` (only the data model, :mod:`linkage.model`). It never uses a
closed-form threshold: every value is obtained by following the strategy automaton.

Interface
=========

.. code-block:: python

    from oracle import OracleError, OracleResult, Violation, best_package, check

    check(game, delta=None, *, deltas=None, package=None) -> OracleResult
    best_package(game, delta=None, *, deltas=None) -> tuple[str, ...]

``check``
    Decides, for every player, whether the strategy profile ``game.strategy`` with linkage
    ``game.linkage`` is a subgame-perfect equilibrium (one-shot deviation principle at every
    reachable state) and whether it is immune to deviations on the path (initial state only).

    * ``delta``: a common discount factor (``int``, ``Fraction``, ``float`` read as its shortest
      decimal, a string such as ``"11/20"``, or a rational sympy number) overriding
      ``game.discount``.
    * ``deltas``: a callable ``deltas(player, domain_id) -> rational`` giving a discount factor
      per player *and* per domain (each domain's payoff stream is discounted with its own factor).
      Mutually exclusive with ``delta``. Without either, ``game.discount.of(player)`` is used for
      every domain.
    * ``package``: an iterable of domain ids (default: every domain). Only these domains are
      cooperated on; the others stay at stage Nash forever, are never deviable and never
      triggered (every :math:`L_i(k)` is intersected with the package). Their payoffs cancel on
      both sides of every comparison, so they are left out of all values.

    Every discount factor must be a rational in ``[0, 1)`` and every payoff that is used a
    rational number; anything else (symbols, radicals) raises :class:`OracleError`.

``OracleResult`` (frozen dataclass)
    * ``holds[player]``: ``True`` iff the player has no strictly profitable one-shot deviation at
      any reachable state;
    * ``on_path[player]``: ``True`` iff none at the initial state (so ``holds`` implies
      ``on_path``);
    * ``witness[player]``: one :class:`Violation`, or ``None`` when ``holds[player]``;
    * ``states``: the number of reachable states examined (the initial state included).

``Violation`` (frozen dataclass)
    * ``state``: the state, readable (see *States* below);
    * ``player``: the deviator;
    * ``deviation``: ``frozenset`` of the domain ids where the player leaves the prescribed action;
    * ``gain``: deviation value minus prescribed value, a ``Fraction``, always ``> 0``;
    * ``depth`` (extra field): the number of periods with a deviation needed to reach ``state``
      (0 = the initial state, so ``on_path[p]`` is ``witness[p] is None or witness[p].depth > 0``).

    The witness is chosen deterministically: the violation at the *smallest depth*, then with the
    *largest gain*, then at the first state in breadth-first order, then with the fewest
    domains, then the lexicographically smallest tuple of domain indices. Depth and gain of the
    witness therefore do not depend on how domains and players are named or ordered.

``best_package``
    Exhaustive search over all subsets ``A`` of ``game.domain_ids`` (the empty package included)
    for which ``check(game, ..., package=A).holds`` is ``True`` for every player; maximises the
    joint surplus :math:`\sum_{k\in A}\sum_i (C_{ik} - N_{ik})`; ties go to more domains, then to
    the lexicographically smallest tuple of domain indices (positions in ``game.domain_ids``).
    Returns the ids in ``game.domain_ids`` order.

Semantics
=========

Stage payoffs are separable. A deviation by player ``i`` in the set ``S`` triggers punishment in
:math:`M_i(S)=\bigcup_{k\in S} L_i(k)` with :math:`L_i(k)` =
``game.linkage.punished(i, k, game.domain_ids)`` intersected with the package (it must contain
``k``). Simultaneous deviations trigger the union of the players' sets.

*States* (``Violation.state``):

* grim trigger: ``frozenset`` of punished domain ids (initially empty). Play: cooperation outside,
  stage Nash inside. Transition: :math:`P' = P \cup \text{triggered}`.
* T-period reversion: ``tuple`` of ``(domain_id, tau)`` for the domains with ``tau >= 1`` (in
  ``game.domain_ids`` order; ``()`` initially). ``tau >= 1`` means stage Nash now and for
  ``tau - 1`` more periods. Transition: ``tau' = T`` if triggered, else ``max(tau - 1, 0)``.
* stick-and-carrot: ``frozenset`` of the domains in the stick this period (payoff ``P``);
  cooperation elsewhere. Transition: ``Q' = triggered`` (one period of stick, restarted by any
  deviation, including one from the stick itself).

Deviable domains: grim and T-period, the cooperating domains of the package (leaving the stage
Nash profile gains nothing and triggers nothing); stick-and-carrot, every package domain (``DP``
instead of ``P`` inside the stick, ``D`` instead of ``C`` outside). Gains are **not** clamped:
``D - C < 0`` is a legal deviation that may pay through the punishment it triggers. Every
nonempty subset of the deviable domains is tried.

Reachable states: breadth-first search from the initial state over every joint profile of
deviation sets (each player any subset of the deviable domains, simultaneously). Values: for
every reachable state ``x``, :math:`V_{ik}(x) = u_{ik}(x) + \delta_{ik} V_{ik}(\text{next}(x))`
along the deterministic no-deviation path, solved exactly when the path closes a cycle (a fixed
point for the three built-in automata). A deviation ``S`` by ``i`` at ``x`` is profitable iff
:math:`\sum_k [u_{ik}(x,S) + \delta_{ik} V_{ik}(x_S)] > \sum_k V_{ik}(x)` strictly, with ``x_S``
the successor under the triggered set :math:`M_i(S)`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations
from typing import Any

import sympy

from linkage.model import Game, GrimTrigger, StickAndCarrot, TPeriodReversion

__all__ = ["OracleError", "OracleResult", "Violation", "best_package", "check"]


class OracleError(ValueError):
    """The oracle cannot judge this input (non-rational value, bad discount factor, unknown id)."""


@dataclass(frozen=True)
class Violation:
    """A strictly profitable one-shot deviation at a reachable state."""

    state: object
    player: str
    deviation: frozenset[str]
    gain: Fraction
    depth: int = 0


@dataclass(frozen=True)
class OracleResult:
    """Per-player verdicts of :func:`check`."""

    holds: dict[str, bool]
    on_path: dict[str, bool]
    witness: dict[str, Violation | None]
    states: int


# --------------------------------------------------------------------------------------------
# exact numbers


def to_fraction(value: Any, what: str = "value") -> Fraction:
    """An exact rational from an int, Fraction, float (shortest decimal), str or rational sympy number."""
    if isinstance(value, bool):
        raise OracleError(f"{what}: expected a rational number, got a boolean")
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise OracleError(f"{what}: not finite: {value}")
        return Fraction(repr(value))
    if isinstance(value, str):
        try:
            return Fraction(value.strip())
        except (ValueError, ZeroDivisionError):
            raise OracleError(f"{what}: not a rational number: {value!r}") from None
    if isinstance(value, sympy.Basic):
        if isinstance(value, sympy.Rational):  # Integer, Rational, and the singletons 0, 1, 1/2
            return Fraction(int(value.p), int(value.q))
        if isinstance(value, sympy.Float):
            return Fraction(str(value))
        raise OracleError(
            f"{what}: the oracle needs exact rational numbers, got {value} "
            f"(symbols and irrational numbers are not supported)"
        )
    raise OracleError(f"{what}: expected a rational number, got {type(value).__name__}")


def _discount_factor(value: Any, what: str) -> Fraction:
    d = to_fraction(value, what)
    if not (0 <= d < 1):
        raise OracleError(f"{what}: discount factor must lie in [0, 1), got {d}")
    return d


# --------------------------------------------------------------------------------------------
# the automata
#
# Internally, states are ints (bit masks over the package domains: grim, stick-and-carrot) or
# tuples of counters (T-period reversion). Bit j stands for the j-th package domain.


class _Automaton:
    kind: str

    def __init__(self, n: int) -> None:
        self.n = n
        self.full = (1 << n) - 1

    initial: Any

    def deviable(self, x: Any) -> int:  # mask of domains where a deviation is possible
        raise NotImplementedError

    def step(self, x: Any, triggered: int) -> Any:
        raise NotImplementedError

    def regime(self, x: Any) -> int:  # mask of domains in the "punishment" regime (N or P)
        raise NotImplementedError


class _Grim(_Automaton):
    kind = "grim"
    initial = 0

    def deviable(self, x: int) -> int:
        return self.full & ~x

    def step(self, x: int, triggered: int) -> int:
        return x | triggered

    def regime(self, x: int) -> int:
        return x


class _TPeriod(_Automaton):
    kind = "t_period"

    def __init__(self, n: int, periods: int) -> None:
        super().__init__(n)
        self.T = periods
        self.initial = (0,) * n

    def deviable(self, x: tuple[int, ...]) -> int:
        m = 0
        for j, tau in enumerate(x):
            if tau == 0:
                m |= 1 << j
        return m

    def step(self, x: tuple[int, ...], triggered: int) -> tuple[int, ...]:
        T = self.T
        return tuple(
            T if (triggered >> j) & 1 else (tau - 1 if tau > 0 else 0) for j, tau in enumerate(x)
        )

    def regime(self, x: tuple[int, ...]) -> int:
        return self.full & ~self.deviable(x)


class _Stick(_Automaton):
    kind = "stick_carrot"
    initial = 0

    def deviable(self, x: int) -> int:
        return self.full

    def step(self, x: int, triggered: int) -> int:
        return triggered

    def regime(self, x: int) -> int:
        return x


def _automaton(game: Game, n: int) -> _Automaton:
    s = game.strategy
    # Exact types: a plugin subclass could change the meaning, so refuse rather than guess.
    if type(s) is GrimTrigger:
        return _Grim(n)
    if type(s) is TPeriodReversion:
        return _TPeriod(n, int(s.periods))
    if type(s) is StickAndCarrot:
        return _Stick(n)
    raise OracleError(f"the oracle knows grim, T-period and stick-and-carrot, not {s!r}")


# --------------------------------------------------------------------------------------------
# helpers on bit masks


def _submasks(mask: int) -> list[int]:
    """Every nonempty submask of ``mask``, in increasing numeric order."""
    out = []
    s = mask
    while s:
        out.append(s)
        s = (s - 1) & mask
    out.reverse()
    return out


def _bits(mask: int) -> list[int]:
    return [j for j in range(mask.bit_length()) if (mask >> j) & 1]


def _subset_sums(vector: list[Fraction]) -> list[Fraction]:
    """``sums[S] = sum(vector[j] for j in S)`` for every mask ``S``."""
    sums = [Fraction(0)] * (1 << len(vector))
    for s in range(1, len(sums)):
        low = s & -s
        sums[s] = sums[s ^ low] + vector[low.bit_length() - 1]
    return sums


def _subset_unions(vector: list[int]) -> list[int]:
    unions = [0] * (1 << len(vector))
    for s in range(1, len(unions)):
        low = s & -s
        unions[s] = unions[s ^ low] | vector[low.bit_length() - 1]
    return unions


# --------------------------------------------------------------------------------------------
# check


def _deltas(
    game: Game, delta: Any, deltas: Callable[[str, str], Any] | None, ids: tuple[str, ...]
) -> dict[str, list[Fraction]]:
    if delta is not None and deltas is not None:
        raise OracleError("give either a common delta or per-domain deltas, not both")
    out: dict[str, list[Fraction]] = {}
    if delta is not None:
        d = _discount_factor(delta, "delta")
        return {p: [d] * len(ids) for p in game.players}
    for p in game.players:
        if deltas is not None:
            out[p] = [_discount_factor(deltas(p, k), f"delta of {p} in {k}") for k in ids]
        else:
            d = _discount_factor(game.discount.of(p), f"delta of {p}")
            out[p] = [d] * len(ids)
    return out


def _package(game: Game, package: Iterable[str] | None) -> tuple[str, ...]:
    all_ids = game.domain_ids
    if package is None:
        return all_ids
    if isinstance(package, str):
        raise OracleError(f"package must be an iterable of domain ids, got the string {package!r}")
    wanted = set(package)
    unknown = wanted - set(all_ids)
    if unknown:
        raise OracleError(f"package names unknown domain(s): {sorted(unknown)}")
    return tuple(k for k in all_ids if k in wanted)


def _readable(auto: _Automaton, x: Any, ids: tuple[str, ...]) -> object:
    if isinstance(auto, _TPeriod):
        return tuple((ids[j], tau) for j, tau in enumerate(x) if tau > 0)
    return frozenset(ids[j] for j in _bits(x))


def check(
    game: Game,
    delta: Any = None,
    *,
    deltas: Callable[[str, str], Any] | None = None,
    package: Iterable[str] | None = None,
) -> OracleResult:
    """Subgame perfection (and on-path immunity) of ``game.strategy`` for every player.

    See the module docstring for the exact semantics.
    """
    ids = _package(game, package)
    n = len(ids)
    players = tuple(game.players)
    auto = _automaton(game, n)
    disc = _deltas(game, delta, deltas, ids)
    all_ids = game.domain_ids
    pos = {k: j for j, k in enumerate(ids)}

    # --- payoffs (only the package domains; the others cancel) ---------------------------------
    coop: dict[str, list[Fraction]] = {}  # payoff in the cooperative regime
    pun: dict[str, list[Fraction]] = {}  # payoff in the punishment regime (N, or P for the stick)
    dev_coop: dict[str, list[Fraction]] = {}  # deviation payoff from cooperation: D
    dev_pun: dict[str, list[Fraction]] = {}  # deviation payoff from the stick: DP
    for p in players:
        coop[p], pun[p], dev_coop[p], dev_pun[p] = [], [], [], []
        for k in ids:
            sp = game.domain(k).payoffs[p]
            coop[p].append(to_fraction(sp.C, f"C of {p} in {k}"))
            dev_coop[p].append(to_fraction(sp.D, f"D of {p} in {k}"))
            if isinstance(auto, _Stick):
                if sp.P is None or sp.DP is None:
                    raise OracleError(f"stick-and-carrot needs P and DP ({p} in {k})")
                pun[p].append(to_fraction(sp.P, f"P of {p} in {k}"))
                dev_pun[p].append(to_fraction(sp.DP, f"DP of {p} in {k}"))
            else:
                pun[p].append(to_fraction(sp.N, f"N of {p} in {k}"))
                dev_pun[p].append(pun[p][-1])  # never used: punished domains are not deviable

    # --- linkage: L_i(k) as masks over the package --------------------------------------------
    link: dict[str, list[int]] = {}
    for p in players:
        row = []
        for k in ids:
            lk = game.linkage.punished(p, k, all_ids)
            if k not in lk:
                raise OracleError(f"L_{p}({k}) = {sorted(lk)} does not contain {k}")
            m = 0
            for d in lk:
                if d in pos:
                    m |= 1 << pos[d]
            row.append(m)
        link[p] = row
    trig = {p: _subset_unions(link[p]) for p in players}  # M_i(S) for every mask S

    # --- reachable states (breadth first, deterministic order) --------------------------------
    joint_cache: dict[int, list[int]] = {}

    def joint_triggers(dv: int) -> list[int]:
        """Every triggered set a joint profile of deviation sets within ``dv`` can cause."""
        if dv not in joint_cache:
            acc = {0}
            subs = [0, *_submasks(dv)]
            for p in players:
                own = {trig[p][s] for s in subs}
                acc = {a | b for a in acc for b in own}
            joint_cache[dv] = sorted(acc)
        return joint_cache[dv]

    succ: dict[tuple[Any, int], Any] = {}

    def step(x: Any, m: int) -> Any:
        key = (x, m)
        y = succ.get(key)
        if y is None:
            y = succ[key] = auto.step(x, m)
        return y

    order: list[Any] = [auto.initial]
    depth: dict[Any, int] = {auto.initial: 0}
    head = 0
    while head < len(order):
        x = order[head]
        head += 1
        for m in joint_triggers(auto.deviable(x)):
            y = step(x, m)
            if y not in depth:
                depth[y] = depth[x] + 1
                order.append(y)

    # --- values along the no-deviation path ---------------------------------------------------
    # value[x][p] = list over package domains of V_pk(x); solved exactly on the path's cycle.
    value: dict[Any, dict[str, list[Fraction]]] = {}

    def stage(x: Any, p: str) -> list[Fraction]:
        r = auto.regime(x)
        return [pun[p][j] if (r >> j) & 1 else coop[p][j] for j in range(n)]

    for start in order:
        if start in value:
            continue
        path: list[Any] = []
        seen: dict[Any, int] = {}
        x = start
        while x not in value and x not in seen:
            seen[x] = len(path)
            path.append(x)
            x = step(x, 0)
        if x in value:
            cut = len(path)  # reached a state with a known value: back-propagate from it
        else:
            cut = seen[x]  # path[cut:] is a cycle: V(x_c) = sum_t d^t u(x_{c+t}) / (1 - d^L)
            cycle = path[cut:]
            length = len(cycle)
            for c in cycle:
                value[c] = {p: [Fraction(0)] * n for p in players}
            for p in players:
                us = [stage(c, p) for c in cycle]
                for j in range(n):
                    d = disc[p][j]
                    # V at cycle[0], then the others by the recursion backwards
                    total = Fraction(0)
                    w = Fraction(1)
                    for t in range(length):
                        total += w * us[t][j]
                        w *= d
                    v0 = total / (1 - w)
                    vals = [Fraction(0)] * length
                    vals[0] = v0
                    nxt = v0
                    for t in range(length - 1, 0, -1):
                        nxt = us[t][j] + d * nxt
                        vals[t] = nxt
                    for t, c in enumerate(cycle):
                        value[c][p][j] = vals[t]
        for x in reversed(path[:cut]):
            nx = step(x, 0)
            value[x] = {
                p: [u + disc[p][j] * value[nx][p][j] for j, u in enumerate(stage(x, p))]
                for p in players
            }

    # --- everything in integers over one common denominator ----------------------------------
    # W_p(y) = sum_k delta_pk V_pk(y): the discounted continuation value of landing in y.
    cont = {
        p: {y: sum((disc[p][j] * v for j, v in enumerate(value[y][p])), Fraction(0)) for y in order}
        for p in players
    }
    gain_coop = {p: _subset_sums([dev_coop[p][j] - coop[p][j] for j in range(n)]) for p in players}
    gain_pun = {p: _subset_sums([dev_pun[p][j] - pun[p][j] for j in range(n)]) for p in players}
    denoms = [f.denominator for p in players for f in cont[p].values()]
    denoms += [f.denominator for p in players for f in gain_coop[p]]
    denoms += [f.denominator for p in players for f in gain_pun[p]]
    scale = math.lcm(1, *denoms)
    icont = {p: {y: int(f * scale) for y, f in cont[p].items()} for p in players}
    igc = {p: [int(f * scale) for f in gain_coop[p]] for p in players}
    igp = {p: [int(f * scale) for f in gain_pun[p]] for p in players}

    # --- the one-shot deviation check ---------------------------------------------------------
    stick = isinstance(auto, _Stick)
    best: dict[str, tuple | None] = {p: None for p in players}  # (key, violation data)
    done_depth: dict[str, int | None] = {p: None for p in players}
    for index, x in enumerate(order):
        dx = depth[x]
        dv = auto.deviable(x)
        if not dv:
            continue
        subs = _submasks(dv)
        regime = auto.regime(x)
        stay = step(x, 0)
        for p in players:
            if done_depth[p] is not None and dx > done_depth[p]:
                continue
            base = icont[p][stay]
            tp, gc, gp, cp = trig[p], igc[p], igp[p], icont[p]
            for s in subs:
                now = gc[s & ~regime] + gp[s & regime] if stick else gc[s]
                g = now + cp[step(x, tp[s])] - base
                if g > 0:
                    key = (dx, -g, index, s.bit_count(), tuple(_bits(s)))
                    if best[p] is None or key < best[p][0]:
                        best[p] = (key, x, s, g)
                    done_depth[p] = dx

    witness: dict[str, Violation | None] = {}
    for p in players:
        if best[p] is None:
            witness[p] = None
            continue
        (_, x, s, g) = best[p]
        witness[p] = Violation(
            state=_readable(auto, x, ids),
            player=p,
            deviation=frozenset(ids[j] for j in _bits(s)),
            gain=Fraction(g, scale),
            depth=depth[x],
        )
    return OracleResult(
        holds={p: witness[p] is None for p in players},
        on_path={p: witness[p] is None or witness[p].depth > 0 for p in players},
        witness=witness,
        states=len(order),
    )


# --------------------------------------------------------------------------------------------
# best package


def best_package(
    game: Game, delta: Any = None, *, deltas: Callable[[str, str], Any] | None = None
) -> tuple[str, ...]:
    """The subgame-perfect package with the largest joint surplus (see the module docstring)."""
    ids = game.domain_ids
    surplus = []
    for k in ids:
        total = Fraction(0)
        for p in game.players:
            sp = game.domain(k).payoffs[p]
            total += to_fraction(sp.C, f"C of {p} in {k}") - to_fraction(sp.N, f"N of {p} in {k}")
        surplus.append(total)
    best_key: tuple | None = None
    best: tuple[int, ...] = ()
    for size in range(len(ids) + 1):
        for idx in combinations(range(len(ids)), size):  # lexicographic within a size
            result = check(game, delta, deltas=deltas, package=[ids[j] for j in idx])
            if not all(result.holds.values()):
                continue
            # maximise surplus, then size; then lexicographically smallest index tuple
            key = (-sum((surplus[j] for j in idx), Fraction(0)), -size, idx)
            if best_key is None or key < best_key:
                best_key, best = key, idx
    return tuple(ids[j] for j in best)
