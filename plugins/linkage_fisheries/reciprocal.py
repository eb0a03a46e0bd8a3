r"""``fisheries.reciprocal_quota``: reciprocal quotas in each other's EEZ, plus a salmon fee.

This is the shape of the 7 Dec 1984 Japan–USSR agreement on fisheries off both coasts and the
12 May 1985 cooperation agreement. This is domain F-EEZ of the case research. Each side fishes an
agreed quota in the other's 200-mile zone; the totals are equal each way (44,000 t in 2024).
Under UNCLOS salmon belong to their state of origin. So one side pays the other a fee to catch
the other's salmon, even inside its own zone: Japan pays ¥200–300m a year for 2,050 t.

Roles (neutral)
    ``payer`` pays the salmon fee (Japan). ``origin`` is the salmon's state of origin and
    receives the fee (Russia). Apart from the fee the two roles are symmetric.

Units
    Every payoff is in **USD bn per year**. Money parameters are in JPY m per year and are
    converted with ``fx`` (JPY per USD): :math:`k = 1000\,fx`. The period is one year.

Building blocks (JPY m per year, divided by k in the payoffs)
    * :math:`V_p`, :math:`V_o`: landed value of the payer's and the origin's quota catch in the
      other's zone (``payer_quota_value``, ``origin_quota_value``).
    * :math:`V_s`: the payer's landed value of origin-state salmon (``salmon_value``).
    * :math:`f`: the salmon fee (``salmon_fee``).
    * :math:`\kappa = overfish\,(1 - inspection)`: the undetected extra catch from over-fishing,
      as a share of the quota. Over-fishing by a share ``overfish`` of the quota is detected
      (and the catch confiscated) with probability ``inspection``. The same rates apply to both
      sides.
    * :math:`\sigma = salmon\_survives`: whether the salmon arrangement (fee and catch) continues
      after the EEZ agreement breaks down. In 2025 it did: the salmon deals were concluded while
      the EEZ talks failed.
    * :math:`L_p`, :math:`L_o`: each side's net fallback when the reciprocal access is lost,
      relative to the zero point. A negative value is an adjustment cost, e.g. stranded cod
      boats (``payer_fallback``, ``origin_fallback``).

Stage payoffs (each divided by k)
    payer:

    * :math:`C = V_p + V_s - f`.
    * :math:`D = C + \kappa V_p`: it over-fishes its quota for one season.
    * :math:`N = \sigma (V_s - f) + L_p`.

    origin:

    * :math:`C = V_o + f`.
    * :math:`D = C + \kappa V_o`.
    * :math:`N = \sigma f + L_o`.

    Neither side can withhold the salmon fee as a deviation. The fee depends on the season's
    catch and is settled through the annual salmon agreement, and the record shows it paid every
    year 2021–2025, so it is treated as part of C, not as a temptation.

Separate grim thresholds :math:`\delta^* = (D-C)/(D-N)`
    * payer: :math:`\kappa V_p / (\kappa V_p + V_p + (1-\sigma)(V_s - f) - L_p)`;
    * origin: :math:`\kappa V_o / (\kappa V_o + V_o + (1-\sigma) f - L_o)`.

    At the defaults these are 1/105 and 1/101. Cheating on reciprocal quotas pays little under
    inspection, so the EEZ domain is easy to sustain on its own. Its value in a linked game is
    as a donor of slack, or as a lever for punishment.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

import sympy

from linkage.models import DomainModel, Parameter
from linkage_fisheries.units import fx_parameter

CASES = "cases.md §1.2 F-EEZ / §1.6 F-EEZ"
NIPPON_2024 = (
    "https://www.nippon.com/en/news/yjj2023120700807/"
    "japan-russia-to-cut-eez-fishing-quotas-by-6-000-tons-in-'24.html"
)
NIPPON_SALMON_2024 = (
    "https://www.nippon.com/en/news/yjj2024031401160/"
    "japan-russia-keep-salmon-trout-fishing-quota-intact-in-2024.html"
)
TASS_SALMON_2023 = "https://tass.com/economy/1594187"
ASAHI_2021 = "https://ajw-origin.potaufeu.asahi.com/ajw/articles/14605663"
TBS_SAURY = "https://newsdig.tbs.co.jp/articles/-/932608?display=1"
SAITAMA_2025 = "https://saitama-np.co.jp/index.php/articles/115281"
JIJI_2025 = (
    "https://megalodon.jp/ref/2025-0518-1035-53/https://www.jiji.com:443/jc/article?k=2025031401300"
)
TASS_2026 = "https://tass.com/economy/2065199"

JPY_M = "JPY m/yr"

PARAMETERS = (
    Parameter(
        "payer_quota_value",
        "Landed value of the payer's quota catch in the origin state's EEZ (saury, cod, squid).",
        JPY_M,
        9000,
        low=0,
        source=(
            "[E] from [S]: 2024 quota saury 25,842 t, squid 5,619 t, cod 3,200 t [S: "
            f"{NIPPON_2024}]. At ¥414–576/kg the saury alone is worth ¥10.7–14.9bn if fully "
            f"caught [D: {TBS_SAURY}], but actual catch is well below quota. cases.md §1.6 "
            "puts Japan's C at $0.01–0.12bn. The default targets the midpoint ($0.065bn ≈ ¥9.4bn) "
            "less net salmon value."
        ),
    ),
    Parameter(
        "origin_quota_value",
        "Landed value of the origin state's quota catch in the payer's EEZ (mackerel, sardine, "
        "cod).",
        JPY_M,
        3700,
        low=0,
        source=(
            f"[E] 2024 quota mackerel 32,000 t, sardine 10,000 t, cod 2,000 t [S: {NIPPON_2024}]; "
            "value [NF]. A low pelagic price of ≈ ¥84/kg is assumed here. cases.md §1.6 puts "
            "Russia's C at $0.005–0.05bn; the default targets the midpoint less the salmon fee."
        ),
    ),
    Parameter(
        "salmon_value",
        "Payer's landed value of origin-state salmon and trout caught under the salmon agreement.",
        JPY_M,
        650,
        low=0,
        source=(
            f"[E] quota 2,050 t every year 2021–2025 [S: {CASES}]; actual catch 652 t in 2021 "
            f"[S: {ASAHI_2021}]; value [NF]. ≈ ¥1,000/kg is assumed here (above the ≈ ¥400/kg "
            "fee implied by ¥260m on 652 t)."
        ),
    ),
    Parameter(
        "salmon_fee",
        "Annual fee the payer pays the origin state for its salmon (catch-dependent).",
        JPY_M,
        250,
        low=0,
        source=(
            f"[D] midpoint of ¥200m–300.13m (2022–2025 agreements) [S: {TASS_SALMON_2023}; "
            f"{NIPPON_SALMON_2024}]; ¥260m paid in 2021 [S: {ASAHI_2021}]. The Russian-EEZ "
            "test fishery adds ¥25m (2024–25) [S]."
        ),
    ),
    Parameter(
        "overfish",
        "Extra catch a side can take beyond its quota in the other's zone in one season, as a "
        "share of the quota.",
        "dimensionless (share of quota)",
        Fraction(1, 10),
        low=0,
        high=1,
        source=(
            "[E] cases.md §1.6: 'Japan cannot gain by cheating on reciprocal quotas; Russian "
            "inspections limit it' (Japan D ≈ C). 10% is assumed here, before inspection."
        ),
    ),
    Parameter(
        "inspection",
        "Probability that over-fishing is detected and the extra catch confiscated (both zones).",
        "dimensionless (probability)",
        Fraction(9, 10),
        low=0,
        high=1,
        source=(
            "[E] cases.md §1.6 F-EEZ (inspections limit cheating); Japan set special rules and a "
            "15-mile exclusion for Russian vessels in 2023 [S: https://www.tridge.com/news/"
            "japan-has-set-special-rules-for-russian-fishing-ve]."
        ),
    ),
    Parameter(
        "salmon_survives",
        "Share of the salmon arrangement (fee and catch) that continues when the EEZ agreement "
        "breaks down (1 = fully).",
        "dimensionless (0–1)",
        1,
        low=0,
        high=1,
        source=(
            f"[S] 2025: no EEZ agreement (talks failed 20 Dec 2024) [S: {SAITAMA_2025}], yet "
            f"2025 salmon deals were concluded 13–14 Mar 2025 [S: {JIJI_2025}]. No 2026 EEZ "
            f"deal either [S: {TASS_2026}]."
        ),
    ),
    Parameter(
        "payer_fallback",
        "Payer's net payoff from its fleets' best alternative when reciprocal access is lost, "
        "relative to the zero point (negative = adjustment cost).",
        JPY_M,
        -360,
        source=(
            "[E] cases.md §1.6 Japan N from −$0.005bn to 0: midpoint −$0.0025bn ≈ −¥360m at "
            f"¥145. Pacific cod fishers likely hit when 2026 quotas failed [S: {TASS_2026}]."
        ),
    ),
    Parameter(
        "origin_fallback",
        "Origin state's net payoff from its fleets' best alternative when reciprocal access is "
        "lost, relative to the zero point.",
        JPY_M,
        0,
        source=(
            "[E] cases.md §1.6 Russia N = 0 to $0.002bn, which comes from the salmon fees kept "
            "(modelled here by salmon_survives); no other fallback assumed."
        ),
    ),
    fx_parameter(
        145,
        (
            "[E] ¥145/$ for 2024–25, cases.md §1.6. It lies inside the sourced ¥141–149 (Reuters, "
            "Feb 2024: ¥148.7; Jiji/KUNA, Apr 2025: ≈ ¥141), cases.md §0."
        ),
    ),
)


def _build(p: Mapping[str, sympy.Expr]) -> dict[str, dict[str, sympy.Expr]]:
    k = 1000 * p["fx"]  # JPY m -> USD bn
    kappa = p["overfish"] * (1 - p["inspection"])
    survives = p["salmon_survives"]
    payer_c = (p["payer_quota_value"] + p["salmon_value"] - p["salmon_fee"]) / k
    origin_c = (p["origin_quota_value"] + p["salmon_fee"]) / k
    return {
        "payer": {
            "C": payer_c,
            "D": payer_c + kappa * p["payer_quota_value"] / k,
            "N": (survives * (p["salmon_value"] - p["salmon_fee"]) + p["payer_fallback"]) / k,
        },
        "origin": {
            "C": origin_c,
            "D": origin_c + kappa * p["origin_quota_value"] / k,
            "N": (survives * p["salmon_fee"] + p["origin_fallback"]) / k,
        },
    }


RECIPROCAL_QUOTA = DomainModel(
    id="fisheries.reciprocal_quota",
    title="Reciprocal EEZ quotas with a salmon fee (1984/1985 agreements shape)",
    roles=("payer", "origin"),
    parameters=PARAMETERS,
    build=_build,
    description=(
        "Each side fishes a quota in the other's 200-mile zone. The payer also pays the salmon's "
        "state of origin a fee to catch its salmon (Japan–Russia 1984 and 1985 agreements; "
        "F-EEZ in cases.md). Payoffs are in USD bn/yr; the JPY m inputs are divided by "
        "k = 1000·fx. κ = overfish·(1 − inspection), σ = salmon_survives. "
        "payer: C = (Vp + Vs − f)/k; D = C + κ·Vp/k (over-fishes a season); "
        "N = (σ(Vs − f) + Lp)/k. "
        "origin: C = (Vo + f)/k; D = C + κ·Vo/k; N = (σf + Lo)/k. "
        "Here Vp, Vo = payer_quota_value, origin_quota_value; Vs = salmon_value; f = salmon_fee; "
        "Lp, Lo = payer_fallback, origin_fallback. "
        "Grim thresholds: payer κVp/(κVp + Vp + (1−σ)(Vs−f) − Lp); "
        "origin κVo/(κVo + Vo + (1−σ)f − Lo) (1/105 and 1/101 at the defaults)."
    ),
)
