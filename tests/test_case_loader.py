"""Case files: the minimal form, and clear located errors for every kind of mistake."""

from __future__ import annotations

from pathlib import Path

import pytest
from sympy import Rational

from linkage.cases import load_case, load_case_text
from linkage.errors import CaseError, CaseErrors, LinkageError

MINIMAL = """\
[case]
id = "example"
players = ["A", "B"]
discount = 0.5

[[domains]]
id = "d1"
payoffs.A = { C = 3, D = 4, N = 1 }
payoffs.B = { C = 3, D = 4, N = 1 }

[[domains]]
id = "d2"
payoffs.A = { C = 3, D = 6, N = "1/2" }
payoffs.B = { C = 3, D = 6, N = 1 }
"""


def errors_of(text: str) -> list[CaseError]:
    with pytest.raises((CaseError, CaseErrors)) as info:
        load_case_text(text, file="bad.toml")
    exc = info.value
    return exc.errors if isinstance(exc, CaseErrors) else [exc]


def one_error(text: str) -> str:
    errs = errors_of(text)
    assert len(errs) == 1, [str(e) for e in errs]
    return str(errs[0])


def test_minimal_form_defaults_to_grim_and_full_linkage() -> None:
    case = load_case_text(MINIMAL)
    assert case.game.strategy.kind == "grim"
    assert case.game.linkage.mode == "full"
    assert Rational(1, 2) == case.game.domain("d2").payoffs["A"].N
    assert case.game.discount.of("A") == Rational(1, 2)


def test_bundled_example_file_loads(cases_dir: Path) -> None:
    case = load_case(cases_dir / "example.toml")
    assert case.hypotheses[0].structure.mode == "rules"
    a = case.analysis()
    # on the path A's deviation in d2 is punished in both; off it d1 may be punished already
    assert any(c.punished == {"d1", "d2"} for c in a.on_path_constraints["A"])
    assert a.linked_binding["A"].deviation == {"d2"} and a.linked_binding["A"].state == {"d1"}


def test_per_player_discount_and_t_period() -> None:
    text = MINIMAL.replace("discount = 0.5", "discount = { A = 0.6, B = 0.7 }") + (
        '\n[strategy]\nkind = "t_period"\nperiods = 2\n'
    )
    case = load_case_text(text)
    assert case.game.discount.of("B") == Rational(7, 10)
    assert case.game.strategy.periods == 2


def test_unknown_key_names_file_line_path_and_suggests() -> None:
    msg = one_error(MINIMAL.replace('id = "d1"', 'id = "d1"\ntitel = "x"'))
    assert "bad.toml:8" in msg
    assert "domains[0].titel" in msg
    assert "did you mean 'title'" in msg


def test_wrong_type_says_expected_and_found() -> None:
    msg = one_error(MINIMAL.replace("discount = 0.5", "discount = true"))
    assert "case.discount" in msg and "bad.toml:4" in msg
    assert "expected a number or an expression string" in msg and "found true" in msg


def test_missing_players() -> None:
    msg = one_error(MINIMAL.replace('players = ["A", "B"]\n', ""))
    assert "missing key 'players'" in msg


def test_payoffs_for_unknown_player_suggests_the_right_one() -> None:
    errs = errors_of(
        MINIMAL.replace(
            "payoffs.B = { C = 3, D = 4, N = 1 }", "payoffs.Bb = { C = 3, D = 4, N = 1 }"
        )
    )
    text = "\n".join(str(e) for e in errs)
    assert "domains[0].payoffs.Bb" in text and "did you mean 'B'" in text
    assert "no payoffs for player 'B'" in text


def test_dangling_domain_in_rule() -> None:
    msg = one_error(
        MINIMAL
        + '\n[linkage]\nmode = "rules"\nrules = [ { deviator = "A", domain = "d22", punished = ["d1"] } ]\n'
    )
    assert "linkage.rules[0]" in msg and "'d22'" in msg and "did you mean 'd2'" in msg


def test_rule_on_protected_domain_is_an_error() -> None:
    msg = one_error(
        MINIMAL
        + '\n[linkage]\nmode = "rules"\nprotected = ["d1"]\nrules = [ { deviator = "A", domain = "d2", punished = ["d1"] } ]\n'
    )
    assert "protected" in msg


def test_unknown_strategy_and_bad_periods() -> None:
    assert "did you mean 'grim'" in one_error(MINIMAL + '\n[strategy]\nkind = "grimm"\n')
    assert "periods" in one_error(MINIMAL + '\n[strategy]\nkind = "t_period"\nperiods = 0\n')


def test_low_above_high() -> None:
    msg = one_error(MINIMAL + "\n[parameters.x]\nvalue = 1\nlow = 3\nhigh = 2\n")
    assert "parameters.x.low" in msg and "low is above high" in msg


def test_hostile_expression_is_rejected_not_run(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = MINIMAL.replace('N = "1/2"', f"N = \"__import__('os').system('touch {marker}')\"")
    msg = one_error(text)
    assert "domains[1].payoffs.A.N" in msg and "invalid expression" in msg
    assert not marker.exists()


def test_invalid_toml_reports_the_line() -> None:
    msg = one_error(MINIMAL.replace("discount = 0.5", "discount = = 0.5"))
    assert "bad.toml:4" in msg and "not valid TOML" in msg


def test_a_bare_word_gets_a_hint_to_quote_it() -> None:
    msg = one_error(MINIMAL.replace('id = "example"', "id = example"))
    assert "not valid TOML" in msg and 'written in quotes: "example"' in msg
    msg = one_error(MINIMAL.replace('N = "1/2"', "N = 1/2"))
    assert 'written in quotes: "1/2"' in msg


def test_discount_out_of_range() -> None:
    assert "[0, 1)" in one_error(MINIMAL.replace("discount = 0.5", "discount = 1"))


def test_several_mistakes_are_reported_together() -> None:
    errs = errors_of(
        MINIMAL.replace('id = "d1"', 'id = "d1"\nfoo = 1').replace(
            'id = "d2"', 'id = "d2"\nbar = 2'
        )
    )
    assert len(errs) == 2


def test_missing_and_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(CaseError, match="no such case file"):
        load_case(tmp_path / "nope.toml")
    with pytest.raises(CaseError, match="directory"):
        load_case(tmp_path)
    binary = tmp_path / "bin.toml"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(CaseError, match="UTF-8"):
        load_case(binary)


def test_all_case_errors_are_linkage_errors() -> None:
    assert issubclass(CaseError, LinkageError) and issubclass(CaseErrors, LinkageError)


def test_discount_parameter_out_of_range_is_located() -> None:
    """Found by the fuzz test: a discount given by a parameter must stay in [0, 1)."""
    text = (
        MINIMAL.replace("discount = 0.5", 'discount = "patience"')
        + "\n[parameters.patience]\nvalue = 2\n"
    )
    msg = one_error(text)
    assert "case.discount" in msg and "leaves [0, 1)" in msg
    timeline = (
        MINIMAL.replace("discount = 0.5", 'discount = "patience"')
        + '\n[parameters.patience]\nvalue = 0.5\n\n[[timeline]]\ndate = 2000-01-01\ntitle = "x"\nset = { patience = 1 }\n'
    )
    assert "timeline[0].set" in one_error(timeline)
