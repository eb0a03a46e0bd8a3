r"""Subgame-perfect thresholds of games with numbers, all deviations at once over bit masks.

The same constraints as :mod:`linkage.engine.constraints` (read it first), evaluated for every
deviation set of a component in numpy arrays instead of one by one, for grim trigger and
:math:`T`-period reversion when the player's stakes in the component are non-negative (see the
end for concessions):

* domains that share their punishment set and the sets of members they belong to form a
  **module**; the worst deviation touches a module with all of its gainful domains or not at all,
  so deviations are enumerated over modules with a positive gain (and over those whose
  punishment holds a concession, each by its domain of least loss);
* for each deviation :math:`S` the worst reachable state is the union :math:`P^*(S)` of the
  members avoiding :math:`S` (every domain of it already punished, or just punished for
  :math:`T` periods); the fresh punishment is :math:`M(S) \setminus P^*(S)` and the restarted one
  :math:`M(S) \cap P^*(S)`;
* gains and stakes are scaled to integers, sums are built by doubling over the modules, stakes of
  a set are read from two lookup tables of half the bits.

The threshold is the largest over deviations, found in floats and then **decided exactly** among
the candidates within a relative tolerance of the top; the deviations that decide it are returned,
so that the caller can build their exact constraints. :func:`spe` returns ``None`` where this path
does not apply (symbols, stick-and-carrot, a concession under :math:`T`-period punishment or
among more than :data:`MAX_MEMBERS` members, numbers too large for 64 bits); the caller then
enumerates constraints one by one.

A negative stake (a concession, :math:`C < N`) is allowed under grim trigger: the worst state of
each deviation is then the union of members avoiding it that removes the most stake (searched
over the unions of up to :data:`MAX_MEMBERS` members), and the path applies when no deviation
without a gain loses a negative stake (every constraint is then a lower bound on delta).
"""

from __future__ import annotations

from fractions import Fraction
from math import lcm

import numpy as np
import sympy

from linkage.engine.states import Masks, bits
from linkage.errors import TooLargeError

MAX_MODULES = 22
"""Largest number of gainful modules in one component enumerated at once (2^22 deviations)."""

MAX_MEMBERS = 12
"""With a concession, the most members whose unions are searched for the worst state at once."""

TOLERANCE = 1e-9
"""Deviations whose float threshold is within this (relative) of the top are decided exactly."""

_LIMIT = 2**62


def _fraction(x: sympy.Expr) -> Fraction:
    return Fraction(int(x.p), int(x.q))


def spe(
    masks: Masks,
    player: str,
    gains: list[sympy.Expr],
    stakes: list[sympy.Expr],
    periods: int | None,
    on_path: bool,
) -> list[tuple[int, int]] | None:
    """The (deviation, state) pairs that decide ``player``'s threshold: for each component, the
    deviations whose threshold is the component's largest (a ``never`` one if any). ``periods``
    is ``None`` for grim trigger, else :math:`T`. ``None`` when this path does not apply."""
    if not all(x.is_Rational for x in (*gains, *stakes)):
        return None
    negative = sum(1 << k for k, b in enumerate(stakes) if b < 0)
    if negative and periods is not None:
        return None
    a = [_fraction(x) for x in gains]
    b = [_fraction(x) for x in stakes]
    scale = lcm(*(x.denominator for x in (*a, *b)))
    ai = [int(x * scale) for x in a]
    bi = [int(x * scale) for x in b]
    if (sum(abs(x) for x in ai) + sum(abs(x) for x in bi)) * max(2, periods or 1) >= _LIMIT:
        return None
    out: list[tuple[int, int]] = []
    for component in masks.components:
        decided = _component(masks, player, component, ai, bi, periods, on_path, negative)
        if decided is None:
            return None
        out += decided
    return out


def _component(
    masks: Masks,
    player: str,
    component: int,
    a: list[int],
    b: list[int],
    periods: int | None,
    on_path: bool,
    negative: int = 0,
) -> list[tuple[int, int]] | None:
    L = masks.L[player]
    members = [m for m in masks.members if m & component]
    keys: dict[tuple[int, tuple[int, ...]], list[int]] = {}
    for k in bits(component):
        keys.setdefault((L[k], tuple(i for i, m in enumerate(members) if m >> k & 1)), []).append(k)
    modules: dict[tuple[int, tuple[int, ...]], int] = {}
    for key, ks in keys.items():
        gainful = sum(1 << k for k in ks if a[k] > 0)
        if gainful:
            modules[key] = gainful
        elif key[0] & negative:  # it triggers a punishment the player prefers: the least loss
            modules[key] = 1 << max(ks, key=lambda k: a[k])
    if not modules:
        return [(1 << next(bits(component)), 0)]  # nothing gains: one deviation that holds
    if len(modules) > MAX_MODULES:
        raise TooLargeError(
            f"{len(modules)} groups of domains with a temptation are tied together for {player}: "
            f"the exact check enumerates 2^{len(modules)} deviations (limit 2^{MAX_MODULES})"
        )
    n = len(modules)
    touch = np.zeros(1 << n, dtype=np.int64)
    punish = np.zeros(1 << n, dtype=np.int64)
    gain = np.zeros(1 << n, dtype=np.int64)
    for j, ((Lm, _), domains) in enumerate(modules.items()):
        size = 1 << j
        touch[size : 2 * size] = touch[:size] | domains
        punish[size : 2 * size] = punish[:size] | Lm
        gain[size : 2 * size] = gain[:size] + sum(a[k] for k in bits(domains))
    state = np.zeros(1 << n, dtype=np.int64)
    if not on_path:
        worst = _worst_states(touch, punish, members, b, negative)
        if worst is None:
            return None
        state = worst
    fresh = _stake(punish & ~state, b)
    again = _stake(state, b) if periods is not None else np.zeros_like(fresh)
    S = np.arange(1, 1 << n)
    ga, bf, br = gain[S], fresh[S], again[S]
    if negative and np.any((ga <= 0) & (bf < 0)):
        return None  # a deviation that pays only for an impatient player: an upper bound
    lower = _grim(ga, bf) if periods is None else _t_period(ga, bf, br, periods)
    top = np.nanmax(lower)
    if top == np.inf:
        chosen = S[lower == np.inf][:1]
    else:
        chosen = S[lower >= top - TOLERANCE * max(top, 1e-300)]
    return [(int(touch[s]), int(state[s])) for s in chosen]


def _worst_states(
    touch: np.ndarray, punish: np.ndarray, members: list[int], b: list[int], negative: int
) -> np.ndarray | None:
    """For every deviation, its worst reachable state: the union of the members it avoids (its
    punished part); with a concession, the union of avoiding members that removes the most stake
    (``None`` beyond :data:`MAX_MEMBERS` members)."""
    distinct = list(dict.fromkeys(members))
    state = np.zeros(touch.shape, dtype=np.int64)
    if not negative:
        for m in distinct:
            state |= np.where(touch & m, 0, m)
        state &= punish
        return state
    if len(distinct) > MAX_MEMBERS:
        return None
    best = np.zeros(touch.shape, dtype=np.int64)
    for u in range(1, 1 << len(distinct)):
        union = 0
        for i in bits(u):
            union |= distinct[i]
        part = punish & union
        value = _stake(part, b)
        better = ((touch & union) == 0) & (value > best)
        state = np.where(better, part, state)
        best = np.where(better, value, best)
    return state


def _stake(mask: np.ndarray, b: list[int]) -> np.ndarray:
    r""":math:`\sum_{k \in mask} b_k` for every mask: a lookup table for the low bits, the rest
    bit by bit."""
    low_bits = min(11, len(b))
    index = np.arange(1 << low_bits, dtype=np.int64)
    table = np.zeros(1 << low_bits, dtype=np.int64)
    for k in range(low_bits):
        if b[k]:
            table += (index >> k & 1) * b[k]
    out: np.ndarray = table[mask & ((1 << low_bits) - 1)]
    for k in range(low_bits, len(b)):
        if b[k]:
            out = out + (mask >> k & 1) * b[k]
    return out


def _grim(a: np.ndarray, fresh: np.ndarray) -> np.ndarray:
    """Each deviation's critical delta ``a / (a + b)`` in floats: ``inf`` for never, 0 when
    nothing is gained."""
    af, bf = a.astype(float), fresh.astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(a > 0, af / (af + bf), 0.0)
    return np.where((a > 0) & (fresh <= 0), np.inf, out)


def _t_period(a: np.ndarray, fresh: np.ndarray, again: np.ndarray, T: int) -> np.ndarray:
    """The critical deltas of the deviations that come within :data:`TOLERANCE` of the largest
    (``-inf`` for the others): the largest is found by bisection on delta over all deviations at
    once, then only those near it are solved one by one."""
    af, bf, br = a.astype(float), fresh.astype(float), again.astype(float)
    out = np.full(a.shape, -np.inf)
    live = a > 0
    never = live & (a >= fresh * T + again)  # even the weights at delta -> 1 fall short (exact)
    if never.any():
        return np.where(never, np.inf, out)
    if not live.any():
        return np.where(a <= 0, 0.0, out)

    def violated(d: float) -> np.ndarray:
        return af > bf * sum(d**t for t in range(1, T + 1)) + br * d**T

    lo, hi = 0.0, 1.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if violated(mid).any():
            lo = mid
        else:
            hi = mid
    near = np.nonzero(violated(max(hi * (1 - 10 * TOLERANCE), 0.0)) | (af > 0) & (hi == 0))[0]
    lo_, hi_ = np.zeros(len(near)), np.ones(len(near))
    for _ in range(60):
        mids = (lo_ + hi_) / 2
        w = np.zeros_like(mids)
        for t in range(1, T + 1):
            w = w + mids**t
        below = af[near] > bf[near] * w + br[near] * mids**T
        lo_ = np.where(below, mids, lo_)
        hi_ = np.where(below, hi_, mids)
    out[near] = hi_
    return np.where(live, out, 0.0)
