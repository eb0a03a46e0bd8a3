"""The method that tests linkage hypotheses against the record (``linkage.record``): the automaton,
the likelihood, what decides a ranking, and a simulation study of the whole (the generator in
``linkage.record.simulate`` is written apart from the scorer)."""

from __future__ import annotations

import math

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linkage.cases import load_case_text
from linkage.cases.case import Case, Event
from linkage.record.likelihood import Tally, posterior
from linkage.record.simulate import simulate
from linkage.timeline import TimelineAnalysis

# Two players, three domains at δ = 1/2 (primer TV04): d1 and d3 hold on their own (1/3), d2 does
# not (3/5) but does when pooled. 'one_way': a deviation by A in d1 is also punished in d2.
BASE = """
[case]
id = "record"
players = ["A", "B"]
discount = "patience"
end = 2010-01-01

[parameters]
patience = 0.5

[[domains]]
id = "d1"
payoffs.A = { C = 3, D = 4, N = 1 }
payoffs.B = { C = 3, D = 4, N = 1 }

[[domains]]
id = "d2"
payoffs.A = { C = 3, D = 6, N = 1 }
payoffs.B = { C = 3, D = 6, N = 1 }

[[domains]]
id = "d3"
payoffs.A = { C = 3, D = 4, N = 1 }
payoffs.B = { C = 3, D = 4, N = 1 }

[[hypotheses]]
id = "full"
mode = "full"

[[hypotheses]]
id = "separate"
mode = "separate"

[[hypotheses]]
id = "one_way"
mode = "rules"
rules = [{ deviator = "A", domain = "d1", punished = ["d2"] }]
"""


ONE_WAY = (
    'id = "one_way"\nmode = "rules"\nrules = [{ deviator = "A", domain = "d1", punished = ["d2"] }]'
)
assert ONE_WAY in BASE


def case_with(timeline: str, base: str = BASE) -> Case:
    return load_case_text(base + timeline, file="record.toml")


def states(t: TimelineAnalysis, hypothesis: str) -> list[dict[str, str]]:
    """Per period, the predicted state of each open domain ('c'ooperating or 'b'reakdown, '*' if
    punished)."""
    return [
        {k: ("c" if p.cooperating else "b") + ("*" if p.punished else "") for k, p in per.items()}
        for per in t.predictions[hypothesis]
    ]


# -- the automaton ------------------------------------------------------------------------------
def test_a_recorded_deviation_is_punished_in_the_hypothesis_linkage_set() -> None:
    t = TimelineAnalysis(
        case_with(
            """
[[timeline]]
date = 2000-01-01
title = "start"
[[timeline]]
date = 2002-01-01
title = "A deviates in d1"
deviation = { player = "A", domains = ["d1"] }
"""
        )
    )
    before = {"d1": "c", "d2": "c", "d3": "c"}
    assert states(t, "full") == [before, {"d1": "b*", "d2": "b*", "d3": "b*"}]
    # separate: d2 never holds alone at 1/2; the deviation is punished in d1 only
    assert states(t, "separate") == [
        {"d1": "c", "d2": "b", "d3": "c"},
        {"d1": "b*", "d2": "b", "d3": "c"},
    ]
    assert states(t, "one_way")[1] == {"d1": "b*", "d2": "b*", "d3": "c"}


def test_a_rule_for_one_deviator_does_not_punish_the_other() -> None:
    t = TimelineAnalysis(
        case_with(
            """
[[timeline]]
date = 2000-01-01
title = "B deviates in d1"
deviation = { player = "B", domains = ["d1"] }
"""
        )
    )
    assert states(t, "one_way")[0]["d1"] == "b*"
    assert not t.predictions["one_way"][0]["d2"].punished


def test_grim_punishment_lasts_until_the_deviation_is_settled() -> None:
    t = TimelineAnalysis(
        case_with(
            """
[[timeline]]
date = 2000-01-01
title = "A deviates in d1, B in d3"
deviation = [{ player = "A", domains = ["d1"] }, { player = "B", domains = ["d3"] }]
[[timeline]]
date = 2003-01-01
title = "nothing happens"
[[timeline]]
date = 2005-01-01
title = "B's dispute settled"
settlement = { player = "B", domains = ["d3"] }
[[timeline]]
date = 2007-01-01
title = "everything settled"
settlement = true
"""
        )
    )
    sep = states(t, "separate")
    assert [s["d1"] for s in sep] == ["b*", "b*", "b*", "c"]
    assert [s["d3"] for s in sep] == ["b*", "b*", "c", "c"]


def test_t_period_punishment_ends_after_t_years_at_a_period_of_its_own() -> None:
    base = BASE.replace(
        "[parameters]", '[strategy]\nkind = "t_period"\nperiods = 3\n\n[parameters]'
    )
    # T = 3 at δ = 1/2 needs δ + δ² + δ³ >= (D-C)/(C-N) = 1/2 in d1: holds; d2 needs 3/2: fails
    t = TimelineAnalysis(
        case_with(
            """
[[timeline]]
date = 2000-01-01
title = "A deviates in d1"
deviation = { player = "A", domains = ["d1"] }
""",
            base,
        )
    )
    assert [p.start for p in t.periods] == ["2000-01-01", "2003-01-01"]
    assert t.periods[1].event is None and "2000-01-01" in t.periods[1].title
    assert [s["d1"] for s in states(t, "separate")] == ["b*", "c"]


def test_stick_and_carrot_punishes_for_one_year() -> None:
    stick = BASE.replace("[parameters]", '[strategy]\nkind = "stick_carrot"\n\n[parameters]')
    stick = stick.replace("N = 1 }", "N = 1, P = 0, DP = 1 }")
    t = TimelineAnalysis(
        case_with(
            """
[[timeline]]
date = 2000-06-01
title = "B deviates in d3"
deviation = { player = "B", domains = ["d3"] }
""",
            stick,
        )
    )
    assert [p.start for p in t.periods] == ["2000-06-01", "2001-06-01"]
    assert [s["d3"] for s in states(t, "full")] == ["b*", "c"]


def test_parameters_in_force_predict_breakdown_where_a_constraint_fails() -> None:
    t = TimelineAnalysis(
        case_with(
            """
[[timeline]]
date = 2000-01-01
title = "start"
[[timeline]]
date = 2004-01-01
title = "patience falls"
set = { patience = 0.3 }
"""
        )
    )
    # at 3/10 pooling fails (5/11 > 3/10) and so does every domain alone (1/3, 3/5)
    assert states(t, "full") == [
        {"d1": "c", "d2": "c", "d3": "c"},
        {"d1": "b", "d2": "b", "d3": "b"},
    ]


def test_a_domain_that_is_not_open_is_neither_predicted_nor_a_lever() -> None:
    t = TimelineAnalysis(
        case_with(
            """
[[timeline]]
date = 2000-01-01
title = "d2 not yet open"
observed = { d1 = "cooperating" }
[[timeline]]
date = 2003-01-01
title = "d2 opens"
opens = ["d2"]
observed = { d2 = "cooperating" }
[[timeline]]
date = 2006-01-01
title = "d3 closes"
closes = ["d3"]
"""
        )
    )
    assert [sorted(p.open) for p in t.periods] == [["d1", "d3"], ["d1", "d2", "d3"], ["d1", "d2"]]
    assert "d2" not in t.predictions["full"][0]
    assert t.periods[2].observed == {"d1": "cooperating", "d2": "cooperating"}


def test_coercion_is_a_punishment_phase_not_a_defection() -> None:
    """B suspends d2 after A's deviation in d1: 'one_way' predicts it with no gain to B from
    suspending; 'separate' cannot."""
    t = TimelineAnalysis(
        case_with(
            """
[[timeline]]
date = 2000-01-01
title = "A deviates in d1; B suspends d2"
deviation = { player = "A", domains = ["d1"] }
observed = { d1 = "defected", d2 = { state = "suspended", by = "B" }, d3 = "cooperating" }
"""
        ).with_values(patience=0.7)  # d2 holds alone at 7/10: only a punishment can break it
    )
    assert t.periods[0].matches("one_way") == {"d1": True, "d2": True, "d3": True}
    assert t.periods[0].matches("separate")["d2"] is False


# -- the likelihood -----------------------------------------------------------------------------
def test_log_likelihood_and_posterior_by_hand() -> None:
    """A two-year record, 2000 and 2001 (731 days): every domain cooperating throughout. At δ = 1/2
    'separate' and 'one_way' predict d2 breaks down (it holds only pooled); 'full' is right."""
    t = TimelineAnalysis(
        case_with(
            """
[[timeline]]
date = 2000-01-01
title = "start"
observed = { d1 = "cooperating", d2 = "cooperating", d3 = "cooperating" }
""",
            BASE.replace("end = 2010-01-01", "end = 2002-01-01"),
        )
    )
    years = 731 / 365.25
    eps = 0.1
    ll = t.log_likelihoods(eps)
    assert ll["full"] == pytest.approx(3 * years * math.log(0.9))
    assert ll["separate"] == pytest.approx(2 * years * math.log(0.9) + years * math.log(0.1))
    odds = (0.9 / 0.1) ** years
    assert t.posterior(eps)["full"] == pytest.approx(odds / (odds + 2))
    assert t.scores(eps)["separate"].log10_bayes_factor == pytest.approx(-years * math.log10(9))
    assert sum(t.posterior(eps).values()) == pytest.approx(1.0)


def test_a_four_day_period_weighs_four_days() -> None:
    t = TimelineAnalysis(
        case_with(
            """
[[timeline]]
date = 2000-01-01
title = "start"
observed = { d1 = "cooperating", d2 = "cooperating", d3 = "cooperating" }
[[timeline]]
date = 2000-03-01
title = "d2 breaks for four days"
observed = { d2 = "suspended" }
[[timeline]]
date = 2000-03-05
title = "d2 back"
observed = { d2 = "cooperating" }
"""
        )
    )
    full, separate = t.totals["full"], t.totals["separate"]
    assert full.mismatched == 4  # days: only the four-day breakdown
    assert separate.mismatched == t.totals["separate"].scored // 3 - 4


def test_priors_weight_the_posterior() -> None:
    logs = {"a": -1.0, "b": -2.0}
    even = posterior(logs)
    assert even["a"] == pytest.approx(math.e / (math.e + 1))
    weighted = posterior(logs, {"a": 1.0, "b": math.e})  # b's prior cancels its likelihood
    assert weighted["a"] == pytest.approx(0.5) and weighted["b"] == pytest.approx(0.5)


def test_tallies_are_whole_days_and_units_follow_the_resolution() -> None:
    t = Tally(730, 365)
    assert t.log_likelihood(0.1, "day") == pytest.approx(730 * math.log(0.9) + 365 * math.log(0.1))
    assert t.log_likelihood(0.1, "year") == pytest.approx(
        (730 * math.log(0.9) + 365 * math.log(0.1)) / 365.25
    )
    with pytest.raises(ValueError, match="between 0 and 1/2"):
        t.log_likelihood(0.5, "year")


RECORD = """
[[timeline]]
date = 2000-01-01
title = "start"
observed = { d1 = "cooperating", d2 = "cooperating", d3 = "cooperating" }
[[timeline]]
date = 2002-05-17
title = "A deviates in d1"
deviation = { player = "A", domains = ["d1"] }
observed = { d1 = "defected", d2 = "suspended" }
[[timeline]]
date = 2004-02-01
title = "settled"
settlement = true
observed = { d1 = "cooperating", d2 = { state = "partial" } }
[[timeline]]
date = 2006-09-09
title = "patience falls"
set = { patience = 0.4 }
observed = { d2 = "suspended", d3 = "unknown" }
"""


@settings(max_examples=25)
@given(
    days=st.lists(st.integers(min_value=0, max_value=3652), min_size=1, max_size=5),
    strategy=st.sampled_from(["", '[strategy]\nkind = "t_period"\nperiods = 2\n']),
)
def test_events_that_set_and_observe_nothing_change_no_score(
    days: list[int], strategy: str
) -> None:
    """Bookkeeping invariance: inserting empty events (on any day, even an event's own) changes
    neither a tally nor a score nor the explanation's ranking."""
    base = BASE.replace("[parameters]", strategy + "\n[parameters]")
    case = case_with(RECORD, base)
    start = case.timeline[0].day
    extra = [Event(_iso(start + d), "nothing") for d in days]
    merged = tuple(sorted([*case.timeline, *extra], key=lambda e: e.day))  # stable: events first
    padded = attrs.evolve(case, timeline=merged)
    a, b = TimelineAnalysis(case), TimelineAnalysis(padded)
    assert a.totals == b.totals
    assert a.log_likelihoods() == b.log_likelihoods()
    assert a.posterior() == b.posterior()
    assert a.explain().ranking == b.explain().ranking


def _iso(ordinal: int) -> str:
    import datetime as dt

    return dt.date.fromordinal(ordinal).isoformat()


@settings(max_examples=20)
@given(eps=st.floats(min_value=0.001, max_value=0.49))
def test_the_ranking_is_the_ranking_by_mismatched_time_whatever_the_error_rate(eps: float) -> None:
    t = TimelineAnalysis(case_with(RECORD))
    by_mismatch = sorted(t.hypotheses, key=lambda h: t.totals[h].mismatched)
    post = t.posterior(eps)
    assert sorted(t.hypotheses, key=lambda h: -post[h]) == by_mismatch
    assert len({t.totals[h].scored for h in t.hypotheses}) == 1  # scored on the same time


# -- what decides the ranking -------------------------------------------------------------------
TWINS = (
    BASE
    + """
[[hypotheses]]
id = "full_again"
mode = "full"

[[hypotheses]]
id = "b_rule"
mode = "rules"
rules = [{ deviator = "B", domain = "d1", punished = ["d2"] }]
"""
)


def test_identical_predictions_give_identical_scores_and_are_reported_equivalent() -> None:
    t = TimelineAnalysis(case_with(RECORD, TWINS).with_values(patience=0.7))
    s = t.scores()
    assert s["full"].log_likelihood == s["full_again"].log_likelihood
    assert s["full"].posterior == s["full_again"].posterior
    # at 7/10 every domain holds on its own; B never deviates, so a rule for B's deviations
    # changes nothing on this record: 'b_rule' predicts like 'separate'
    assert t.equivalent == (("full", "full_again"), ("separate", "b_rule"))
    assert s["separate"].posterior == s["b_rule"].posterior
    x = t.explain()
    assert all(
        {"full", "full_again"} <= set(g) or not {"full", "full_again"} & set(g) for g in x.ranking
    )


def test_hypotheses_that_differ_only_where_nothing_is_scored_are_indistinguishable() -> None:
    record = RECORD.replace(
        'observed = { d1 = "defected", d2 = "suspended" }',
        'observed = { d1 = "defected", d2 = "unknown" }',
    ).replace('observed = { d2 = "suspended", d3 = "unknown" }', 'observed = { d3 = "unknown" }')
    record = record.replace(
        'observed = { d1 = "cooperating", d2 = { state = "partial" } }',
        'observed = { d1 = "cooperating" }',
    )
    t = TimelineAnalysis(case_with(record))
    x = t.explain()
    # full and one_way differ on d3 after A's deviation (full punishes it), which is observed
    # 'cooperating' there: they are distinguishable; one_way and full differ on d2 only while
    # d2 is 'unknown'... but they also differ on d3, so only groups with equal tallies count
    for group in x.indistinguishable:
        tallies = {tuple(sorted(t.by_window[h].items())) for h in group}
        assert len(tallies) == 1
        assert not any(set(group) <= set(e) for e in t.equivalent)


def test_contributions_sum_to_the_log_ratio_and_drop_one_finds_the_deciding_observation() -> None:
    t = TimelineAnalysis(case_with(RECORD))
    x = t.explain()
    assert x.leader == x.ranking[0][0] and x.runner_up is not None
    assert sum(c.log_ratio for c in x.contributions) == pytest.approx(x.log_ratio)
    sizes = [abs(c.log_ratio) for c in x.contributions]
    assert sizes == sorted(sizes, reverse=True)
    for change in x.rank_changes:
        key = (change.window.event, change.window.domain)
        without = {
            h: (t.totals[h] - t.by_window[h].get(key, Tally())).log_likelihood(0.1, "year")
            for h in t.hypotheses
        }
        assert max(without, key=lambda h: (without[h], -t.hypotheses.index(h))) in change.ranking[0]


def test_one_observation_can_decide_the_ranking() -> None:
    """After A's deviation in d1, 'full' and 'one_way' differ only in d3, 'separate' and
    'one_way' only in d2: each of those observations decides, and dropping it ties the two."""
    record = """
[[timeline]]
date = 2000-01-01
title = "A deviates in d1"
deviation = { player = "A", domains = ["d1"] }
observed = { d1 = "defected", d2 = "suspended", d3 = "cooperating" }
"""
    t = TimelineAnalysis(case_with(record).with_values(patience=0.7))
    x = t.explain()
    # full also punishes d3 (wrong), separate does not punish d2 (wrong), one_way is right
    assert x.ranking == (("one_way",), ("full", "separate"))
    changed = {c.window.domain: c.ranking for c in x.leader_changes}
    assert changed == {
        "d2": (("separate", "one_way"), ("full",)),
        "d3": (("full", "one_way"), ("separate",)),
    }


def test_unsourced_observations_are_flagged() -> None:
    record = """
[sources.ap]
title = "A report"
publisher = "AP"
date = 2000-01-02

[[timeline]]
date = 2000-01-01
title = "start"
cite = ["ap"]
observed = { d1 = "cooperating" }
[[timeline]]
date = 2001-01-01
title = "two observations"
observed = { d2 = { state = "suspended", cite = ["ap"] }, d3 = "cooperating" }
[[timeline]]
date = 2002-01-01
title = "an estimate"
estimate = true
observed = { d3 = "suspended" }
"""
    t = TimelineAnalysis(case_with(record))
    assert [(w.event, w.domain) for w in t.unsourced] == [(1, "d3")]
    assert [(w.event, w.domain) for w in t.explain().unsourced] == [(1, "d3")]


# -- simulation: the scorer recovers the generating hypothesis ----------------------------------
SIMULATIONS = 200
YEARS = 10  # x 3 domains: 30 observations per record


@pytest.fixture(scope="module")
def simulated() -> list[tuple[str, dict[str, float]]]:
    """(true hypothesis, posterior) for 200 records of 30 observations each, ε = 0.1; the true
    hypothesis is drawn from the (uniform) prior, so the posterior should be calibrated."""
    # three structures that stay distinct under subgame perfection: full linkage, none, and full
    # linkage that never uses d3 as a lever (a deviation in d1 or d2 is not punished in d3)
    protected = 'id = "protected"\nmode = "full"\nprotected = ["d3"]'
    base = load_case_text(BASE.replace(ONE_WAY, protected))
    rng = np.random.default_rng(20250101)
    hyps = [h.id for h in base.hypotheses]
    out = []
    for _ in range(SIMULATIONS):
        truth = hyps[int(rng.integers(len(hyps)))]
        record = simulate(
            base,
            truth,
            years=YEARS,
            error_rate=0.1,
            seed=rng,
            deviation_rate=0.9,
            settlement_rate=0.6,
        )
        assert len(record.timeline) * len(record.domain_ids) == 30
        out.append((truth, TimelineAnalysis(record).posterior()))
    return out


def test_simulated_records_are_attributed_to_their_hypothesis(
    simulated: list[tuple[str, dict[str, float]]],
) -> None:
    right = 0
    for truth, post in simulated:
        best = max(post.values())
        right += [h for h, p in post.items() if p == best] == [truth]
    assert right >= 0.9 * SIMULATIONS, right


def test_the_posterior_is_calibrated(simulated: list[tuple[str, dict[str, float]]]) -> None:
    """Among (record, hypothesis) pairs given posterior about p, the hypothesis is the true one
    about p of the time: per bin, the count of true ones is within 3 standard deviations of the
    sum of the posteriors (a binomial-sum variance, floored at 1)."""
    pairs = [(p, h == truth) for truth, post in simulated for h, p in post.items()]
    for low, high in ((0, 0.05), (0.05, 0.35), (0.35, 0.65), (0.65, 0.95), (0.95, 1.01)):
        inside = [(p, y) for p, y in pairs if low <= p < high]
        if not inside:
            continue
        expected = sum(p for p, _ in inside)
        observed = sum(y for _, y in inside)
        sd = max(math.sqrt(sum(p * (1 - p) for p, _ in inside)), 1.0)
        assert abs(observed - expected) <= 3 * sd, (low, high, observed, expected, len(inside))
    # and per hypothesis: the mean posterior of the truth matches how often it is the truth
    for h in {truth for truth, _ in simulated}:
        expected = sum(post[h] for _, post in simulated)
        observed = sum(truth == h for truth, _ in simulated)
        sd = max(math.sqrt(sum(post[h] * (1 - post[h]) for _, post in simulated)), 1.0)
        assert abs(observed - expected) <= 3 * sd, (h, observed, expected)


def test_the_generator_is_reproducible_and_codes_every_domain_every_year() -> None:
    base = load_case_text(BASE)
    a = simulate(base, "full", years=5, error_rate=0.2, seed=7)
    b = simulate(base, "full", years=5, error_rate=0.2, seed=7)
    assert a.timeline == b.timeline and a.end == "2005"
    assert all(set(e.observed) == {"d1", "d2", "d3"} for e in a.timeline)
    noiseless = simulate(base, "separate", years=8, error_rate=0.0, seed=3)
    t = TimelineAnalysis(noiseless)
    assert t.totals["separate"].mismatched == 0
