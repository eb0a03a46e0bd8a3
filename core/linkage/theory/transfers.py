r"""Transfers as a choice: the on-path transfer that minimises a linked package's threshold.

**Model.** A package of domains is linked under grim trigger (a deviation anywhere is punished by
Nash reversion everywhere, for ever). Player :math:`i`'s pooled temptation and stake are

.. math:: a_i = \sum_{k} (D_{ik} - C_{ik})^+, \qquad b_i = \sum_k (C_{ik} - N_{ik}),
          \qquad S_i = a_i + b_i,

and alone its constraint is :math:`(1-\delta)\,a_i \le \delta\, b_i`, threshold
:math:`\delta_i = a_i/S_i` (primer §1). A **payer** :math:`p` hands the **receiver** :math:`r` a
transfer :math:`\tau \ge 0` every period while cooperation lasts (an asymmetric concession, money,
aid); after any deviation it stops for ever with everything else. The transfer is a linked domain
of its own, with stage payoffs

==========  ================  ===================================================
            payer p           receiver r
==========  ================  ===================================================
C           :math:`-\tau`     :math:`+\tau`
D           0 (withheld)      :math:`+\tau` (``simultaneous``) or 0 (``conditional``)
N           0                 0
==========  ================  ===================================================

``simultaneous`` (the default): the transfer is part of the period's actions, so a receiver who
deviates still collects it that period. ``conditional``: it is paid at the end of a period in which
the receiver complied, so a deviating receiver forfeits it. Either way the payer's best deviation
withholds it. The constraints become

* payer: :math:`(1-\delta)(a_p + \tau) \le \delta (b_p - \tau)`, threshold
  :math:`\delta_p(\tau) = (a_p + \tau)/S_p`, rising in :math:`\tau`;
* receiver, simultaneous: :math:`(1-\delta)\,a_r \le \delta (b_r + \tau)`, threshold
  :math:`\delta_r(\tau) = a_r/(S_r + \tau)`;
* receiver, conditional: :math:`(1-\delta)(a_r - \tau) \le \delta (b_r + \tau)`, threshold
  :math:`\delta_r(\tau) = (a_r - \tau)/S_r`;

both falling in :math:`\tau`. The package's threshold :math:`\max_i \delta_i(\tau)` is smallest
where the two are equal (Maggi 2016: a transfer rebalances a slack and a binding constraint).
The receiver is the player with the higher threshold without a transfer. Equalising,

* simultaneous: :math:`\tau^2 + (a_p + S_r)\tau + a_p S_r - a_r S_p = 0`, so
  :math:`\tau^* = \tfrac12\big(\sqrt{(a_p - S_r)^2 + 4 a_r S_p} - a_p - S_r\big)` and
  :math:`\delta^* = (a_p + \tau^*)/S_p`;
* conditional: :math:`\tau^* = (a_r S_p - a_p S_r)/(S_p + S_r)` and
  :math:`\delta^* = (a_p + a_r)/(S_p + S_r)`: the two players' constraints pooled into one, a
  mediant, as linkage pools domains.

**Feasibility.** :math:`\delta^* < 1` iff :math:`\tau^* < b_p` (the transfer stays within the
payer's per-period surplus) iff :math:`b_p + b_r > 0`: a transfer rescues a package one player
would never keep exactly when cooperation has a positive joint surplus. Degenerate cases: equal
thresholds give :math:`\tau^* = 0`; a payer without surplus (:math:`b_p \le 0`) cannot pay. Other
players (more than two) keep their constraints. With player-specific discount factors no common
threshold exists; the transfers that sustain the package are then the interval
:math:`\tau \le \delta_p S_p - a_p` and :math:`\tau \ge (1-\delta_r) a_r/\delta_r - b_r`
(simultaneous) or :math:`\tau \ge a_r - \delta_r S_r` (conditional).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

import attrs
import sympy

from linkage.engine.threshold import Threshold, combine, is_ge, single_term
from linkage.errors import ModelError
from linkage.model.game import Game
from linkage.values import frozen_dict

Timing = Literal["simultaneous", "conditional"]
TIMINGS: tuple[Timing, ...] = ("simultaneous", "conditional")


@attrs.frozen
class Pooled:
    """A player's pooled temptation ``a`` and stake ``b`` over a package; ``S = a + b``."""

    a: sympy.Expr
    b: sympy.Expr

    @property
    def S(self) -> sympy.Expr:
        return self.a + self.b

    def threshold(self) -> Threshold:
        r""":math:`(1-\delta)\,a \le \delta\, b` with the engine's statuses (radicals with a
        rational denominator)."""
        t = single_term(self.a, self.b, 1, None)
        if t.exact is not None and t.exact.has(sympy.Pow):
            t = attrs.evolve(t, exact=sympy.radsimp(t.exact))
        return t


def pooled(game: Game, domains: Sequence[str] | None = None) -> dict[str, Pooled]:
    r"""Each player's :math:`a_i = \sum_k (D_{ik}-C_{ik})^+` and :math:`b_i = \sum_k (C_{ik}-N_{ik})`
    over ``domains`` (default: every domain) of a calibrated game."""
    ids = tuple(domains) if domains is not None else game.domain_ids
    out = {}
    for p in game.players:
        a = sympy.Add(*(game.domain(k).payoffs[p].temptation for k in ids))
        b = sympy.Add(*(game.domain(k).payoffs[p].stake for k in ids))
        out[p] = Pooled(sympy.simplify(a), sympy.simplify(b))
    return out


def with_transfer(
    sums: Pooled, tau: sympy.Expr, role: Literal["payer", "receiver"], timing: Timing
) -> Pooled:
    """A player's temptation and stake once the transfer ``tau`` is paid (see the table above)."""
    if role == "payer":
        return Pooled(sums.a + tau, sums.b - tau)
    if timing == "simultaneous":
        return Pooled(sums.a, sums.b + tau)
    return Pooled(sums.a - tau, sums.b + tau)


def optimal_transfer(payer: Pooled, receiver: Pooled, timing: Timing) -> sympy.Expr:
    r"""The :math:`\tau^*` that equalises :math:`\delta_p(\tau)` and :math:`\delta_r(\tau)` (the
    closed forms of the module docstring), for :math:`S_p > 0` and the receiver's threshold the
    higher; symbols allowed."""
    a_p, S_p, a_r, S_r = payer.a, payer.S, receiver.a, receiver.S
    if timing == "conditional":
        return (a_r * S_p - a_p * S_r) / (S_p + S_r)
    return (sympy.sqrt((a_p - S_r) ** 2 + 4 * a_r * S_p) - a_p - S_r) / 2


@attrs.frozen
class TransferResult:
    """The threshold-minimising transfer of a package.

    ``transfer`` is :math:`\\tau^*` from ``payer`` to ``receiver`` (0 and both ``None`` when no
    transfer lowers the threshold: ``reason`` says why); ``before`` and ``after`` each player's
    threshold without and with it, ``package_before``/``package_after`` their intersection;
    ``common`` the equalised threshold :math:`\\delta^*` (``None`` without a transfer);
    ``surplus`` the payer's stake :math:`b_p`, which the transfer must stay below;
    ``interval`` the transfers that sustain the package at the case's discount factors
    (``None`` when there are none)."""

    timing: Timing
    payer: str | None
    receiver: str | None
    transfer: sympy.Expr
    common: sympy.Expr | None
    surplus: sympy.Expr | None
    before: Mapping[str, Threshold]
    after: Mapping[str, Threshold]
    package_before: Threshold
    package_after: Threshold
    reason: str
    interval: tuple[sympy.Expr, sympy.Expr] | None = None


def _level(t: Threshold) -> sympy.Expr:
    """A numeric threshold as a number for ranking: never is above every threshold."""
    if t.status == "never":
        return sympy.Integer(2)
    if t.status == "always":
        return sympy.Integer(0)
    if t.exact is None or not t.exact.is_number:
        raise ModelError(f"a transfer needs numeric thresholds, found {t}")
    return t.exact


def _simplify(value: sympy.Expr) -> sympy.Expr:
    return sympy.radsimp(sympy.expand(value)) if value.has(sympy.Pow) else sympy.simplify(value)


def solve(
    sums: Mapping[str, Pooled],
    timing: Timing = "simultaneous",
    payer: str | None = None,
    receiver: str | None = None,
    deltas: Mapping[str, sympy.Expr] | None = None,
) -> TransferResult:
    """The threshold-minimising transfer for pooled sums ``sums`` (numbers). ``payer`` and
    ``receiver`` default to the players with the lowest and the highest threshold; ``deltas``
    (each player's discount factor) adds the interval of sustaining transfers."""
    if timing not in TIMINGS:
        raise ModelError(f"timing must be one of {', '.join(TIMINGS)}, not {timing!r}")
    players = list(sums)
    if len(players) < 2:
        raise ModelError("a transfer needs two players")
    for p in (payer, receiver):
        if p is not None and p not in sums:
            raise ModelError(f"no player {p!r} (players: {', '.join(players)})")
    before = {p: s.threshold() for p, s in sums.items()}
    level = {p: _level(t) for p, t in before.items()}
    if receiver is None:
        candidates = [p for p in players if p != payer]
        receiver = max(candidates, key=lambda p: (float(level[p]), -players.index(p)))
    if payer is None:
        candidates = [p for p in players if p != receiver]
        payer = min(candidates, key=lambda p: (float(level[p]), players.index(p)))
    if payer == receiver:
        raise ModelError(f"the payer and the receiver are the same player ({payer})")
    package_before = combine(before.values())
    P, Rc = sums[payer], sums[receiver]
    interval = (
        _interval(P, Rc, timing, deltas[payer], deltas[receiver]) if deltas is not None else None
    )

    def unchanged(reason: str) -> TransferResult:
        return TransferResult(
            timing, None, None, sympy.Integer(0), None, None, frozen_dict(before),
            frozen_dict(before), package_before, package_before, reason, interval,
        )  # fmt: skip

    if is_ge(level[payer], level[receiver]):
        return unchanged(
            f"{receiver}'s threshold is not above {payer}'s: a transfer from {payer} would only "
            "raise the package's threshold"
        )
    if not (P.b.is_positive and P.S.is_positive):
        return unchanged(f"{payer} has no surplus to pay from (stake b = {P.b} <= 0)")
    if not (P.b + Rc.b).is_positive:
        return unchanged(
            f"the joint stake b_p + b_r = {P.b + Rc.b} is not positive: no transfer makes the "
            "package self-enforcing"
        )
    tau = _simplify(optimal_transfer(P, Rc, timing))
    after = dict(before)
    after[payer] = with_transfer(P, tau, "payer", timing).threshold()
    after[receiver] = with_transfer(Rc, tau, "receiver", timing).threshold()
    common = _simplify((P.a + tau) / P.S)  # < 1: tau < b_p exactly when b_p + b_r > 0
    return TransferResult(
        timing,
        payer,
        receiver,
        tau,
        common,
        P.b,
        frozen_dict(before),
        frozen_dict(after),
        package_before,
        combine(after.values()),
        "equalised",
        interval,
    )


def _interval(
    payer: Pooled, receiver: Pooled, timing: Timing, d_p: sympy.Expr, d_r: sympy.Expr
) -> tuple[sympy.Expr, sympy.Expr] | None:
    r"""The transfers :math:`\tau \ge 0` with the payer's and the receiver's constraints holding at
    their own discount factors (both ends included), or ``None`` if there are none: payer
    :math:`\tau \le \delta_p S_p - a_p`; receiver :math:`\tau \ge (1-\delta_r)a_r/\delta_r - b_r`
    (simultaneous) or :math:`\tau \ge a_r - \delta_r S_r` (conditional)."""
    high = d_p * payer.S - payer.a
    if timing == "conditional":
        low = receiver.a - d_r * receiver.S
    elif d_r == 0:
        low = sympy.Integer(0) if receiver.a == 0 else None
    else:
        low = ((1 - d_r) * receiver.a - d_r * receiver.b) / d_r
    if low is None:
        return None
    low = sympy.Max(0, low)
    return (low, high) if is_ge(high, low) else None
