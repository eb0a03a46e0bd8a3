r"""A domain given as the stage game it is: payoff matrices, from which ``C``, ``D``, ``N`` follow.

A stage game has players :math:`i = 1..n`, finite action sets :math:`A_i` and payoffs
:math:`u_i(a)` for every pure profile :math:`a \in A_1 \times \dots \times A_n` (numbers or
expressions in the case's parameters). From a named cooperative profile :math:`c`:

* :math:`C_i = u_i(c)`;
* :math:`D_i = \max_{a_i \ne c_i} u_i(a_i, c_{-i})`, the best one-shot deviation (an exact
  maximum: a tie between deviations changes nothing; with parameters whose order is unknown it is
  sympy's ``Max``, exact for every value);
* :math:`N_i = u_i(\sigma^*)` at a chosen stage Nash equilibrium :math:`\sigma^*`, pure (every
  profile checked against every unilateral deviation) or, in two-player games with rational
  payoffs (numbers), mixed (support enumeration in exact rational arithmetic: for supports
  :math:`I, J` of equal size, the opponent's mixture makes the player indifferent on its support,
  and nothing outside the support does better; Nash 1951, von Stengel 2007);
* or, for ``punish = "minmax"``, :math:`N_i = v_i = \min_{\sigma_{-i}} \max_{a_i}
  u_i(a_i, \sigma_{-i})`, the minmax value: no equilibrium of the repeated game can give player
  :math:`i` less, so the thresholds it gives are the lowest that any punishment can reach
  (Fudenberg & Maskin 1986). In two-player games with rational payoffs it is exact over mixed
  punishments: the value of the zero-sum game :math:`u_i`, found on the square submatrices that
  carry an optimal pair (Shapley & Snow 1950). Otherwise (more players, or parameters) it is the
  pure minmax :math:`\min_{a_{-i}} \max_{a_i} u_i(a)`, an upper bound of the mixed one; the
  method is stated with the value.

A stick profile :math:`s` (Abreu 1986; the engine's ``stick_carrot`` strategy) gives
:math:`P_i = u_i(s)` and :math:`D^P_i = \max_{a_i} u_i(a_i, s_{-i})`. ``stick = "minmax"`` in a
two-player game is the mutual minmax profile (each plays the strategy that minmaxes the other), for
which :math:`D^P_i = v_i`.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from fractions import Fraction
from typing import Any

import attrs
import sympy

from linkage.errors import ModelError
from linkage.model.payoffs import StagePayoffs
from linkage.values import exact

__all__ = [
    "Equilibrium",
    "Minmax",
    "StageGame",
    "StageGameError",
    "StageGameSpec",
    "best_deviation",
    "derive",
    "equilibria",
    "minmax",
    "pure_equilibria",
]

Profile = tuple[int, ...]

_ACTION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _.'-]{0,39}$")

MAX_PROFILES = 4096
"""The largest number of pure profiles a stage game may have (every one is checked)."""
MAX_MIXED_ACTIONS = 6
"""Mixed equilibria and the mixed minmax are enumerated exactly for up to this many actions per
player (support enumeration visits up to ``(2^m)^2`` support pairs)."""


class StageGameError(ModelError):
    """A stage game or a choice in it is malformed; ``path`` is the key relative to the game's
    table (``"payoffs.us[1]"``), for the loader to name."""

    def __init__(
        self, path: str, message: str, *, expected: str | None = None, found: object = None
    ) -> None:
        self.path = path
        self.reason = message
        self.expected = expected
        self.found = found
        text = f"{path}: {message}" if path else message
        if expected is not None:
            text += f"; expected {expected}"
        if found is not None:
            text += f", found {found!r}"
        super().__init__(text)


def _sign(x: Any) -> int | None:
    """The sign of an exact value, ``None`` when the parameters' assumptions do not decide it."""
    if isinstance(x, Fraction):
        return (x > 0) - (x < 0)
    if x.is_zero:
        return 0
    if x.is_positive:
        return 1
    if x.is_negative:
        return -1
    return None


@attrs.frozen
class StageGame:
    """A finite normal-form game: ``players``, their ``actions`` and ``table``, the payoff vector
    (one entry per player, in player order) at every pure profile (a tuple of action indices)."""

    players: tuple[str, ...]
    actions: tuple[tuple[str, ...], ...]
    table: Mapping[Profile, tuple[sympy.Expr, ...]] = attrs.field(repr=False)

    @classmethod
    def from_matrices(
        cls,
        players: Sequence[str],
        actions: Mapping[str, Sequence[str]],
        payoffs: Mapping[str, Any],
        convert: Callable[[Any], sympy.Expr] = exact,
    ) -> StageGame:
        """Build a game from each player's payoff array: ``payoffs[i][a_1][a_2]...[a_n]`` is
        :math:`u_i(a)`, indexed by the players' actions in player order (for two players, a matrix
        with a row per action of the first player and a column per action of the second).

        >>> g = StageGame.from_matrices(["row", "col"], {"row": ["c", "d"], "col": ["c", "d"]},
        ...     {"row": [[3, 0], [4, 1]], "col": [[3, 4], [0, 1]]})
        >>> g.payoff(0, (1, 0)), g.payoff(1, (1, 0))
        (4, 0)
        """
        players = tuple(players)
        if len(players) < 2:
            raise StageGameError("", "a stage game needs at least two players")
        for key in actions:
            if key not in players:
                raise StageGameError(
                    f"actions.{key}", "unknown player", expected=", ".join(players), found=key
                )
        named: list[tuple[str, ...]] = []
        for p in players:
            if p not in actions:
                raise StageGameError("actions", f"no actions for player '{p}'")
            acts = actions[p]
            if (
                isinstance(acts, str)
                or not isinstance(acts, Sequence)
                or not acts
                or not all(isinstance(a, str) and a for a in acts)
            ):
                raise StageGameError(
                    f"actions.{p}", "wrong type", expected="a non-empty array of action names"
                )
            bad = next((a for a in acts if not _ACTION.match(a)), None)
            if bad is not None:
                raise StageGameError(
                    f"actions.{p}",
                    "invalid action name",
                    expected="a name of letters, digits, spaces, _ . ' - (at most 40 characters)",
                    found=bad,
                )
            if len(set(acts)) != len(acts):
                twice = sorted({a for a in acts if list(acts).count(a) > 1})
                raise StageGameError(
                    f"actions.{p}", f"action {', '.join(map(repr, twice))} named twice"
                )
            named.append(tuple(acts))
        shape = tuple(len(a) for a in named)
        count = 1
        for m in shape:
            count *= m
        if count > MAX_PROFILES:
            raise StageGameError(
                "actions", f"{count} pure profiles", expected=f"at most {MAX_PROFILES}"
            )
        for key in payoffs:
            if key not in players:
                raise StageGameError(
                    f"payoffs.{key}", "unknown player", expected=", ".join(players), found=key
                )
        arrays = []
        for p in players:
            if p not in payoffs:
                raise StageGameError("payoffs", f"no payoff matrix for player '{p}'")
            arrays.append(_entries(payoffs[p], f"payoffs.{p}", shape, named, players, convert))
        table = {
            prof: tuple(_at(arr, prof) for arr in arrays)
            for prof in itertools.product(*(range(m) for m in shape))
        }
        return cls(players, tuple(named), table)

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(len(a) for a in self.actions)

    @property
    def profiles(self) -> Iterator[Profile]:
        return itertools.product(*(range(m) for m in self.shape))

    @property
    def rational(self) -> bool:
        """Whether every payoff is a rational number (what mixed strategies are searched on)."""
        return all(isinstance(v, sympy.Rational) for vec in self.table.values() for v in vec)

    def payoff(self, i: int, profile: Profile) -> sympy.Expr:
        return self.table[profile][i]

    def index(self, player: str) -> int:
        return self.players.index(player)

    def profile(self, choice: Mapping[str, Any] | Sequence[Any], path: str) -> Profile:
        """Action indices of a profile named by action names, as a table ``{player = action}`` or
        an array in player order; a clear error (at ``path``) for an unknown action."""
        if isinstance(choice, Mapping):
            for key in choice:
                if key not in self.players:
                    raise StageGameError(
                        f"{path}.{key}", "unknown player", expected=", ".join(self.players)
                    )
            missing = [p for p in self.players if p not in choice]
            if missing:
                raise StageGameError(
                    path, f"no action for player '{missing[0]}'", expected="an action per player"
                )
            names = [(f"{path}.{p}", choice[p]) for p in self.players]
        elif isinstance(choice, Sequence) and not isinstance(choice, str):
            if len(choice) != len(self.players):
                raise StageGameError(
                    path,
                    "wrong number of actions",
                    expected=f"{len(self.players)} (one per player, in order)",
                    found=list(choice),
                )
            names = [(f"{path}[{i}]", a) for i, a in enumerate(choice)]
        else:
            raise StageGameError(
                path, "wrong type", expected="a table {player = action} or an array of actions"
            )
        out = []
        for (where, name), acts in zip(names, self.actions, strict=True):
            if name not in acts:
                raise StageGameError(
                    where, "unknown action", expected="one of " + ", ".join(acts), found=name
                )
            out.append(acts.index(name))
        return tuple(out)

    def label(self, profile: Profile) -> str:
        return "(" + ", ".join(a[k] for a, k in zip(self.actions, profile, strict=True)) + ")"


def _entries(
    value: Any,
    path: str,
    shape: tuple[int, ...],
    actions: Sequence[Sequence[str]],
    players: Sequence[str],
    convert: Callable[[Any], sympy.Expr],
) -> Any:
    """Check a nested array against ``shape`` (naming the first wrong level) and convert leaves."""
    depth = len(players) - len(shape)
    if not shape:
        if isinstance(value, list | tuple):
            raise StageGameError(path, "wrong shape: a number was expected here", found=value)
        return convert(value)
    if not isinstance(value, list | tuple) or len(value) != shape[0]:
        whose = players[depth]
        raise StageGameError(
            path,
            "wrong shape",
            expected=(
                f"an array of {shape[0]} entries, one per action of {whose} "
                f"({', '.join(actions[depth])}); the whole matrix has shape "
                + " x ".join(str(len(a)) for a in actions)
            ),
            found=value,
        )
    return [
        _entries(v, f"{path}[{k}]", shape[1:], actions, players, convert)
        for k, v in enumerate(value)
    ]


def _at(array: Any, profile: Profile) -> sympy.Expr:
    for k in profile:
        array = array[k]
    return array


def _with(profile: Profile, i: int, a: int) -> Profile:
    return (*profile[:i], a, *profile[i + 1 :])


def _maximum(values: Sequence[sympy.Expr]) -> sympy.Expr:
    """The exact maximum: the candidates not decidably below another; ``Max`` of those left."""
    kept: list[sympy.Expr] = []
    for v in values:
        if any(_sign(k - v) in (0, 1) for k in kept):
            continue
        kept = [k for k in kept if _sign(v - k) not in (0, 1)]
        kept.append(v)
    return kept[0] if len(kept) == 1 else sympy.Max(*kept)


def _minimum(values: Sequence[sympy.Expr]) -> sympy.Expr:
    return -_maximum([-v for v in values])


def best_deviation(game: StageGame, i: int, profile: Profile) -> sympy.Expr:
    r""":math:`D_i = \max_{a_i \ne c_i} u_i(a_i, c_{-i})`; ``C_i`` itself when player ``i`` has a
    single action (nothing to deviate to)."""
    others = [game.payoff(i, _with(profile, i, a)) for a in range(game.shape[i]) if a != profile[i]]
    return _maximum(others) if others else game.payoff(i, profile)


def best_reply_value(game: StageGame, i: int, profile: Profile) -> sympy.Expr:
    r""":math:`\max_{a_i} u_i(a_i, s_{-i})`, the best the player can do against the others' part."""
    return _maximum([game.payoff(i, _with(profile, i, a)) for a in range(game.shape[i])])


@attrs.frozen
class Equilibrium:
    """A stage Nash equilibrium: each player's mixture (probabilities over its actions, exact) and
    the payoffs it gives; ``pure`` when every mixture puts probability 1 on one action."""

    strategies: tuple[tuple[sympy.Expr, ...], ...]
    payoffs: tuple[sympy.Expr, ...]

    @property
    def pure(self) -> bool:
        return all(sum(1 for p in s if p != 0) == 1 for s in self.strategies)

    def label(self, game: StageGame) -> str:
        if self.pure:
            return game.label(
                tuple(next(k for k, p in enumerate(s) if p == 1) for s in self.strategies)
            )
        return "; ".join(
            f"{player}: "
            + " + ".join(
                f"{p if p.is_Rational else f'({p})'} {a}"
                for a, p in zip(acts, s, strict=True)
                if p != 0
            )
            for player, acts, s in zip(game.players, game.actions, self.strategies, strict=True)
        )


def _pure(game: StageGame, profile: Profile) -> Equilibrium:
    strategies = tuple(
        tuple(sympy.Integer(int(k == a)) for k in range(m))
        for a, m in zip(profile, game.shape, strict=True)
    )
    return Equilibrium(strategies, game.table[profile])


def pure_equilibria(game: StageGame) -> list[Equilibrium]:
    r"""Every pure Nash equilibrium, by checking each profile against each unilateral deviation:
    :math:`u_i(a) \ge u_i(a'_i, a_{-i})` for all :math:`i, a'_i`. A comparison that the
    parameters' assumptions cannot decide raises :class:`StageGameError` naming it."""
    found = []
    for prof in game.profiles:
        undecided: list[str] = []
        broken = False
        for i in range(len(game.players)):
            here = game.payoff(i, prof)
            for a in range(game.shape[i]):
                if a == prof[i]:
                    continue
                s = _sign(game.payoff(i, _with(prof, i, a)) - here)
                if s == 1:
                    broken = True
                    break
                if s is None:
                    undecided.append(
                        f"{game.payoff(i, _with(prof, i, a))} > {here} for {game.players[i]}"
                    )
            if broken:
                break
        if broken:
            continue
        if undecided:
            raise StageGameError(
                "payoffs",
                f"whether {game.label(prof)} is a stage Nash equilibrium depends on the "
                f"parameters: is {undecided[0]}?",
                expected="payoffs whose order the parameters' ranges decide (write a gap as a "
                "positive parameter, e.g. 'b + t' with t > 0) or numbers",
            )
        found.append(_pure(game, prof))
    return found


# --- exact linear algebra over Fractions ---


def _to(v: sympy.Expr) -> Fraction:
    return Fraction(int(v.p), int(v.q))


def _back(x: Fraction) -> sympy.Expr:
    return sympy.Rational(x.numerator, x.denominator)


def _solve(rows: list[list[Fraction]], rhs: list[Fraction]) -> list[Fraction] | None:
    """The unique solution of a square linear system by Gauss-Jordan elimination in exact
    fractions, ``None`` when the matrix is singular."""
    n = len(rows)
    m = [[*r, b] for r, b in zip(rows, rhs, strict=True)]
    for col in range(n):
        pivot = next((r for r in range(col, n) if m[r][col] != 0), None)
        if pivot is None:
            return None
        m[col], m[pivot] = m[pivot], m[col]
        for r in range(n):
            if r != col and m[r][col] != 0:
                f = m[r][col] / m[col][col]
                m[r] = [x - f * y for x, y in zip(m[r], m[col], strict=True)]
    return [m[r][n] / m[r][r] for r in range(n)]


def _indifferent(
    a: list[list[Fraction]], rows: Sequence[int], cols: Sequence[int]
) -> list[Fraction] | None:
    """The mixture ``y`` on ``cols`` (``|rows| = |cols|``) making every row of ``rows`` earn the same
    value ``u`` against it: unknowns ``y_J, u``; returns ``[*y, u]`` or ``None``."""
    k = len(cols)
    one, zero = Fraction(1), Fraction(0)
    system = [[a[r][c] for c in cols] + [-one] for r in rows] + [[one] * k + [zero]]
    return _solve(system, [zero] * k + [one])


def _subsets(m: int, k: int) -> Iterator[tuple[int, ...]]:
    return itertools.combinations(range(m), k)


def _check_small(game: StageGame, what: str) -> None:
    if len(game.players) != 2:
        raise StageGameError(
            "", f"{what} are found exactly for two-player games only", found=len(game.players)
        )
    if not game.rational:
        raise StageGameError(
            "payoffs",
            f"{what} need numeric (rational) payoffs",
            expected='numbers, or a pure equilibrium (equilibrium = "pure")',
        )
    if max(game.shape) > MAX_MIXED_ACTIONS:
        raise StageGameError(
            "actions",
            f"{what}: too many actions for exact support enumeration",
            expected=f"at most {MAX_MIXED_ACTIONS} per player",
            found=max(game.shape),
        )


def _matrices(game: StageGame) -> tuple[list[list[Any]], list[list[Any]]]:
    to = _to
    m, n = game.shape
    a = [[to(game.payoff(0, (r, c))) for c in range(n)] for r in range(m)]
    b = [[to(game.payoff(1, (r, c))) for c in range(n)] for r in range(m)]
    return a, b


def mixed_equilibria(game: StageGame) -> list[Equilibrium]:
    r"""Every equilibrium of a two-player game with rational payoffs found by support enumeration
    over supports of equal size (every equilibrium of a nondegenerate game; von Stengel 2007,
    Algorithm 3.4), pure ones included, exact. Supports :math:`I, J` with :math:`|I| = |J| = k`:
    :math:`y` on :math:`J` with :math:`(Ay)_r = u` for :math:`r \in I`, :math:`x` on :math:`I`
    with :math:`(x^\top B)_c = v` for :math:`c \in J`, both strictly positive, and no action
    outside a support doing better. Pure equilibria first, then by support size."""
    _check_small(game, "mixed equilibria")
    a, b = _matrices(game)
    m, n = game.shape
    bt = [[b[r][c] for r in range(m)] for c in range(n)]
    found: list[Equilibrium] = []
    for k in range(1, min(m, n) + 1):
        for rows in _subsets(m, k):
            for cols in _subsets(n, k):
                ys = _indifferent(a, rows, cols)
                xs = _indifferent(bt, cols, rows)
                if ys is None or xs is None:
                    continue
                y, u = ys[:k], ys[k]
                x, v = xs[:k], xs[k]
                if any(_sign(p) != 1 for p in (*y, *x)):
                    continue
                x_full = [0 * u] * m
                y_full = [0 * u] * n
                for r, p in zip(rows, x, strict=True):
                    x_full[r] = p
                for c, p in zip(cols, y, strict=True):
                    y_full[c] = p
                if any(
                    _sign(sum(a[r][c] * y_full[c] for c in range(n)) - u) == 1 for r in range(m)
                ):
                    continue
                if any(
                    _sign(sum(b[r][c] * x_full[r] for r in range(m)) - v) == 1 for c in range(n)
                ):
                    continue
                found.append(
                    Equilibrium(
                        (tuple(_back(p) for p in x_full), tuple(_back(p) for p in y_full)),
                        (_back(u), _back(v)),
                    )
                )
    return found


def degenerate(game: StageGame, found: Sequence[Equilibrium]) -> bool:
    """Whether the two-player game shows itself degenerate: a pure strategy, or an equilibrium
    mixture with support of size ``k``, has more than ``k`` pure best responses (von Stengel 2007,
    Definition 3.2). Support enumeration may then miss equilibria (a continuum among them)."""
    m, n = game.shape

    def replies(i: int, mix: Sequence[sympy.Expr]) -> int:
        def value(a: int) -> sympy.Expr:
            return sum(
                (p * game.payoff(i, (a, b) if i == 0 else (b, a)) for b, p in enumerate(mix)),
                sympy.Integer(0),
            )

        values = [value(a) for a in range(game.shape[i])]
        top = max(values)
        return sum(1 for v in values if v == top)

    pure_mixes = [(0, [sympy.Integer(int(k == a)) for k in range(n)]) for a in range(n)]
    pure_mixes += [(1, [sympy.Integer(int(k == a)) for k in range(m)]) for a in range(m)]
    if any(replies(i, mix) > 1 for i, mix in pure_mixes):
        return True
    for e in found:
        x, y = e.strategies
        if replies(0, y) > sum(1 for p in y if p != 0) or replies(1, x) > sum(
            1 for p in x if p != 0
        ):
            return True
    return False


def equilibria(game: StageGame) -> list[Equilibrium]:
    """Every stage Nash equilibrium found: pure and mixed in two-player games with rational
    payoffs and at most :data:`MAX_MIXED_ACTIONS` actions each, the pure ones otherwise."""
    return mixed_equilibria(game) if _small(game) else pure_equilibria(game)


def _small(game: StageGame) -> bool:
    """Whether mixed strategies are searched exactly: two players, numbers, few actions."""
    return len(game.players) == 2 and game.rational and max(game.shape) <= MAX_MIXED_ACTIONS


@attrs.frozen
class Minmax:
    """Player ``i``'s minmax value and how it was found: ``punisher`` is the others' mixture (for
    two players, the opponent's probabilities; for a pure minmax, its profile with ``i``'s own
    entry meaningless), ``method`` says whether mixed punishments were searched."""

    value: sympy.Expr
    punisher: tuple[tuple[sympy.Expr, ...], ...]
    method: str


def _pure_minmax(game: StageGame, i: int) -> Minmax:
    best: list[tuple[sympy.Expr, Profile]] = []
    for prof in game.profiles:
        if prof[i] != 0:
            continue
        best.append((best_reply_value(game, i, prof), prof))
    value = _minimum([v for v, _ in best])
    decided = [p for v, p in best if _sign(v - value) == 0]
    prof = decided[0] if decided else best[0][1]
    punisher = tuple(
        tuple(sympy.Integer(int(k == a)) for k in range(m))
        for a, m in zip(prof, game.shape, strict=True)
    )
    return Minmax(value, punisher, "pure minmax (the punishers' pure profiles)")


def minmax(game: StageGame, player: str | int) -> Minmax:
    r"""The minmax value :math:`v_i = \min_{\sigma_{-i}} \max_{a_i} u_i(a_i, \sigma_{-i})`.

    Two players, rational payoffs: exact over mixed punishments. :math:`v_i` is the value of the
    zero-sum game with matrix :math:`u_i` (von Neumann), and an optimal pair is carried by a square
    submatrix (Shapley & Snow 1950): for rows :math:`I` of ``i`` and columns :math:`J` of the
    punisher, :math:`|I| = |J|`, solve for ``y`` on :math:`J` equalising the rows of :math:`I` at
    :math:`t` and ``x`` on :math:`I` equalising the columns of :math:`J` at :math:`t`; the pair is
    optimal when both are non-negative, no row earns more than :math:`t` against ``y`` and no
    column holds ``x`` below :math:`t`. Otherwise the pure minmax.
    """
    i = player if isinstance(player, int) else game.index(player)
    if not _small(game):
        return _pure_minmax(game, i)
    to = _to
    j = 1 - i
    mi, mj = game.shape[i], game.shape[j]

    def u(r: int, c: int) -> Any:
        return to(game.payoff(i, (r, c) if i == 0 else (c, r)))

    a = [[u(r, c) for c in range(mj)] for r in range(mi)]
    at = [[a[r][c] for r in range(mi)] for c in range(mj)]
    for k in range(1, min(mi, mj) + 1):
        for rows in _subsets(mi, k):
            for cols in _subsets(mj, k):
                ys = _indifferent(a, rows, cols)
                xs = _indifferent(at, cols, rows)
                if ys is None or xs is None or _sign(ys[k] - xs[k]) != 0:
                    continue
                t = ys[k]
                if any(_sign(p) == -1 for p in (*ys[:k], *xs[:k])):
                    continue
                y = [0 * t] * mj
                for c, p in zip(cols, ys[:k], strict=True):
                    y[c] = p
                x = [0 * t] * mi
                for r, p in zip(rows, xs[:k], strict=True):
                    x[r] = p
                if any(_sign(sum(a[r][c] * y[c] for c in range(mj)) - t) == 1 for r in range(mi)):
                    continue
                if any(_sign(sum(a[r][c] * x[r] for r in range(mi)) - t) == -1 for c in range(mj)):
                    continue
                punisher = tuple(_back(p) for p in y)
                own = tuple(sympy.Integer(0) for _ in range(mi))
                pair = (own, punisher) if i == 0 else (punisher, own)
                return Minmax(_back(t), pair, "mixed minmax (exact, Shapley-Snow kernels)")
    raise AssertionError("every matrix game has a Shapley-Snow kernel")  # pragma: no cover


@attrs.frozen
class StageGameSpec:
    """How a domain's ``C``, ``D``, ``N`` (and ``P``, ``DP``) are read off its stage game.

    ``cooperate`` is the cooperative profile; ``punish`` is ``"nash"`` or ``"minmax"``;
    ``equilibrium`` chooses among the stage Nash equilibria: ``None`` (the only one), ``"pure"``
    or ``"mixed"`` (the only one of that type), a 1-based number in the listed order, or a pure
    profile (a mapping or sequence of action names); ``stick`` is ``None``, ``"minmax"`` or a
    profile for stick-and-carrot."""

    game: StageGame
    cooperate: Any
    punish: str = "nash"
    equilibrium: Any = None
    stick: Any = None


@attrs.frozen
class Derivation:
    """What :func:`derive` chose, for reports: the game, the cooperative profile, the punishment
    (the equilibrium's label or the minmax method) and the stick in words, and the equilibria
    that were listed to choose from."""

    game: StageGame
    cooperate: Profile
    punishment: str
    stick: str | None
    equilibria: tuple[str, ...]

    def describe(self) -> str:
        """One line: ``C at (c, c); N: stage Nash equilibrium (d, d); stick: ...``."""
        text = f"C at {self.game.label(self.cooperate)}, D the best deviation from it; N: "
        text += self.punishment
        return text + (f"; stick: {self.stick}" if self.stick else "")


def _listing(game: StageGame, numbered: Sequence[tuple[int, Equilibrium]]) -> str:
    return "; ".join(f"{n}: {e.label(game)} ({'pure' if e.pure else 'mixed'})" for n, e in numbered)


def choose_equilibrium(game: StageGame, choice: Any) -> tuple[Equilibrium, list[Equilibrium]]:
    """The equilibrium ``choice`` names (see :class:`StageGameSpec`), and every equilibrium found
    (:func:`equilibria`): numbers, in errors and in ``choice``, refer to that list."""
    if isinstance(choice, Mapping) or (
        isinstance(choice, Sequence) and not isinstance(choice, str)
    ):
        prof = game.profile(choice, "equilibrium")
        found = pure_equilibria(game)
        for e in found:
            if e == _pure(game, prof):
                return e, found
        raise StageGameError(
            "equilibrium",
            f"{game.label(prof)} is not a stage Nash equilibrium",
            expected="one of " + (_listing(game, list(enumerate(found, 1))) or "none: no pure one"),
        )
    if isinstance(choice, bool) or not (choice is None or isinstance(choice, int | str)):
        raise StageGameError(
            "equilibrium",
            "wrong type",
            expected='"pure", "mixed", a number from the list, or a profile',
            found=choice,
        )
    if isinstance(choice, str) and choice not in ("pure", "mixed"):
        raise StageGameError(
            "equilibrium", "unknown choice", expected='"pure" or "mixed"', found=choice
        )
    found = mixed_equilibria(game) if choice == "mixed" else equilibria(game)
    numbered = [
        (n, e)
        for n, e in enumerate(found, 1)
        if choice not in ("pure", "mixed") or e.pure == (choice == "pure")
    ]
    what = f"{choice} " if isinstance(choice, str) else ""
    if not numbered:
        raise StageGameError(
            "equilibrium" if choice is not None else "payoffs",
            f"the stage game has no {what}Nash equilibrium",
            expected='mixed equilibria (equilibrium = "mixed") or punish = "minmax"'
            if choice == "pure"
            else None,
        )
    if isinstance(choice, int):
        if not 1 <= choice <= len(found):
            raise StageGameError(
                "equilibrium",
                "no equilibrium with that number",
                expected=f"1 to {len(found)}: {_listing(game, numbered)}",
                found=choice,
            )
        return found[choice - 1], found
    if len(numbered) > 1:
        raise StageGameError(
            "equilibrium",
            f"the stage game has {len(numbered)} {what}Nash equilibria: choose one",
            expected='equilibrium = a number, "pure", "mixed" or a profile; '
            + _listing(game, numbered),
        )
    return numbered[0][1], found


def derive(spec: StageGameSpec) -> tuple[dict[str, StagePayoffs], Derivation]:
    """Each player's ``StagePayoffs`` from the stage game (module docstring), and what was chosen.

    >>> g = StageGame.from_matrices(["row", "col"], {"row": ["c", "d"], "col": ["c", "d"]},
    ...     {"row": [[3, 0], [4, 1]], "col": [[3, 4], [0, 1]]})
    >>> payoffs, how = derive(StageGameSpec(g, {"row": "c", "col": "c"}))
    >>> payoffs["row"], how.punishment
    (StagePayoffs(C=3, D=4, N=1, P=None, DP=None), 'stage Nash equilibrium (d, d)')
    """
    game = spec.game
    coop = game.profile(spec.cooperate, "cooperate")
    listed: tuple[str, ...] = ()
    if spec.punish == "nash":
        eq, found = choose_equilibrium(game, spec.equilibrium)
        n_values = list(eq.payoffs)
        listed = tuple(e.label(game) for e in found)
        punishment = f"stage Nash equilibrium {eq.label(game)}"
        if _small(game) and degenerate(game, found):
            punishment += " (a degenerate game: support enumeration may miss equilibria)"
        elif not _small(game) and spec.equilibrium is None:
            punishment += (
                " (the only pure one; mixed equilibria are searched in two-player games with "
                "rational payoffs)"
            )
    elif spec.punish == "minmax":
        if spec.equilibrium is not None:
            raise StageGameError(
                "equilibrium", 'an equilibrium is chosen only with punish = "nash"'
            )
        mins = [minmax(game, i) for i in range(len(game.players))]
        n_values = [m.value for m in mins]
        shown = ", ".join(f"{p} {m.value}" for p, m in zip(game.players, mins, strict=True))
        punishment = f"minmax values ({shown}): {mins[0].method}"
    else:
        raise StageGameError(
            "punish", "unknown punishment", expected='"nash" or "minmax"', found=spec.punish
        )
    sticks: list[tuple[sympy.Expr, sympy.Expr]] | None = None
    stick_text = None
    if spec.stick is not None:
        sticks, stick_text = _stick(game, spec.stick)
    out = {}
    for i, player in enumerate(game.players):
        values: dict[str, sympy.Expr] = {
            "C": game.payoff(i, coop),
            "D": best_deviation(game, i, coop),
            "N": n_values[i],
        }
        if sticks is not None:
            values["P"], values["DP"] = sticks[i]
        out[player] = StagePayoffs(**values)
    return out, Derivation(game, coop, punishment, stick_text, listed)


def _expected(game: StageGame, i: int, mix: Sequence[Sequence[sympy.Expr]]) -> sympy.Expr:
    total = sympy.Integer(0)
    for prof in game.profiles:
        weight = sympy.Integer(1)
        for s, a in zip(mix, prof, strict=True):
            weight *= s[a]
        if weight != 0:
            total += weight * game.payoff(i, prof)
    return sympy.nsimplify(total) if total.is_number else total


def _stick(game: StageGame, choice: Any) -> tuple[list[tuple[sympy.Expr, sympy.Expr]], str]:
    if choice == "minmax":
        if len(game.players) != 2:
            raise StageGameError(
                "stick",
                "a mutual minmax stick is defined for two players",
                expected="a stick profile {player = action}",
            )
        m0, m1 = minmax(game, 0), minmax(game, 1)
        mix = (m1.punisher[0], m0.punisher[1])  # each plays what minmaxes the other
        return [
            (_expected(game, 0, mix), m0.value),
            (_expected(game, 1, mix), m1.value),
        ], f"mutual minmax ({m0.method})"
    if isinstance(choice, str):
        raise StageGameError(
            "stick", "unknown stick", expected='"minmax" or a profile', found=choice
        )
    prof = game.profile(choice, "stick")
    return [
        (game.payoff(i, prof), best_reply_value(game, i, prof)) for i in range(len(game.players))
    ], f"profile {game.label(prof)}"
