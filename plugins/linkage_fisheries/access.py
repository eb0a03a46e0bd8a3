r"""``fisheries.access_for_payment``: access to a coastal state's grounds in return for payment.

This is the shape of the 1998 Japan–Russia "safe operation" agreement (domain F98 of the case
research). Japanese boats fish within 12 nm of the four islands without being seized. Each year
Japan pays a "fishing cooperation fee" and provides equipment: ¥21.3m + ¥21.1m for 2022.

Roles
    ``coastal`` controls the grounds and grants access (Russia); ``fishing`` is the state whose
    fleet fishes them (Japan).

Units
    Every payoff is in **USD bn per year**. Money parameters are entered as the sources give
    them (JPY m per year, JPY per tonne) and converted with ``fx`` (JPY per USD). Write
    :math:`k = 1000\,fx`, so that JPY m / k = USD bn. The period is one fishing year.

Building blocks (USD bn per year)
    * :math:`V = quota \cdot catch\_share \cdot price\_per\_tonne / (10^9 fx)`: the landed value of
      the fishing fleet's catch in the grounds.
    * :math:`P = (fee + equipment)/k`: the annual payment, cash plus in-kind equipment. The
      equipment is valued at its cost to the fishing state, and the coastal state is assumed to
      value it the same.
    * :math:`A = fallback\_catch/k`: what the displaced boats land elsewhere (inside the median
      line) when access is lost.
    * :math:`S = subsidy/k`: the fishing state's budget outlay on the fleet when access is lost.
      It pays for the extra operating cost of switching grounds, so for the fleet it cancels
      that cost and for the state it is a net cost.
    * :math:`R = coastal\_catch/k`: the coastal state's extra catch when it fishes the freed
      grounds itself.
    * :math:`G = coastal\_signal/k`: the coastal state's political gain from a suspension
      (pressure over sanctions). The case research calls it not monetizable, so the default is 0.
    * :math:`\pi = prepaid\_share`: the share of the year's payment that falls due *before* the
      fishing fleet has taken its catch. Both deviations depend on this timing. The fishing state
      can withhold only the part due after it has fished. The coastal state can keep only the
      part paid before it cuts access.
    * :math:`w = salience`: the weight on the fishing state's payoffs, i.e. its political value of
      the grounds per dollar.

Stage payoffs
    fishing state:

    * :math:`C = w\,(V - P)`: it fishes and pays.
    * :math:`D = C + w\,(1-\pi)\,P`: it fishes for one season and withholds the part of the
      payment still due.
    * :math:`N = w\,(A - S)`: no access and no payment. The fleet fishes elsewhere and the state
      pays the subsidy.

    coastal state:

    * :math:`C = P`: it is paid.
    * :math:`D = \pi P + R + G`: it suspends access and keeps what was already paid. It fishes the
      grounds itself and takes the political gain.
    * :math:`N = R`: no payment, and it fishes the grounds itself.

Separate grim thresholds :math:`\delta^* = (D-C)/(D-N)` (the engine branches on the signs first)
    * fishing state: :math:`\delta^*_f = (1-\pi)P / (V - \pi P - A + S)`. In source units this is
      :math:`(1-\pi)(fee+equipment)\,10^6 / (quota\cdot catch\_share\cdot price\_per\_tonne -
      (\pi(fee+equipment) + fallback\_catch - subsidy)\,10^6)`. It depends on neither
      :math:`w` nor :math:`fx`.
    * coastal state: :math:`\delta^*_c = (R + G - (1-\pi)P)/(G + \pi P)` when
      :math:`R + G > (1-\pi)P` and :math:`P > R`. It is "always" when
      :math:`R + G \le (1-\pi)P \le P - R`, which includes the defaults (:math:`R = G = \pi = 0`).

Timing (why ``prepaid_share`` defaults to 0)
    The research record shows the payment falling due during the fishing year, after fishing
    under that year's terms had begun. The 2022 terms were agreed on 28 Dec 2021. On 7 Jun 2022
    Japan admitted it "had not yet made the payment", and Russia suspended the agreement "until
    the Japanese side fulfils all its financial obligations". The autumn hokke opener (16 Sep
    2022) was then held back until the fee was transferred. So payment is in arrears (π = 0):

    * The fishing state can fish a season and withhold the payment, giving
      :math:`D = C + wP`. This is the cases.md §1.6 reading, where Japan's D is C + ¥42.4m.
    * A coastal suspension keeps nothing of that year's payment, giving :math:`D = R + G`. This
      matches cases.md: "suspending does not pay economically unless it extracts arrears".

    Set :math:`\pi = 1` for the opposite reading, where payment is a precondition of access.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

import sympy

from linkage.models import DomainModel, Parameter
from linkage_fisheries.units import fx_parameter

CASES = "cases.md §1.2 F98 / §1.6 F98"
NOTE_COM = "https://note.com/theruleofoceans/n/n9cb05b62889c (Fisheries Agency release, 2022 terms)"
THINKINGPORT = "https://thinkingport.com/2022/06/08/news-94440 (Nikkei reprint)"
HOPPOU_2021 = "https://hoppou.blog/2021-12-28-132822 (Hokkaido Shimbun)"
HOPPOU_2022 = "https://hoppou.blog/?p=3711"
HOPPOU_2024 = "https://hoppou.blog/20240101-1704063950"
PORTNEWS = "https://en.portnews.ru/news/354285"
SANKEI = "https://www.sankei.com/article/20230129-OZIC65JTGFN3PJJEJS6WAIJTRY/"
NIPPON_SUSPEND = "https://www.nippon.com/en/news/yjj2022060701155/russia-suspends-fisheries-agreement-with-japan.html"
NHK_0916 = "https://www3.nhk.or.jp/news/html/20220916/k10013820491000.html"
TASS_150 = "https://tass.com/economy/1552577"

JPY_M = "JPY m/yr"

PARAMETERS = (
    Parameter(
        "quota",
        "Annual total catch quota of the fishing state's fleet in the grounds (all species).",
        "t/yr",
        2177,
        low=0,
        source=(
            "[S] 2022 terms: 2,177 t (pollock 955, hokke 777, octopus 213, other 232), "
            f"48 vessels: {NOTE_COM}; 2,180 t in 2013–2018 [S]: https://icsf.net/?p=38670 ({CASES})"
        ),
    ),
    Parameter(
        "catch_share",
        "Share of the quota actually landed (uptake). It is below 1 because fleets rarely fill "
        "the quota.",
        "dimensionless (0–1)",
        Fraction(3, 8),
        low=0,
        high=1,
        source=(
            "[D] 2021 landings: Rausu hokke fleet 472 t + Nemuro octopus 134 t + pollock incl. "
            f"bycatch 211 t ≈ 817 t of ≈2,180 t ≈ 0.375 [S figures: {HOPPOU_2021}; {HOPPOU_2024}]. "
            "May double-count some pollock. Sub-fleet uptake was 44.6% (2021) and 29% (2022) [S]."
        ),
    ),
    Parameter(
        "price_per_tonne",
        "Average landed value of one tonne of the fleet's catch from the grounds.",
        "JPY/t",
        180000,
        low=0,
        source=(
            f"[D] Rausu hokke fleet: ¥72.76m / 472 t ≈ ¥154k/t (2021) [S: {HOPPOU_2021}], "
            f"¥62m / 304 t ≈ ¥204k/t (2022) [S: {HOPPOU_2022}]; midpoint ≈ ¥180k/t. Landed "
            "value at the defaults ≈ ¥147m/yr, inside the ¥100–370m assumed in cases.md §1.6 [E]."
        ),
    ),
    Parameter(
        "fee",
        "Annual fishing cooperation fee paid by the fishing state's organisations to the coastal "
        "state.",
        JPY_M,
        Fraction(213, 10),
        low=0,
        source=(
            f"[S] ¥21.3m for 2022 (and 2017–18): {NOTE_COM}; {THINKINGPORT}. Research range for "
            f"fee + equipment: ¥42.4m [D] to ¥150m (TASS, Sep 2022 transfer, may include "
            f"Sakhalin-region aid) [S]: {TASS_150}"
        ),
    ),
    Parameter(
        "equipment",
        "Annual in-kind payment: equipment provided to the coastal state, valued at cost (the "
        "coastal state is assumed to value it the same).",
        JPY_M,
        Fraction(211, 10),
        low=0,
        source=f"[S] equipment provision ¥21.1m for 2022: {NOTE_COM} ({CASES})",
    ),
    Parameter(
        "prepaid_share",
        "Share of the year's payment that falls due before the fishing fleet has taken its catch. "
        "It sets what a deviator can keep: the fishing state withholds (1 − share), the coastal "
        "state keeps share.",
        "dimensionless (0–1)",
        0,
        low=0,
        high=1,
        source=(
            "[E] from [S]: in 2022 the payment was still outstanding on 7 Jun, months into the "
            f"fishing year [S: {NIPPON_SUSPEND}]; cases.md §1.6 treats Japan's D as C + fee "
            f"(payment in arrears). The autumn opener waited on the transfer [S: {NHK_0916}]; "
            "1 models payment before access."
        ),
    ),
    Parameter(
        "fallback_catch",
        "What the fishing state's displaced boats land elsewhere (inside the median line) in a "
        "year without access.",
        JPY_M,
        30,
        low=0,
        source=(
            f"[E] 2023: 8 boats fished hokke inside the median line instead [S: {PORTNEWS}]; "
            "near-shore hokke was strong in 2021 (4,708 t, ¥498m) [S]. The displaced fleet's share "
            "is assumed here ≈ 20% of its ~¥147m landings in the grounds. cases.md §1.6: Japan N "
            "in [−$0.001bn, +$0.001bn] [E]."
        ),
    ),
    Parameter(
        "subsidy",
        "Fishing state's budget outlay per year on boats that lose access (it covers their extra "
        "operating cost of switching grounds).",
        JPY_M,
        30,
        low=0,
        source=(
            f"[E] amount [NF]. Subsidies per operating day in 2023 [S: {PORTNEWS}]; MAFF promised "
            f"to support part of the operating costs of boats that switched grounds [S: {SANKEI}]. "
            "Set equal to fallback_catch so that N = 0, the midpoint of cases.md §1.6 Japan N."
        ),
    ),
    Parameter(
        "salience",
        "Weight on the fishing state's payoffs: its domestic political value of the grounds per "
        "dollar (1 = money only).",
        "dimensionless (weight)",
        1,
        low=0,
        source=(
            "[E] cases.md §1.6 F98 note: the domain is tiny in money (~$1–3m/yr) but highly "
            "salient for Hokkaido fishers; a weight of ×10–100 is suggested for Japan. Use this "
            "or the case file's domain salience, not both."
        ),
    ),
    Parameter(
        "coastal_catch",
        "Coastal state's extra catch value when it fishes the freed grounds itself (after "
        "suspending access).",
        JPY_M,
        0,
        low=0,
        source=(
            "[E] gain [NF]; Russian trawlers fishing the area (interfering with Japanese gear) "
            "were reported in 2022 [S]. cases.md §1.6: Russia N = 0."
        ),
    ),
    Parameter(
        "coastal_signal",
        "Coastal state's political gain, money-equivalent, from suspending access (signalling "
        "pressure over sanctions).",
        "JPY m/yr equivalent",
        0,
        low=0,
        source=(
            "[E] not monetizable per cases.md §1.6 (Russia D). Russia's 7 Jun 2022 suspension "
            f"was tied to Japan's payments and sanctions [S: {NIPPON_SUSPEND}]. Default 0."
        ),
    ),
    fx_parameter(
        130,
        (
            "[D] ≈ ¥130/$ in 2022: ¥217.7bn = $1.7bn (jepic-usa/Reuters, Aug 2022) and ¥150m ≈ "
            "$1.1m (TASS, Dec 2022), cases.md §0; ¥140–150 in 2024–25."
        ),
    ),
)


def _build(p: Mapping[str, sympy.Expr]) -> dict[str, dict[str, sympy.Expr]]:
    k = 1000 * p["fx"]  # JPY m -> USD bn
    value = p["quota"] * p["catch_share"] * p["price_per_tonne"] / (10**9 * p["fx"])
    payment = (p["fee"] + p["equipment"]) / k
    fallback = p["fallback_catch"] / k
    subsidy = p["subsidy"] / k
    own_catch = p["coastal_catch"] / k
    signal = p["coastal_signal"] / k
    prepaid = p["prepaid_share"]
    w = p["salience"]

    fishing_c = w * (value - payment)
    return {
        "fishing": {
            "C": fishing_c,
            "D": fishing_c + w * (1 - prepaid) * payment,
            "N": w * (fallback - subsidy),
        },
        "coastal": {
            "C": payment,
            "D": prepaid * payment + own_catch + signal,
            "N": own_catch,
        },
    }


ACCESS_FOR_PAYMENT = DomainModel(
    id="fisheries.access_for_payment",
    title="Fishing access for payment (1998 Kuril 'safe operation' shape)",
    roles=("coastal", "fishing"),
    parameters=PARAMETERS,
    build=_build,
    description=(
        "A coastal state grants a foreign fleet access to grounds it controls in return for an "
        "annual fee plus in-kind equipment (1998 Japan–Russia agreement; F98 in cases.md). "
        "Payoffs are in USD bn/yr; the yen inputs are converted with fx, k = 1000·fx. "
        "V = quota·catch_share·price_per_tonne/(1e9·fx), P = (fee+equipment)/k, "
        "A = fallback_catch/k, S = subsidy/k, R = coastal_catch/k, G = coastal_signal/k, "
        "π = prepaid_share, w = salience. "
        "fishing: C = w(V−P); D = C + w(1−π)P (fishes a season and withholds the part of the "
        "payment still due); N = w(A−S) (no access: boats fish elsewhere, the state pays the "
        "subsidy). "
        "coastal: C = P; D = πP + R + G (suspends, keeps what was prepaid, fishes the grounds "
        "itself, takes any political gain); N = R. "
        "Grim thresholds: fishing (1−π)P/(V − πP − A + S); coastal (R + G − (1−π)P)/(G + πP) when "
        "positive, else always (the default: payment in arrears, π = 0, as in 2022)."
    ),
)
