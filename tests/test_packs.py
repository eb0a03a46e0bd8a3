"""The built-in domain packs (fisheries, sakhalin2) and the plugin-author helpers."""

from __future__ import annotations

import types
from fractions import Fraction

import pytest
import sympy

import linkage_fisheries
import linkage_sakhalin2
from linkage import hookimpl
from linkage.cases.loader import load_case_text
from linkage.engine.analysis import analyze
from linkage.engine.condition import critical_delta
from linkage.model.payoffs import exact
from linkage.models import DomainModel, Parameter
from linkage.plugins.manager import DEFAULT_PLUGINS, PluginHost
from linkage.testing import assert_valid_domain_model, registered
from linkage_fisheries import ACCESS_FOR_PAYMENT, RECIPROCAL_QUOTA
from linkage_sakhalin2 import LNG_SUPPLY

pytest_plugins = ["linkage.testing"]

PACK_MODELS = (ACCESS_FOR_PAYMENT, RECIPROCAL_QUOTA, LNG_SUPPLY)


def grim(payoffs):
    return critical_delta("grim", payoffs.temptation, payoffs.stake)


def same(a, b) -> bool:
    return sympy.simplify(sympy.sympify(a) - sympy.sympify(b)) == 0


@pytest.fixture
def entry_point_host() -> PluginHost:
    """A host that loads the two packs through their entry points (and no other installed pack)."""
    return PluginHost(load=("fisheries", "sakhalin2"), disable=(), trace=False)


# -- conformance and discovery ------------------------------------------------------------------


@pytest.mark.parametrize("model", PACK_MODELS, ids=lambda m: m.id)
def test_pack_models_pass_the_conformance_check(model, linkage_conformance):
    linkage_conformance(model)  # raises AssertionError on any problem
    assert model.id.split(".")[0] in ("fisheries", "sakhalin2")
    assert all(p.source.strip() and p.unit.strip() for p in model.parameters)


def test_packs_are_discovered_through_entry_points(entry_point_host):
    records = entry_point_host.records
    expected = {
        "fisheries": ["fisheries.access_for_payment", "fisheries.reciprocal_quota"],
        "sakhalin2": ["sakhalin2.lng_supply"],
    }
    for name, ids in expected.items():
        record = records[name]
        assert record.status == "ok", record.error
        assert record.distribution == "issue-linkage"
        assert not record.builtin
        assert record.hooks == ["register_domain_models"]
        assert sorted(record.contributes["domain_models"]) == ids
        for model_id in ids:
            assert entry_point_host.registry.owner("domain_models", model_id) == name
    # the packs' own models, their build functions run under guard (linkage.guard)
    assert entry_point_host.lookup("domain_models", "sakhalin2.lng_supply").build.fn is (
        LNG_SUPPLY.build
    )
    assert entry_point_host.lookup("domain_models", "fisheries.reciprocal_quota").build.fn is (
        RECIPROCAL_QUOTA.build
    )


def test_linkage_host_fixture_loads_built_ins_only(linkage_host):
    assert {r.name for r in linkage_host.records.values()} == {
        m.rsplit(".", 1)[-1] for m in DEFAULT_PLUGINS
    }
    assert all(r.builtin for r in linkage_host.records.values())
    assert "fisheries.access_for_payment" not in linkage_host.registry.ids("domain_models")


def test_registered_adds_a_pack_for_the_block_only(linkage_host):
    with registered(linkage_host, linkage_fisheries, "fisheries") as record:
        assert record.status == "ok"
        model = linkage_host.lookup("domain_models", "fisheries.access_for_payment")
        assert model.build.fn is ACCESS_FOR_PAYMENT.build  # under guard
    assert "fisheries.access_for_payment" not in linkage_host.registry.ids("domain_models")
    assert "fisheries" not in linkage_host.records
    # registering the same pack again works: nothing was left behind
    with registered(linkage_host, linkage_fisheries, "fisheries") as record:
        assert record.contributes["domain_models"] == [m.id for m in linkage_fisheries.MODELS]
    # without a name, the module's name is used
    with registered(linkage_host, linkage_sakhalin2) as record:
        assert record.name == "linkage_sakhalin2"
        assert linkage_host.lookup("domain_models", "sakhalin2.lng_supply").id == LNG_SUPPLY.id
    assert "sakhalin2.lng_supply" not in linkage_host.registry.ids("domain_models")


def test_registered_reports_a_failing_plugin(linkage_host):
    broken = types.SimpleNamespace(__name__="broken_pack")

    @hookimpl
    def register_domain_modles(register):  # misspelt hook name
        pass

    broken.register_domain_modles = register_domain_modles
    with (
        pytest.raises(AssertionError, match=r"broken_pack.*register_domain_models"),
        registered(linkage_host, broken),
    ):
        pass
    assert "broken_pack" not in linkage_host.records
    with registered(linkage_host, broken, strict=False) as record:
        assert record.status == "error"


# -- fisheries.access_for_payment: the closed forms of the docstring ----------------------------


def test_fishing_state_threshold_matches_the_documented_formula():
    m = ACCESS_FOR_PAYMENT
    s = m.symbols
    sym = m.payoffs(symbolic=True)["fishing"]
    # By hand, in the source units (JPY): δ* = (1−π)(fee+equipment)·10^6 /
    #   (quota·catch_share·price_per_tonne − (π(fee+equipment) + fallback_catch − subsidy)·10^6)
    pay = (s["fee"] + s["equipment"]) * 10**6
    pi = s["prepaid_share"]
    by_hand = (
        (1 - pi)
        * pay
        / (
            s["quota"] * s["catch_share"] * s["price_per_tonne"]
            - pi * pay
            - (s["fallback_catch"] - s["subsidy"]) * 10**6
        )
    )
    # The gain is non-negative by construction (no clamp needed), so δ* = (D−C)/(D−N).
    assert same(sym.D - sym.C, s["salience"] * (1 - pi) * pay / (10**9 * s["fx"]))
    assert same((sym.D - sym.C) / (sym.D - sym.N), by_hand)
    # Neither the salience weight nor the exchange rate enters the threshold.
    ratio = sympy.simplify((sym.D - sym.C) / (sym.D - sym.N))
    assert not {s["salience"], s["fx"]} & ratio.free_symbols

    # The engine agrees exactly at the defaults and at other calibrations.
    defaults = {s[p.name]: p.default for p in m.parameters}
    t = grim(m.payoffs()["fishing"])
    assert t.status == "threshold"
    assert t.exact == by_hand.subs(defaults) == sympy.Rational(16960, 58779)
    for overrides in (
        {"salience": 50, "fx": 145},
        {"prepaid_share": Fraction(1, 2), "fee": 75, "subsidy": 10},
        {"catch_share": 1, "price_per_tonne": 150000, "fallback_catch": 60},
    ):
        t = grim(m.payoffs(overrides)["fishing"])
        point = {**defaults, **{s[k]: exact(v) for k, v in overrides.items()}}
        assert t.status == "threshold"
        assert same(t.exact, by_hand.subs(point)), overrides


def test_coastal_state_suspension_does_not_pay_by_default():
    m = ACCESS_FOR_PAYMENT
    coastal = m.payoffs()["coastal"]
    assert coastal.D <= coastal.C
    assert grim(coastal).status == "always"
    # With fish of its own worth more than what it forgoes, it is tempted; the documented formula
    # (R + G − (1−π)P)/(G + πP) holds.
    over = {"coastal_catch": 20, "coastal_signal": 30, "prepaid_share": Fraction(1, 4)}
    t = grim(m.payoffs(over)["coastal"])
    pay = Fraction(213 + 211, 10)
    expected = (20 + 30 - Fraction(3, 4) * pay) / (30 + Fraction(1, 4) * pay)
    assert t.status == "threshold"
    assert t.exact == sympy.Rational(expected.numerator, expected.denominator)
    # Its own catch worth more than the payment: nothing to protect, never sustainable.
    assert grim(m.payoffs({"coastal_catch": 100, "coastal_signal": 1})["coastal"]).status == "never"


def test_access_defaults_sit_in_the_research_calibration():
    """cases.md §1.6, F98 (USD bn/yr): the defaults land inside the suggested ranges."""
    p = ACCESS_FOR_PAYMENT.payoffs()
    fishing, coastal = p["fishing"], p["coastal"]
    assert sympy.Rational("0.0005") <= fishing.C <= sympy.Rational("0.0025")
    assert sympy.Rational("0.0003") <= fishing.D - fishing.C <= sympy.Rational("0.0012")
    assert -sympy.Rational("0.001") <= fishing.N <= sympy.Rational("0.001")
    assert sympy.Rational("0.0003") <= coastal.C <= sympy.Rational("0.0012")
    assert 0 <= coastal.D <= sympy.Rational("0.0012")
    assert coastal.N == 0
    # The payment is the sourced ¥21.3m + ¥21.1m at ¥130/$.
    assert sympy.Rational(424, 10) / (1000 * 130) == coastal.C


def test_salience_scales_the_fishing_state_only():
    base = ACCESS_FOR_PAYMENT.payoffs()
    heavy = ACCESS_FOR_PAYMENT.payoffs({"salience": 40})
    assert heavy["fishing"].C == 40 * base["fishing"].C
    assert heavy["fishing"].D == 40 * base["fishing"].D
    assert heavy["coastal"] == base["coastal"]
    assert grim(heavy["fishing"]).exact == grim(base["fishing"]).exact


# -- fisheries.reciprocal_quota --------------------------------------------------------------


def test_reciprocal_quota_thresholds():
    m = RECIPROCAL_QUOTA
    p = m.payoffs()
    assert grim(p["payer"]).exact == sympy.Rational(1, 105)
    assert grim(p["origin"]).exact == sympy.Rational(1, 101)
    s = m.symbols
    sym = m.payoffs(symbolic=True)
    kappa = s["overfish"] * (1 - s["inspection"])
    sigma = s["salmon_survives"]
    vp, vo, vs, f = (
        s[n] for n in ("payer_quota_value", "origin_quota_value", "salmon_value", "salmon_fee")
    )
    payer = kappa * vp / (kappa * vp + vp + (1 - sigma) * (vs - f) - s["payer_fallback"])
    origin = kappa * vo / (kappa * vo + vo + (1 - sigma) * f - s["origin_fallback"])
    for role, by_hand in (("payer", payer), ("origin", origin)):
        c, d, n = sym[role].C, sym[role].D, sym[role].N
        assert same((d - c) / (d - n), by_hand)
    # Perfect inspection removes the temptation on both sides.
    sealed = m.payoffs({"inspection": 1})
    assert all(grim(v).status == "always" for v in sealed.values())
    # The salmon fee moves money from payer to origin and nothing else.
    more_fee = m.payoffs({"salmon_fee": 300})
    assert same(more_fee["payer"].C + more_fee["origin"].C, p["payer"].C + p["origin"].C)


# -- sakhalin2.lng_supply --------------------------------------------------------------------


def test_importer_has_no_temptation_at_the_defaults():
    importer = LNG_SUPPLY.payoffs()["importer"]
    assert (importer.C - importer.D).is_nonnegative  # D <= C, exactly
    assert importer.temptation == 0
    t = grim(importer)
    assert t.status == "always"
    assert t.exact == 0


@pytest.mark.parametrize(
    "calibration",
    [
        # 2022: Russian landed price $18.81, Asian spot average $38.80, 6.86 Mt
        {
            "volume": Fraction(686, 100),
            "contract_price": Fraction(1881, 100),
            "spot_price": Fraction(388, 10),
        },
        # 2024-25: implied $13.2 against spot $11.6 (a negative price gap), 5.7 Mt
        {
            "volume": Fraction(57, 10),
            "contract_price": Fraction(132, 10),
            "spot_price": Fraction(116, 10),
        },
    ],
    ids=["2022", "2024-25"],
)
def test_importer_has_no_temptation_at_the_research_calibrations(calibration):
    importer = LNG_SUPPLY.payoffs(calibration)["importer"]
    assert importer.D <= importer.C
    assert grim(importer).status == "always"


def test_importer_has_no_economic_temptation_even_without_premium_or_dividends():
    # 2024-25 prices with no security premium and no dividends: cooperation is worth less than
    # replacement (C < N = 0), but walking away still costs the stake, so D < C.
    corner = {
        "volume": Fraction(57, 10),
        "contract_price": Fraction(132, 10),
        "spot_price": Fraction(116, 10),
        "security_premium": 0,
        "payout_ratio": 0,
    }
    importer = LNG_SUPPLY.payoffs(corner)["importer"]
    assert importer.C < importer.N
    assert importer.D < importer.C
    assert importer.temptation == 0


def test_outside_pressure_creates_an_importer_temptation():
    m = LNG_SUPPLY
    base = m.payoffs()["importer"]
    pressure = 10
    importer = m.payoffs({"outside_pressure": pressure})["importer"]
    assert importer.D > importer.C
    t = grim(importer)
    assert t.status == "threshold"
    # δ* = 1 − C / (outside_pressure − stranded_equity − termination_penalty)
    expected = 1 - base.C / (pressure - sympy.Rational("1.17") - 0)
    assert t.exact == expected
    assert 0 < t.exact < 1
    # Just enough pressure to offset the write-off and C leaves no temptation.
    edge = base.C + sympy.Rational("1.17")
    assert grim(m.payoffs({"outside_pressure": edge})["importer"]).status == "always"


def test_exporter_threshold_at_the_defaults():
    exporter = LNG_SUPPLY.payoffs()["exporter"]
    t = grim(exporter)
    assert t.status == "threshold"
    # a/(a+b) with a = Q(s − p)/1000, b = 0.3·Q·p/1000: Q cancels, 9.195/(9.195 + 0.3·16.005)
    assert t.exact == sympy.Rational(6130, 9331)
    # No spot premium (2024-25 prices) and no seizure: diversion does not pay.
    flat = LNG_SUPPLY.payoffs(
        {"spot_price": Fraction(116, 10), "contract_price": Fraction(132, 10)}
    )
    assert grim(flat["exporter"]).status == "always"


def test_sakhalin_defaults_sit_in_the_research_calibration():
    p = LNG_SUPPLY.payoffs()
    importer, exporter = p["importer"], p["exporter"]
    assert 0 <= importer.C <= 15
    # revenue from Japan: $3.9bn (2024) to ≈ $6.7bn (2022)
    assert sympy.Rational("3.9") <= exporter.C <= sympy.Rational("6.7")
    ratio = exporter.N / exporter.C
    assert sympy.Rational(1, 2) <= ratio <= sympy.Rational(9, 10)
    assert 0 <= exporter.D - exporter.C <= sympy.Rational("7.5")


# -- a case file built from the packs ---------------------------------------------------------

CASE = """
[case]
id = "jr_packs"
players = ["Japan", "Russia"]
discount = 0.5

[[domains]]
id = "f98"
model = "fisheries.access_for_payment"
roles = { fishing = "Japan", coastal = "Russia" }
params = { salience = 20 }

[[domains]]
id = "lng"
model = "sakhalin2.lng_supply"
roles = { importer = "Japan", exporter = "Russia" }
"""


def test_a_case_file_uses_the_packs(linkage_host):
    with (
        registered(linkage_host, linkage_fisheries, "fisheries"),
        registered(linkage_host, linkage_sakhalin2, "sakhalin2"),
    ):
        case = load_case_text(CASE, host=linkage_host)
    f98 = {d.id: d for d in case.game.domains}["f98"]
    assert f98.payoffs["Japan"] == ACCESS_FOR_PAYMENT.payoffs({"salience": 20})["fishing"]
    assert f98.payoffs["Russia"] == ACCESS_FOR_PAYMENT.payoffs()["coastal"]
    separate = analyze(case.game).separate_thresholds
    assert separate["Japan"]["lng"].status == "always"
    assert separate["Japan"]["f98"].exact == sympy.Rational(16960, 58779)
    assert separate["Russia"]["lng"].exact == sympy.Rational(6130, 9331)


# -- the conformance check catches broken models ----------------------------------------------


def _model(model_id: str, parameters, build, **kw) -> DomainModel:
    return DomainModel(
        id=model_id,
        title="broken",
        roles=("a", "b"),
        parameters=parameters,
        build=build,
        description=kw.pop("description", "a deliberately broken model"),
        **kw,
    )


def _x(**kw) -> Parameter:
    args = {"description": "x", "unit": "USD bn/yr", "default": 1, "low": 0, "source": "[E] test"}
    args.update(kw)
    return Parameter("x", args.pop("description"), args.pop("unit"), args.pop("default"), **args)


def _pd(p):
    return {r: {"C": p["x"], "D": 2 * p["x"], "N": 0} for r in ("a", "b")}


BROKEN = {
    "no unit": (_model("broken.no_unit", [_x(unit="")], _pd), "parameter 'x' has no unit"),
    "no source": (_model("broken.no_source", [_x(source=" ")], _pd), "parameter 'x' has no source"),
    "blank description": (
        _model("broken.blank", [_x(description=" ")], _pd),
        "parameter 'x' has no description",
    ),
    "no model description": (
        _model("broken.no_description", [_x()], _pd, description=""),
        "has no description",
    ),
    "float in build": (
        _model(
            "broken.float",
            [_x()],
            lambda p: {r: {"C": p["x"] * 0.5, "D": p["x"], "N": 0} for r in ("a", "b")},
        ),
        "contains a float",
    ),
    "stray symbol": (
        _model(
            "broken.stray",
            [_x()],
            lambda p: {
                r: {"C": p["x"], "D": p["x"] + sympy.Symbol("y"), "N": 0} for r in ("a", "b")
            },
        ),
        "unknown symbols: y",
    ),
    "missing role": (
        _model("broken.role", [_x()], lambda p: {"a": {"C": p["x"], "D": p["x"], "N": 0}}),
        "no payoffs for role 'b'",
    ),
    "breaks at the low end": (
        _model(
            "broken.low_end",
            [_x(low=0)],
            lambda p: {r: {"C": 1 / p["x"], "D": 2 / p["x"], "N": 0} for r in ("a", "b")},
        ),
        r"x = 0 \(low end\)",
    ),
    "not closed form": (
        _model(
            "broken.closed",
            [_x()],
            lambda p: {
                r: {"C": p["x"], "D": 2 * p["x"], "N": 0 if p["x"] == 1 else 1} for r in ("a", "b")
            },
        ),
        "the symbolic payoff",
    ),
}


@pytest.mark.parametrize("case", list(BROKEN), ids=list(BROKEN))
def test_conformance_check_catches_a_broken_model(case):
    model, message = BROKEN[case]
    with pytest.raises(AssertionError, match=message) as info:
        assert_valid_domain_model(model)
    assert repr(model.id) in str(info.value)


def test_conformance_check_accepts_a_minimal_good_model():
    assert_valid_domain_model(_model("good.minimal", [_x()], _pd))


def test_conformance_check_rejects_a_non_model():
    with pytest.raises(AssertionError, match=r"not a linkage\.models\.DomainModel"):
        assert_valid_domain_model({"id": "x"})
