"""Hypothesis strategies for random issue-linkage games (for the oracle and the engine-vs-oracle tests).

Everything is exact: payoffs are small integers or simple fractions, discount factors are
fractions in ``[0, 1)``. Domain ids are ``d1``, ``d2``, ...; players ``A`` and ``B`` unless told.

* :func:`rationals_in_unit_interval` -- discount factors;
* :func:`payoffs` -- one player's :class:`StagePayoffs` in one domain, degenerate shapes on purpose
  (``D = C``, ``C = N``, ``C < N`` concessions, ``D < C``, ``D = N``), with ``P < C <= ...`` and
  ``DP >= P`` when ``stick=True``; ``well_formed=True`` gives a prisoner's dilemma ``D >= C > N``;
* :func:`linkages` -- linkage structures over given domains and players;
* :func:`games` -- whole :class:`Game` objects;
* :func:`domain_deltas` -- a per-(player, domain) discount table for ``check(..., deltas=...)``;
* :func:`relabel` / :func:`relabelings` -- the same game with domains and players renamed and the
  domains reordered.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction

import attrs
from hypothesis import strategies as st

from linkage.model import (
    FULL,
    SEPARATE,
    Discount,
    Domain,
    Game,
    GrimTrigger,
    LinkageStructure,
    Rule,
    StagePayoffs,
    StickAndCarrot,
    TPeriodReversion,
)

PLAYERS = ("A", "B")
STRATEGIES = ("grim", "t_period", "stick_carrot")
STRUCTURES = ("separate", "full", "protected", "rules", "isolated")
SHAPES = ("pd", "no_temptation", "c_equals_n", "concession", "loss", "d_equals_n", "free")

__all__ = [
    "PLAYERS",
    "SHAPES",
    "STRATEGIES",
    "STRUCTURES",
    "DeltaTable",
    "domain_deltas",
    "games",
    "linkages",
    "payoffs",
    "rationals_in_unit_interval",
    "relabel",
    "relabelings",
    "small_numbers",
    "strategies_",
]


def rationals_in_unit_interval(
    max_denominator: int = 12, *, allow_zero: bool = True
) -> st.SearchStrategy[Fraction]:
    """Fractions in ``[0, 1)`` (``(0, 1)`` without zero), with the usual suspects weighted in."""
    low = Fraction(0) if allow_zero else Fraction(1, max_denominator)
    simple = [Fraction(1, 2), Fraction(1, 3), Fraction(2, 3), Fraction(3, 5), Fraction(1, 4)]
    if allow_zero:
        simple.append(Fraction(0))
    return st.one_of(
        st.sampled_from(simple),
        st.fractions(min_value=low, max_value=1, max_denominator=max_denominator).filter(
            lambda f: f < 1
        ),
    )


def small_numbers(min_value: int = -4, max_value: int = 8) -> st.SearchStrategy[Fraction]:
    """Small integers, and now and then a half or a third, in ``[min_value, max_value]``."""
    return st.one_of(
        st.integers(min_value, max_value).map(Fraction),
        st.builds(
            lambda n, d: Fraction(n, d),
            st.integers(min_value * 3, max_value * 2),
            st.sampled_from([2, 3]),
        ).filter(lambda f: min_value <= f <= max_value),
    )


def _positive() -> st.SearchStrategy[Fraction]:
    return st.one_of(
        st.integers(1, 5).map(Fraction), st.sampled_from([Fraction(1, 2), Fraction(3, 2)])
    )


@st.composite
def payoffs(
    draw: st.DrawFn, stick: bool = False, *, well_formed: bool = False, shape: str | None = None
) -> StagePayoffs:
    """One player's stage payoffs in one domain.

    ``shape`` (drawn from :data:`SHAPES` unless given; ``well_formed`` restricts it to ``"pd"``):

    * ``pd``: ``D >= C > N`` (``D = C`` included);
    * ``no_temptation``: ``D = C`` (with any ``N``);
    * ``c_equals_n``: ``C = N`` (with ``D >= C``);
    * ``concession``: ``C < N`` (any ``D``: the punishment is a reward);
    * ``loss``: ``D < C`` (a deviation loses now);
    * ``d_equals_n``: ``D = N`` (any ``C``);
    * ``free``: three independent small numbers.

    With ``stick``: ``P < C`` and ``DP >= P`` (``DP = P`` and ``DP > C`` both occur).
    """
    if shape is None:
        shape = "pd" if well_formed else draw(st.sampled_from(SHAPES))
    c = draw(small_numbers())
    if shape == "pd":
        n = c - draw(_positive())
        d = c + draw(st.one_of(st.just(Fraction(0)), _positive()))
    elif shape == "no_temptation":
        d, n = c, draw(small_numbers())
    elif shape == "c_equals_n":
        n = c
        d = c + draw(st.one_of(st.just(Fraction(0)), _positive()))
    elif shape == "concession":
        n = c + draw(_positive())
        d = draw(small_numbers())
    elif shape == "loss":
        d = c - draw(_positive())
        n = draw(small_numbers())
    elif shape == "d_equals_n":
        d = n = draw(small_numbers())
    elif shape == "free":
        d, n = draw(small_numbers()), draw(small_numbers())
    else:
        raise ValueError(f"unknown payoff shape {shape!r}")
    if not stick:
        return StagePayoffs(C=c, D=d, N=n)
    p = c - draw(_positive())
    dp = p + draw(st.one_of(st.just(Fraction(0)), _positive(), st.integers(0, 8).map(Fraction)))
    return StagePayoffs(C=c, D=d, N=n, P=p, DP=dp)


def _subset(
    draw: st.DrawFn, items: Sequence[str], *, max_size: int | None = None
) -> frozenset[str]:
    return frozenset(
        draw(st.lists(st.sampled_from(list(items)), unique=True, max_size=max_size))
        if items
        else ()
    )


@st.composite
def linkages(
    draw: st.DrawFn,
    ids: Sequence[str],
    players: Sequence[str] = PLAYERS,
    structures: Sequence[str] = STRUCTURES,
) -> LinkageStructure:
    """A linkage structure over the domains ``ids``.

    ``separate``, ``full``; ``protected`` (full linkage, random protected domains); ``rules``
    (random rules with deviator a player or ``"*"``, random punished sets, random protected
    domains the rules respect); ``isolated`` (any of the above modes plus random isolated
    domains).
    """
    kind = draw(st.sampled_from(list(structures)))
    if kind == "separate":
        return SEPARATE
    if kind == "full":
        return FULL
    if kind == "protected":
        return LinkageStructure("full", protected=_subset(draw, ids), name="protected")
    if kind == "rules":
        return _rules(draw, ids, players)
    if kind == "isolated":
        isolated = _subset(draw, ids)
        base = draw(st.sampled_from(["separate", "full", "rules"]))
        if base == "separate":
            return LinkageStructure("separate", isolated=isolated, name="isolated")
        if base == "full":
            protected = _subset(draw, ids)
            return LinkageStructure("full", protected=protected, isolated=isolated, name="isolated")
        return attrs.evolve(_rules(draw, ids, players), isolated=isolated, name="isolated")
    raise ValueError(f"unknown linkage structure {kind!r}")


def _rules(draw: st.DrawFn, ids: Sequence[str], players: Sequence[str]) -> LinkageStructure:
    protected = _subset(draw, ids) if draw(st.booleans()) else frozenset()
    rules = []
    for _ in range(draw(st.integers(0, 2 * len(ids)))):
        deviator = draw(st.sampled_from(["*", *players]))
        domain = draw(st.sampled_from(list(ids)))
        allowed = [k for k in ids if k not in protected or k == domain]
        rules.append(Rule(deviator, domain, _subset(draw, allowed)))
    return LinkageStructure("rules", rules=rules, protected=protected, name="rules")


def strategies_(
    kinds: Sequence[str] = STRATEGIES, max_periods: int = 4
) -> st.SearchStrategy[GrimTrigger | TPeriodReversion | StickAndCarrot]:
    """A punishment strategy: grim, T-period (``T`` in ``1..max_periods``) or stick-and-carrot."""
    options = []
    if "grim" in kinds:
        options.append(st.just(GrimTrigger()))
    if "t_period" in kinds:
        options.append(st.integers(1, max_periods).map(TPeriodReversion))
    if "stick_carrot" in kinds:
        options.append(st.just(StickAndCarrot()))
    if not options:
        raise ValueError(f"no known strategy in {kinds!r}")
    return st.one_of(options)


@st.composite
def games(
    draw: st.DrawFn,
    max_domains: int = 4,
    strategies: Sequence[str] = STRATEGIES,
    structures: Sequence[str] = STRUCTURES,
    *,
    min_domains: int = 1,
    players: Sequence[str] = PLAYERS,
    well_formed: bool = False,
    max_periods: int = 4,
) -> Game:
    """A valid random :class:`Game`.

    Domains ``d1..dK`` (``K`` in ``min_domains..max_domains``); each domain's payoffs are drawn per
    player (sometimes the same for every player); the strategy from ``strategies``; the linkage
    structure from ``structures`` (see :func:`linkages`); the discount factor common or per player
    (tests usually override it).
    """
    k = draw(st.integers(min_domains, max_domains))
    ids = [f"d{j + 1}" for j in range(k)]
    strategy = draw(strategies_(strategies, max_periods))
    stick = strategy.needs_stick
    domains = []
    for d in ids:
        if draw(st.booleans()):
            same = draw(payoffs(stick, well_formed=well_formed))
            per_player = {p: same for p in players}
        else:
            per_player = {p: draw(payoffs(stick, well_formed=well_formed)) for p in players}
        domains.append(Domain(d, per_player))
    linkage = draw(linkages(ids, players, structures))
    if draw(st.booleans()):
        discount = Discount(draw(rationals_in_unit_interval()))
    else:
        discount = Discount({p: draw(rationals_in_unit_interval()) for p in players})
    return Game(tuple(players), domains, discount, strategy, linkage)


class DeltaTable(dict):  # type: ignore[type-arg]
    """``{(player, domain_id): Fraction}`` that can be passed as ``deltas=``: it is callable."""

    def __call__(self, player: str, domain: str) -> Fraction:
        return self[(player, domain)]


@st.composite
def domain_deltas(draw: st.DrawFn, game: Game, max_denominator: int = 12) -> DeltaTable:
    """A discount factor per player and domain, as a callable table for ``deltas=``."""
    return DeltaTable(
        {
            (p, k): draw(rationals_in_unit_interval(max_denominator))
            for p in game.players
            for k in game.domain_ids
        }
    )


def relabel(
    game: Game,
    domains: Mapping[str, str],
    players: Mapping[str, str],
    order: Sequence[int] | None = None,
) -> Game:
    """``game`` with domain ids and player names renamed (old -> new) and domains reordered.

    ``order`` lists old positions in their new order (default: unchanged). The linkage structure
    (rules, protected and isolated domains) and per-player discount factors are renamed too.
    """
    dm: Callable[[str], str] = lambda k: domains.get(k, k)  # noqa: E731
    pm: Callable[[str], str] = lambda p: players.get(p, p) if p != "*" else "*"  # noqa: E731
    old = list(game.domains)
    order = list(range(len(old))) if order is None else list(order)
    new_domains = tuple(
        attrs.evolve(
            old[j], id=dm(old[j].id), payoffs={pm(p): v for p, v in old[j].payoffs.items()}
        )
        for j in order
    )
    lk = game.linkage
    linkage = attrs.evolve(
        lk,
        rules=tuple(
            Rule(pm(r.deviator), dm(r.domain), frozenset(dm(k) for k in r.punished))
            for r in lk.rules
        ),
        protected=frozenset(dm(k) for k in lk.protected),
        isolated=frozenset(dm(k) for k in lk.isolated),
    )
    if game.discount.is_common:
        discount = game.discount
    else:
        discount = Discount({pm(p): v for p, v in game.discount.value.items()})
    return attrs.evolve(
        game,
        players=tuple(pm(p) for p in game.players),
        domains=new_domains,
        discount=discount,
        linkage=linkage,
    )


@st.composite
def relabelings(
    draw: st.DrawFn, game: Game
) -> tuple[Game, dict[str, str], dict[str, str], list[int]]:
    """A relabelled copy of ``game``: ``(new_game, domain_map, player_map, order)``.

    New names are fresh (``x...`` for domains, ``P...`` for players), a random permutation of
    the old ones, so both "rename" and "reorder" are exercised.
    """
    ids = list(game.domain_ids)
    new_ids = draw(st.permutations([f"x{j}" for j in range(len(ids))]))
    domain_map = dict(zip(ids, new_ids, strict=True))
    new_players = draw(st.permutations([f"P{j}" for j in range(len(game.players))]))
    player_map = dict(zip(game.players, new_players, strict=True))
    order = list(draw(st.permutations(range(len(ids)))))
    players_order = list(draw(st.permutations(range(len(game.players)))))
    new = relabel(game, domain_map, player_map, order)
    new = attrs.evolve(new, players=tuple(new.players[j] for j in players_order))
    return new, domain_map, player_map, order
