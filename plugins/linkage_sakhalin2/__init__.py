r"""The Sakhalin-2 domain pack: an LNG supply relationship in which the importer holds equity.

Model ``sakhalin2.lng_supply`` (domain E of the case research, ``cases.md`` §1.2 and §1.6). It is
loaded through the ``linkage`` entry-point group like any third-party pack.

Roles
    ``importer`` buys the LNG under long-term contracts and holds equity in the project (Japan:
    Mitsui 12.5% and Mitsubishi 10%). ``exporter`` controls the project and sells the LNG
    (Russia: Gazprom / Sakhalin Energy LLC).

Units
    Payoffs are in **USD bn per year**. The volume is in Mt/yr and prices are in USD/MMBtu.
    Write :math:`Q = volume \cdot mmbtu\_per\_t` (million MMBtu per year); then
    :math:`Q \cdot price / 1000` is in USD bn per year. One-off amounts (stranded equity,
    termination penalties, seizure) fall in the one period of the deviation.

Zero points (cases.md §1.6)
    For the importer: it buys the same volume at the spot (replacement) price. For the exporter:
    the volume sold to the importer disappears.

Stage payoffs, with :math:`p_c` = contract_price, :math:`s` = spot_price,
:math:`\mathit{div} = equity\_share \cdot payout\_ratio \cdot project\_profit`
    importer:

    * :math:`C = Q (s - p_c)/1000 + security\_premium + \mathit{div}`: the savings against
      replacement, the value of proximity and security of supply, and the dividends.
    * :math:`D = outside\_pressure - stranded\_equity - termination\_penalty`: it embargoes or
      terminates early. It buys at spot (0 against the zero point), loses the supply premium and
      the stake (the one-off write-off), pays the penalties, and gains politically under outside
      (US/G7) pressure.
    * :math:`N = 0`: it replaces the volume at the market price and holds no stake.

    exporter:

    * :math:`C = Q p_c/1000`: its revenue from the importer.
    * :math:`D = C + divert\_share \cdot Q \max(s - p_c, 0)/1000 + seizure\_gain`: it diverts
      contracted cargoes to spot buyers for one year when spot is above the contract price, and
      may seize the importer's stake (one-off).
    * :math:`N = (1 - resale\_discount)\,C`: it resells the volume elsewhere at a discount.

Separate grim thresholds
    * Importer: :math:`D - C = outside\_pressure - stranded\_equity - termination\_penalty - C`.
      With ``outside_pressure = 0`` and a non-negative C (spot at or above the contract price, as
      at the defaults) the importer has **no temptation** (:math:`D \le C`), so the threshold is
      "always". This domain is not a prisoner's dilemma for the importer, and the model does not
      force one. Once outside pressure exceeds
      :math:`C + stranded\_equity + termination\_penalty`, the threshold is
      :math:`\delta^* = (D - C)/D = 1 - C/(outside\_pressure - stranded\_equity -
      termination\_penalty)`.
    * Exporter: :math:`\delta^* = a/(a + b)`, with
      :math:`a = divert\_share \cdot Q\max(s - p_c, 0)/1000 + seizure\_gain` and
      :math:`b = resale\_discount \cdot Q p_c/1000`. At the defaults this is
      :math:`9.195/(9.195 + 0.3 \cdot 16.005) = 6130/9331 \approx 0.657`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from fractions import Fraction

import sympy

from linkage import hookimpl
from linkage.models import DomainModel, Parameter

LINKAGE_PLUGIN_API = 1

CASES = "cases.md §1.2 E / §1.6 E"
LNGPRIME_2022 = "https://lngprime.com/asia/japan-was-the-worlds-largest-lng-importer-in-2022-followed-by-china/71299"
BRECORDER_2024 = "https://brecorder.com/feeds/news/40345666"
JOGMEC_LANDED = "https://oilgas-info.jogmec.go.jp/nglng_en/1007907/1009519.html"
JIJI_2024 = "https://jen-f.jiji.com/jc/eng?g=eco&k=2025042200564"
NASDAQ_SPOT = (
    "https://www.nasdaq.com/articles/japan-spot-lng-contract-price-for-january-not-disclosed"
)
NGW_PROFIT = (
    "https://naturalgasworld.com./russias-sakhalin-2-may-double-lng-revenue-as-top-buyers-remain-"
    "despite-ukraine-crisis-103342"
)
TASS_SHARES = "https://tass.com/economy/1474477"
JEPIC = (
    "https://jepic-usa.org/digests/2022/8/9/"
    "japan-mitsui-and-mitsubishi-cut-value-of-their-sakhalin-2-lng-stakes-by-17-billion"
)
BOEREPORT = (
    "https://boereport.com/2025/10/23/"
    "replacing-lng-supplies-from-russias-sakhalin-2-would-be-costly-japan-says/amp"
)
NEWSMAX = (
    "https://www.newsmax.com/world/globaltalk/japan-prime-minister-takaichi/2025/10/29/id/1232312/"
)
RUSSIASNEWS = (
    "https://russiasnews.com/sakhalin-2-wants-to-reduce-the-volume-of-spot-lng-sales-amid-"
    "falling-prices/"
)
INTERFAX = "https://interfax.com/newsroom/top-stories/82732/"

USD_BN = "USD bn/yr"
USD_MMBTU = "USD/MMBtu"

PARAMETERS = (
    Parameter(
        "volume",
        "Contracted LNG volume delivered to the importer per year.",
        "Mt/yr",
        Fraction(157, 25),
        low=0,
        source=(
            f"[D] midpoint of 5.7 Mt (2024) [S: {BRECORDER_2024}] and 6.86 Mt (2022) [S: "
            f"{LNGPRIME_2022}], Japanese MoF data; 6.13 Mt in 2023 [S]. ≈ 9% of Japan's LNG "
            f"imports ({CASES})."
        ),
    ),
    Parameter(
        "mmbtu_per_t",
        "Energy content of LNG, used to convert Mt into MMBtu.",
        "MMBtu/t",
        52,
        low=50,
        high=55,
        source=(
            "[E] midpoint of the conversion tables' 51.02 (missrifka.com) and 53.57 "
            "(enerdynamics.com) MMBtu/t [S], cases.md §0. The valid range covers LNG compositions."
        ),
    ),
    Parameter(
        "contract_price",
        "Landed price the importer pays under the long-term contracts (JCC-linked, slope "
        "13–13.5%).",
        USD_MMBTU,
        Fraction(3201, 200),
        low=0,
        source=(
            f"[D] midpoint of $18.81 (Russian landed price, Aug 2022) [S: {JOGMEC_LANDED}] and "
            f"≈ $13.2 (2024: ¥548.1bn ≈ $3.9bn ÷ (5.7 Mt × 52)) [D from S: {JIJI_2024}]."
        ),
    ),
    Parameter(
        "spot_price",
        "Price at which the importer would replace the volume, and at which the exporter can sell "
        "diverted cargoes (Asian spot).",
        USD_MMBTU,
        Fraction(126, 5),
        low=0,
        source=(
            "[D] midpoint of ≈ $11.6 (Aug 2023) [S] and the 2022 Asian spot average $38.80 [S, "
            "Reuters via NGW]. The JOGMEC monthly range was $22.9–38.9 in 2022 "
            f"[S: {NASDAQ_SPOT}]; "
            f"JKM peaked at $71 (Aug 2022) [S] ({CASES})."
        ),
    ),
    Parameter(
        "security_premium",
        "Importer's value of proximity (2–3 days' sailing) and security of supply, beyond the "
        "price gap.",
        USD_BN,
        Fraction(1, 2),
        low=0,
        source=(
            "[E] cases.md §1.6 E: $0–1bn remaining value once the price gap closes (2024–25); "
            f"METI (Oct 2025): replacing it would make prices 'soar' [S: {BOEREPORT}]."
        ),
    ),
    Parameter(
        "equity_share",
        "Importer's equity stake in the project.",
        "dimensionless (share 0–1)",
        Fraction(9, 40),
        low=0,
        high=1,
        source=(
            f"[S] Mitsui 12.5% + Mitsubishi 10% = 22.5% [S: {TASS_SHARES}], approved under the "
            f"new operator on 30–31 Aug 2022 [S: {INTERFAX}]."
        ),
    ),
    Parameter(
        "project_profit",
        "Project net profit per year, out of which dividends are paid.",
        USD_BN,
        2,
        low=0,
        source=f"[S] 2021 revenue $5.7bn, net profit $2bn [S: {NGW_PROFIT}].",
    ),
    Parameter(
        "payout_ratio",
        "Share of the project's profit actually paid out to (and usable by) the importer's "
        "shareholders.",
        "dimensionless (share 0–1)",
        Fraction(1, 2),
        low=0,
        high=1,
        source=(
            "[E] dividend amounts [NF]; 22.5% × $2bn ≈ $0.45bn is the full-payout upper bound [D]. "
            "Paid in yuan since 2023; payments to 'unfriendly' holders otherwise go to blocked "
            "type-C accounts [S] (cases.md §1.2 E)."
        ),
    ),
    Parameter(
        "stranded_equity",
        "One-off loss of the importer's stake if it walks away (charged to the deviation period).",
        "USD bn (one-off)",
        Fraction(117, 100),
        low=0,
        source=(
            "[D] post-write-down book value ¥152.5bn ≈ $1.17bn at ¥130 (after ¥217.7bn of "
            f"write-downs, Aug 2022) [S: {JEPIC}]; pre-write-down ≈ $2.85bn [D]."
        ),
    ),
    Parameter(
        "termination_penalty",
        "One-off penalties the importer pays for ending the contracts early (take-or-pay, "
        "contracts to 2028–33).",
        "USD bn (one-off)",
        0,
        low=0,
        source=(
            f"[NF] amount not found; penalties exist [S: {BOEREPORT}]; take-or-pay terms [S] "
            "(Nikkei). Default 0, which understates the importer's cost of defecting."
        ),
    ),
    Parameter(
        "outside_pressure",
        "Importer's political gain, money-equivalent, from defecting under outside (US/G7) "
        "pressure.",
        "USD bn/yr equivalent",
        0,
        low=0,
        source=(
            "[E] not monetizable per cases.md §1.6 E. In Oct 2025 Treasury Secretary Bessent asked "
            "Tokyo to stop buying Russian energy; PM Takaichi called a ban 'difficult' "
            f"[S: {NEWSMAX}]."
        ),
    ),
    Parameter(
        "divert_share",
        "Share of the contracted volume the exporter can divert to spot buyers in a deviation "
        "year.",
        "dimensionless (share 0–1)",
        1,
        low=0,
        high=1,
        source=(
            "[E] the seller controls the cargoes. cases.md §1.6 E: in 2022, about 6.5 Mt "
            "diverted at about +$20/MMBtu gives ≈ +$6.7–7.1bn [D]; Otkritie put 4.9 Mt of spot "
            "sales at $7.45bn [S]. In 2024–25 the spot premium is about 0."
        ),
    ),
    Parameter(
        "resale_discount",
        "Exporter's loss, as a share of its contract revenue, when it resells the volume elsewhere "
        "after a breakdown.",
        "dimensionless (share 0–1)",
        Fraction(3, 10),
        low=0,
        high=1,
        source=(
            "[E] cases.md §1.6 E: Russia N = 0.5–0.9 × C, midpoint 0.7. Sakhalin Energy offered "
            f"Chinese buyers cargoes at a Brent slope below 12% (c. 2023) [S: {RUSSIASNEWS}]."
        ),
    ),
    Parameter(
        "seizure_gain",
        "Exporter's one-off gain from seizing the importer's stake in a deviation year.",
        "USD bn (one-off)",
        0,
        low=0,
        source=(
            "[E] Russia re-approved the Japanese stakes in Aug 2022 instead of seizing them "
            f"[S: {INTERFAX}]; ≈ $2.9bn pre-write-down value is the upper end [D] "
            "(cases.md §1.6 E)."
        ),
    ),
)


def _build(p: Mapping[str, sympy.Expr]) -> dict[str, dict[str, sympy.Expr]]:
    q = p["volume"] * p["mmbtu_per_t"]  # million MMBtu per year
    dividends = p["equity_share"] * p["payout_ratio"] * p["project_profit"]
    revenue = q * p["contract_price"] / 1000
    premium = sympy.Max(p["spot_price"] - p["contract_price"], 0)
    return {
        "importer": {
            "C": q * (p["spot_price"] - p["contract_price"]) / 1000
            + p["security_premium"]
            + dividends,
            "D": p["outside_pressure"] - p["stranded_equity"] - p["termination_penalty"],
            "N": 0,
        },
        "exporter": {
            "C": revenue,
            "D": revenue + p["divert_share"] * q * premium / 1000 + p["seizure_gain"],
            "N": (1 - p["resale_discount"]) * revenue,
        },
    }


LNG_SUPPLY = DomainModel(
    id="sakhalin2.lng_supply",
    title="LNG supply with importer equity (Sakhalin-2 shape)",
    roles=("importer", "exporter"),
    parameters=PARAMETERS,
    build=_build,
    description=(
        "Long-term LNG supply from an exporter-controlled project in which the importer holds "
        "equity (Sakhalin-2; E in cases.md). Payoffs in USD bn/yr; Q = volume·mmbtu_per_t "
        "(million MMBtu/yr), prices in USD/MMBtu, div = equity_share·payout_ratio·project_profit. "
        "importer: C = Q(spot − contract)/1000 + security_premium + div; "
        "D = outside_pressure − stranded_equity − termination_penalty (embargo/early termination: "
        "replace at spot, lose the stake one-off, pay penalties, gain politically); N = 0 "
        "(replacement at spot). With outside_pressure = 0 the importer has no economic temptation "
        "(D ≤ C: threshold 'always'); it is not a prisoner's dilemma for the importer. "
        "exporter: C = Q·contract/1000; D = C + divert_share·Q·max(spot − contract, 0)/1000 + "
        "seizure_gain (divert to spot for a year, optionally seize the stake); "
        "N = (1 − resale_discount)·C (resale elsewhere). "
        "Exporter grim threshold: a/(a+b) with a = D − C and b = resale_discount·C."
    ),
)

__all__ = ["LNG_SUPPLY", "register_domain_models"]


@hookimpl
def register_domain_models(register: Callable[[DomainModel], None]) -> None:
    register(LNG_SUPPLY)
