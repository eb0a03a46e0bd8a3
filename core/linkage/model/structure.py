r"""Linkage structures: which domains punish a deviation in which.

A structure maps each (deviator :math:`i`, domain :math:`k`) to the set :math:`L_i(k) \ni k` of
domains where a deviation is punished:

* ``separate``: :math:`L_i(k) = \{k\}` (no linkage);
* ``full``: :math:`L_i(k)` = every domain (the pooled, Bernheim–Whinston case);
* ``rules``: :math:`L_i(k) = \{k\} \cup` the domains listed by every rule matching
  :math:`(i, k)`, e.g. "if Japan defects on energy, Russia also suspends fishing".

*Protected* domains are never used as a punishment lever: a deviation elsewhere never triggers
punishment in them (their own deviations are still punished in them). *Isolated* domains are
enforced only on their own in both directions: ordinal domains (ranks, not money) cannot be pooled
with cardinal ones, so a case file isolates them unless a salience weight puts them on the common
scale.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal

import attrs

from linkage.errors import ModelError

Mode = Literal["separate", "full", "rules"]


def _names(value: Iterable[str]) -> frozenset[str]:
    if isinstance(value, str):
        raise ModelError(f"expected a list of domain ids, got the string {value!r}")
    return frozenset(str(v) for v in value)


@attrs.frozen
class Rule:
    """A deviation by ``deviator`` (``"*"``: anyone) in ``domain`` is also punished in ``punished``."""

    deviator: str
    domain: str
    punished: frozenset[str] = attrs.field(converter=_names)

    def matches(self, player: str, domain: str) -> bool:
        return self.domain == domain and self.deviator in ("*", player)


def _rules(value: Iterable[Rule]) -> tuple[Rule, ...]:
    return tuple(value)


@attrs.frozen
class LinkageStructure:
    """A named linkage structure. ``LinkageStructure("full")``, ``LinkageStructure("rules", rules=...)``."""

    mode: Mode = attrs.field(validator=attrs.validators.in_(("separate", "full", "rules")))
    rules: tuple[Rule, ...] = attrs.field(default=(), converter=_rules)
    protected: frozenset[str] = attrs.field(default=frozenset(), converter=_names)
    name: str = ""
    source: str = ""
    isolated: frozenset[str] = attrs.field(default=frozenset(), converter=_names)

    def __attrs_post_init__(self) -> None:
        if self.rules and self.mode != "rules":
            raise ModelError(f"rules are only used with mode = 'rules', not {self.mode!r}")
        for rule in self.rules:
            clash = (rule.punished - {rule.domain}) & self.protected
            if clash:
                raise ModelError(
                    f"a rule for {rule.deviator}/{rule.domain} punishes protected domain(s) "
                    f"{', '.join(sorted(clash))}"
                )

    def punished(self, player: str, domain: str, domains: Sequence[str]) -> frozenset[str]:
        """:math:`L_i(k)`: the domains in ``domains`` where a deviation by ``player`` in ``domain`` is punished."""
        present = set(domains)
        if self.mode == "separate" or domain in self.isolated:
            return frozenset({domain})
        if self.mode == "full":
            return frozenset((present - self.protected - self.isolated) | {domain})
        out = {domain}
        for rule in self.rules:
            if rule.matches(player, domain):
                out |= rule.punished & present
        return frozenset(out - (self.isolated - {domain}))

    def check_domains(self, domains: Iterable[str], players: Iterable[str]) -> None:
        """Raise :class:`ModelError` if a rule or protection names an unknown domain or player."""
        known, people = set(domains), set(players)
        for name in self.protected - known:
            raise ModelError(f"protected domain {name!r} is not a domain of this game")
        for rule in self.rules:
            if rule.deviator != "*" and rule.deviator not in people:
                raise ModelError(f"rule deviator {rule.deviator!r} is not a player")
            for name in ({rule.domain} | rule.punished) - known:
                raise ModelError(f"rule names unknown domain {name!r}")

    def describe(self) -> str:
        if self.mode == "separate":
            return "separate (each domain punished only in itself)"
        if self.mode == "full":
            text = "full (a deviation anywhere is punished in every domain)"
        else:
            parts = [
                f"{r.deviator} in {r.domain} -> {', '.join(sorted(r.punished | {r.domain}))}"
                for r in self.rules
            ]
            text = "rules: " + ("; ".join(parts) if parts else "none")
        if self.protected:
            text += f"; protected: {', '.join(sorted(self.protected))}"
        if self.isolated:
            text += f"; enforced alone (ordinal): {', '.join(sorted(self.isolated))}"
        return text

    def as_json(self) -> dict[str, object]:
        return {
            "mode": self.mode,
            "name": self.name,
            "protected": sorted(self.protected),
            "isolated": sorted(self.isolated),
            "rules": [
                {"deviator": r.deviator, "domain": r.domain, "punished": sorted(r.punished)}
                for r in self.rules
            ],
        }


SEPARATE = LinkageStructure("separate", name="separate")
FULL = LinkageStructure("full", name="full")
