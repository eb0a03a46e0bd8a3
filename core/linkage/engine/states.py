r"""Which punishment states play can reach, as bit masks over the domains of a game.

A deviation by player :math:`j` in domain :math:`k` triggers punishment in :math:`L_j(k)` (the
linkage structure). Since both players may deviate in the same period, any union of such sets can
be triggered at once: the states a strategy can reach are built from the **members**
:math:`\{L_j(k)\}` of every player :math:`j` and domain :math:`k`:

* grim trigger: the punished set :math:`P` is any union of members;
* :math:`T`-period reversion: the sets triggered in the last :math:`T` periods, each such a union;
* stick-and-carrot: the set :math:`Q` in the stick this period, any union of members.

A deviation by player :math:`i` in :math:`S` at a state where :math:`P` is already punished
punishes :math:`M_i(S) \setminus P` afresh, :math:`M_i(S) = \bigcup_{k\in S} L_i(k)`, and :math:`P`
can contain only domains that are not in :math:`S` (a punished domain is at its stage Nash
equilibrium, where there is nothing to deviate from). The states relevant to :math:`S` are
therefore the unions of members that avoid :math:`S`, seen through :math:`M_i(S)`.

Domains in different **components** (connected parts of the hypergraph of members) never share a
punishment: a deviation spanning components is the sum of its parts, and is implied by them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cached_property

import attrs

from linkage.errors import TooLargeError
from linkage.model.game import Game

MAX_UNION_MEMBERS = 16
"""Largest number of distinct members whose unions are enumerated for one deviation."""


def bits(mask: int) -> Iterator[int]:
    """The indices of the set bits of ``mask``, lowest first."""
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


@attrs.frozen(eq=False)
class Masks:
    """The linkage structure of ``game`` as bit masks (domain ``i`` is bit ``i`` in game order)."""

    game: Game

    @cached_property
    def ids(self) -> tuple[str, ...]:
        return self.game.domain_ids

    @cached_property
    def full(self) -> int:
        return (1 << len(self.ids)) - 1

    @cached_property
    def L(self) -> dict[str, tuple[int, ...]]:
        """Per player, per domain index: the mask of :math:`L_j(k)`."""
        ids, index = self.ids, {k: i for i, k in enumerate(self.ids)}
        link = self.game.linkage
        return {
            p: tuple(
                sum(1 << index[d] for d in link.punished(p, k, ids)) | (1 << index[k]) for k in ids
            )
            for p in self.game.players
        }

    @cached_property
    def members(self) -> tuple[int, ...]:
        """The distinct sets one deviation can trigger, over every player and domain."""
        return tuple(sorted({m for per in self.L.values() for m in per}))

    def M(self, player: str, S: int) -> int:
        """:math:`M_i(S)`: where a deviation by ``player`` in ``S`` is punished."""
        out, L = 0, self.L[player]
        for k in bits(S):
            out |= L[k]
        return out

    @cached_property
    def components(self) -> tuple[int, ...]:
        """The connected components of the members' hypergraph, as masks, in domain order."""
        parent = list(range(len(self.ids)))

        def find(x: int) -> int:
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for m in self.members:
            first = next(bits(m))
            for k in bits(m):
                parent[find(k)] = find(first)
        comps: dict[int, int] = {}
        for k in range(len(self.ids)):
            comps[find(k)] = comps.get(find(k), 0) | (1 << k)
        return tuple(sorted(comps.values(), key=lambda c: c & -c))

    def unions(self, allowed: Sequence[int], within: int) -> list[int]:
        """The distinct values of ``U & within`` over unions ``U`` of the ``allowed`` members
        (the empty union included)."""
        seen = {m & within for m in allowed} - {0}
        reduced = sorted(seen)
        if len(reduced) > MAX_UNION_MEMBERS:
            raise TooLargeError(
                f"{len(reduced)} overlapping punishment sets: the states reachable by their "
                f"unions are too many to enumerate exactly (limit {MAX_UNION_MEMBERS})"
            )
        out = {0}
        for m in reduced:
            out |= {u | m for u in out}
        return sorted(out)

    def avoiding(self, S: int) -> list[int]:
        """The members that do not meet ``S``."""
        return [m for m in self.members if not m & S]

    def mask(self, names: frozenset[str]) -> int:
        index = {k: i for i, k in enumerate(self.ids)}
        return sum(1 << index[k] for k in names)

    def names(self, mask: int) -> frozenset[str]:
        return frozenset(self.ids[i] for i in bits(mask))
