"""A repeated game of issue linkage: players, domains, discount factors, punishment and linkage."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs
import sympy

from linkage.errors import ModelError
from linkage.model.discount import Discount
from linkage.model.payoffs import Domain
from linkage.model.strategies import GrimTrigger, Strategy
from linkage.model.structure import FULL, LinkageStructure
from linkage.symbols import delta
from linkage.values import exact


def _players(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _domains(value: Iterable[Domain]) -> tuple[Domain, ...]:
    return tuple(value)


def _discount(value: Any) -> Discount:
    return value if isinstance(value, Discount) else Discount(value)


@attrs.frozen
class Game:
    """Everything the engine needs to derive enforcement conditions.

    >>> from linkage.model import Domain
    >>> g = Game(("A", "B"), (Domain("d1", {"A": dict(C=3, D=4, N=1), "B": dict(C=3, D=4, N=1)}),), 0.5)
    >>> g.domain_ids
    ('d1',)
    """

    players: tuple[str, ...] = attrs.field(converter=_players)
    domains: tuple[Domain, ...] = attrs.field(converter=_domains)
    discount: Discount = attrs.field(converter=_discount)
    strategy: Strategy = attrs.field(factory=GrimTrigger)
    linkage: LinkageStructure = FULL
    id: str = "game"

    def __attrs_post_init__(self) -> None:
        if len(self.players) < 2:
            raise ModelError(f"a game needs at least two players, got {list(self.players)}")
        if len(set(self.players)) != len(self.players):
            raise ModelError(f"player names must be unique: {list(self.players)}")
        if not self.domains:
            raise ModelError("a game needs at least one domain")
        ids = [d.id for d in self.domains]
        if len(set(ids)) != len(ids):
            raise ModelError(f"domain ids must be unique: {ids}")
        for d in self.domains:
            missing = set(self.players) - set(d.payoffs)
            extra = set(d.payoffs) - set(self.players)
            if missing:
                raise ModelError(f"domain {d.id!r} has no payoffs for {', '.join(sorted(missing))}")
            if extra:
                raise ModelError(
                    f"domain {d.id!r} has payoffs for unknown player(s) {', '.join(sorted(extra))}"
                )
            if self.strategy.needs_stick:
                for p in self.players:
                    if not d.payoffs[p].has_stick:
                        raise ModelError(
                            f"{self.strategy.kind} needs P and DP: missing in domain {d.id!r} for {p}"
                        )
        if not self.discount.is_common:
            for p in self.players:
                self.discount.of(p)
        for d in self.domains:
            if d.discount is not None and not d.discount.is_common:
                for p in self.players:
                    d.discount.of(p)
        self.linkage.check_domains(ids, self.players)

    @property
    def domain_ids(self) -> tuple[str, ...]:
        return tuple(d.id for d in self.domains)

    def domain(self, domain_id: str) -> Domain:
        for d in self.domains:
            if d.id == domain_id:
                return d
        raise ModelError(f"no domain {domain_id!r}")

    def domain_discount(self, player: str, domain_id: str) -> sympy.Expr:
        """The factor discounting ``player``'s stakes in a domain: the domain's own when it has one
        (possibly an expression in ``delta``), else the symbol ``delta``, the player's discount
        factor, in which thresholds are expressed."""
        own = self.domain(domain_id).discount
        return delta if own is None else own.of(player)

    @property
    def free_symbols(self) -> set[sympy.Symbol]:
        out: set[sympy.Symbol] = set()
        for d in self.domains:
            for payoffs in d.payoffs.values():
                out |= payoffs.free_symbols
            if d.discount is not None:
                for p in self.players:
                    out |= d.discount.of(p).free_symbols - {delta}
        return out

    def subs(self, values: Mapping[sympy.Symbol, Any]) -> Game:
        """The game at a calibration: every symbol in payoffs and discount factors replaced.

        Keys must be sympy symbols and values exact numbers or expressions (no text: see
        :func:`linkage.values.exact`).
        """
        for key in values:
            if not isinstance(key, sympy.Symbol):
                raise ModelError(f"calibration keys must be sympy symbols, got {key!r}")
        values = {k: exact(v) for k, v in values.items()}
        domains = tuple(
            attrs.evolve(
                d,
                payoffs={k: v.subs(values) for k, v in d.payoffs.items()},
                discount=None if d.discount is None else d.discount.subs(values),
            )
            for d in self.domains
        )
        return attrs.evolve(self, domains=domains, discount=self.discount.subs(values))

    def with_linkage(self, linkage: LinkageStructure) -> Game:
        return attrs.evolve(self, linkage=linkage)

    def restricted(self, domain_ids: tuple[str, ...]) -> Game:
        """The game on a package of domains (the others stay at the stage Nash equilibrium)."""
        keep = set(domain_ids)
        linkage = self.linkage
        if linkage.mode == "rules":
            linkage = attrs.evolve(
                linkage,
                rules=tuple(
                    attrs.evolve(r, punished=r.punished & keep)
                    for r in linkage.rules
                    if r.domain in keep
                ),
            )
        linkage = attrs.evolve(
            linkage, protected=linkage.protected & keep, isolated=linkage.isolated & keep
        )
        return attrs.evolve(
            self, domains=tuple(d for d in self.domains if d.id in keep), linkage=linkage
        )
