"""Hostile inputs (part of the fuzz suite): constants sympy cannot classify, bad output paths,
special files as input, a byte-order mark, keywords as parameter names, errors raised while
analysing. Every hostile input gets a clear error (exit status 1, one line per problem, no
traceback) or a correct answer; a failed write never replaces a good file.

The property tests draw ``LINKAGE_FUZZ_EXAMPLES`` examples (a small default; CI runs them
derandomized through the conftest profile; set it higher for a longer run on demand).
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import re
import socket
import stat
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import attrs
import mpmath
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from linkage.atomic import InputFileError, check_target, read_input, write_atomic
from linkage.cases import load_case, load_case_text
from linkage.cases.loader import MAX_FILE_BYTES
from linkage.cli import main
from linkage.constants import Unclassifiable, classify, sign
from linkage.errors import CaseError, CaseErrors, LinkageError
from linkage.expr import ExpressionError, parse_expression

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "cases" / "example.toml"
JAPAN_RUSSIA = ROOT / "cases" / "japan_russia.toml"
EXAMPLES = int(os.environ.get("LINKAGE_FUZZ_EXAMPLES", "40"))
TIMEOUT = 120  # seconds: generous, a hang fails the test, never a timing assertion

UNCLASSIFIABLE = {
    "1/(log(8)-3*log(2))": "division by zero",  # a zero sympy's simplification does not see
    "log(log(8)-3*log(2))": "log() result is infinite or undefined",
    "(-2)**sqrt(2)": "not a real number",  # complex
    "log(1-sqrt(3))": "not a real number",
    "log(sqrt(2)+1) + log(sqrt(2)-1)": "cannot decide the sign",  # log(1): a zero not proved
    "1/(log(sqrt(2)+1) + log(sqrt(2)-1))": "cannot decide the sign",
}


def case_text(
    *,
    value: str = "2",
    C: str = '"x + 1"',
    discount: str = "0.9",
    low: str = "",
    event: str = "",
    extra: str = "",
) -> str:
    """A small valid case whose pieces a test replaces with hostile text."""
    bounds = f", low = {low}" if low else ""
    timeline = f'\n[[timeline]]\ndate = 2001-01-01\ntitle = "e"\nset = {{ x = {event} }}\n'
    return f"""\
[case]
id = "hostile"
players = ["A", "B"]
discount = {discount}

[parameters]
x = {{ value = {value}{bounds} }}
{extra}
[[domains]]
id = "d1"
payoffs.A = {{ C = {C}, D = 5, N = 1 }}
payoffs.B = {{ C = 3, D = 4, N = 1 }}

[[domains]]
id = "d2"
payoffs.A = {{ C = 3, D = 6, N = 1 }}
payoffs.B = {{ C = 3, D = 6, N = 1 }}
{timeline if event else ""}"""


def errors_of(text: str) -> list[CaseError]:
    with pytest.raises((CaseError, CaseErrors)) as info:
        load_case_text(text, file="hostile.toml")
    exc = info.value
    return exc.errors if isinstance(exc, CaseErrors) else [exc]


def q(text: str) -> str:
    return f'"{text}"'


# -- constants sympy cannot classify (issue 14, item 3) -----------------------------------------
@pytest.mark.parametrize("hostile", sorted(UNCLASSIFIABLE))
@pytest.mark.parametrize(
    ("where", "path"),
    [
        ("value", "parameters.x.value"),
        ("C", "domains[0].payoffs.A.C"),
        ("discount", "case.discount"),
        ("low", "parameters.x.low"),
        ("event", "timeline[0].set.x"),
    ],
)
def test_an_unclassifiable_constant_is_refused_where_it_is_written(
    hostile: str, where: str, path: str
) -> None:
    (error,) = errors_of(case_text(**{where: q(hostile)}))
    assert error.location.key_path == path
    assert error.location.file == "hostile.toml" and error.location.line
    assert UNCLASSIFIABLE[hostile] in str(error)


@pytest.mark.parametrize("hostile", sorted(UNCLASSIFIABLE))
def test_unclassifiable_model_arguments_and_distribution_shapes_are_refused(hostile: str) -> None:
    text = JAPAN_RUSSIA.read_text(encoding="utf-8").replace(
        'fee = "f98_fee"', f'fee = "{hostile}"', 1
    )
    (error,) = errors_of(text)
    assert re.fullmatch(r"domains\[\d+\]\.params\.fee", error.location.key_path or "")
    shape = case_text(
        extra=f'y = {{ value = 1, low = 0, high = 2, dist = "triangular", mode = {q(hostile)} }}\n'
    )
    (error,) = errors_of(shape)
    assert error.location.key_path == "parameters.y.mode"


def test_a_zero_in_disguise_at_the_calibration_is_refused_where_it_arises() -> None:
    # each parameter is a fine constant; C - N of A is exactly zero only after substitution
    (error,) = errors_of(case_text(value=q("log(sqrt(2)+1)"), C=q("x + log(sqrt(2)-1) + 1")))
    assert error.location.key_path == "domains[0].payoffs.A"
    assert "C - N of A" in str(error) and "cannot decide the sign" in str(error)
    # ... and after a timeline event
    (error,) = errors_of(case_text(C=q("x + log(sqrt(2)-1) + 1"), event=q("log(sqrt(2)+1)")))
    assert error.location.key_path == "timeline[0].set"
    assert "after this event" in str(error)


def test_values_of_two_domains_equal_in_disguise_are_refused_at_the_second() -> None:
    text = case_text(C=q("1 + log(1+sqrt(2))")).replace(
        "payoffs.A = { C = 3, D = 6, N = 1 }",
        'payoffs.A = { C = "1 - log(sqrt(2)-1)", D = 6, N = 1 }',
    )
    (error,) = errors_of(text)
    assert error.location.key_path == "domains[1].payoffs.A"
    assert "cannot be told apart from domain 'd1'" in str(error)


def test_the_engine_refuses_a_comparison_it_cannot_decide_with_a_model_error() -> None:
    from linkage.engine.threshold import is_ge
    from linkage.errors import ModelError

    u, v = sympy.log(1 + sympy.sqrt(2)), sympy.log(sympy.sqrt(2) - 1)  # u = -v
    a, b = (3 - u) / (3 - v), (v + 3) / (u + 3)  # equal, which sympy.simplify cannot prove
    with pytest.raises(ModelError, match=r"cannot compare .* cannot prove them equal"):
        is_ge(a, b)


def test_a_value_equal_to_its_bound_in_disguise_is_compared_exactly() -> None:
    case = load_case_text(case_text(value=q("log(8)"), low=q("3*log(2)")), file="h.toml")
    assert case.parameters["x"].value == 3 * sympy.log(2)  # canonical: equal values cancel
    (error,) = errors_of(case_text(value=q("log(sqrt(2)+1)"), low=q("-log(sqrt(2)-1)")))
    assert error.location.key_path == "parameters.x.value"
    assert "cannot compare the value with low" in str(error)


def test_zeros_sympy_can_prove_become_zero() -> None:
    for text in (
        "log(8)-3*log(2)",
        "log(6)-log(2)-log(3)",
        "sqrt(8)-2*sqrt(2)",
        "exp(log(3))-3",
        "sqrt(3+2*sqrt(2))-1-sqrt(2)",
        "(1/3)**sqrt(2)-exp(sqrt(2)*log(1/3))",
    ):
        assert parse_expression(text) == 0
    assert parse_expression("log(12)") == 2 * sympy.log(2) + sympy.log(3)


@pytest.mark.parametrize(
    "value",
    ["sqrt(2)", "log(3)", "exp(1)/3", "log(8)/(3*log(2))", "max(sqrt(2), log(5))", "2**sqrt(2)"],
)
def test_irrational_constants_that_can_be_classified_are_analysed(
    value: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "irrational.toml"
    path.write_text(case_text(value=q(value)), encoding="utf-8")
    assert main(["analyze", str(path), "-f", "json"]) == 0
    assert main(["check", str(path)]) == 0
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize("key", ["C", "D", "N"])
def test_an_irrational_payoff_in_any_place_is_analysed(
    key: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    values = {"C": "3", "D": "5", "N": "1"}
    values[key] += " + log(2)/10"
    text = case_text().replace(
        'payoffs.A = { C = "x + 1", D = 5, N = 1 }',
        "payoffs.A = { " + ", ".join(f'{k} = "{v}"' for k, v in values.items()) + " }",
    )
    path = tmp_path / "irrational.toml"
    path.write_text(text, encoding="utf-8")
    assert main(["analyze", str(path), "-f", "json"]) == 0, capsys.readouterr().err


def test_an_engine_limit_on_irrational_values_names_the_case_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "tperiod.toml"
    path.write_text(
        case_text(value=q("sqrt(2)")) + '\n[strategy]\nkind = "t_period"\nperiods = 3\n',
        encoding="utf-8",
    )
    assert main(["analyze", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"linkage: error: {path}: ") and "rational coefficients" in err
    assert err.count("\n") == 1


# A small grammar of expression trees, evaluated independently in mpmath (not through sympy).
LEAVES = ["0", "1", "2", "3", "7", "0.5", "1.5", "10"]
DISGUISED_ZEROS = [
    "(log(8)-3*log(2))",
    "(sqrt(2)**2-2)",
    "(exp(log(3))-3)",
    "(log(6)-log(2)-log(3))",
    "(sqrt(8)-2*sqrt(2))",
    "(sqrt(3+2*sqrt(2))-1-sqrt(2))",
    "(log(sqrt(2)+1)+log(sqrt(2)-1))",
]


class _Ambiguous(Exception):
    """The independent evaluation is too close to a singular point to judge."""


class _Undefined(Exception):
    """The exact value is not real or not finite: the loader must refuse it."""


def _tree() -> st.SearchStrategy[Any]:
    leaf = st.sampled_from(LEAVES + DISGUISED_ZEROS).map(lambda t: ("leaf", t))

    def grow(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        return st.one_of(
            st.tuples(st.sampled_from(["+", "-", "*", "/"]), children, children),
            st.tuples(st.just("**"), children, st.sampled_from(["2", "3", "-1", "0.5", "sqrt(2)"])),
            st.tuples(st.sampled_from(["abs", "exp", "log", "sqrt", "neg"]), children),
            st.tuples(st.sampled_from(["max", "min"]), children, children),
        )

    return st.recursive(leaf, grow, max_leaves=8)


def _text(t: Any) -> str:
    kind = t[0]
    if kind == "leaf":
        return str(t[1])
    if kind in "+-*/":
        return f"({_text(t[1])} {kind} {_text(t[2])})"
    if kind == "**":
        return f"({_text(t[1])})**({t[2]})"
    if kind == "neg":
        return f"(-{_text(t[1])})"
    if kind in ("max", "min"):
        return f"{kind}({_text(t[1])}, {_text(t[2])})"
    return f"{kind}({_text(t[1])})"


TINY = mpmath.mpf(10) ** -80


def _value(t: Any) -> mpmath.mpf:
    """The tree's value at 400 digits; raises _Undefined or _Ambiguous."""
    kind = t[0]
    if kind == "leaf":
        text = t[1]
        if text.startswith("("):
            return _value(_parse_leaf(text))
        return mpmath.mpf(text)
    if kind == "neg":
        return -_value(t[1])
    if kind in ("abs", "exp", "log", "sqrt"):
        x = _value(t[1])
        if kind == "abs":
            return abs(x)
        if kind == "exp":
            if x > 1000:
                raise _Ambiguous  # the parser refuses exp of more than 1000
            return mpmath.exp(x)
        if abs(x) < TINY:
            if kind == "sqrt":
                return mpmath.mpf(0)
            raise _Ambiguous  # log of a zero in disguise, or of a tiny value
        if x < 0:
            raise _Undefined
        return mpmath.log(x) if kind == "log" else mpmath.sqrt(x)
    a = _value(t[1])
    if kind == "**":
        exponent = {"sqrt(2)": mpmath.sqrt(2)}.get(t[2])
        e = mpmath.mpf(t[2]) if exponent is None else exponent
        if abs(a) < TINY:
            if e < 0:
                raise _Ambiguous
            return mpmath.mpf(0)
        if a < 0 and t[2] in ("0.5", "sqrt(2)"):
            raise _Undefined
        return mpmath.power(a, e)
    b = _value(t[2])
    if kind == "+":
        return a + b
    if kind == "-":
        return a - b
    if kind == "*":
        return a * b
    if kind == "/":
        if abs(b) < TINY:
            raise _Ambiguous
        return a / b
    return max(a, b) if kind == "max" else min(a, b)


def _parse_leaf(text: str) -> Any:
    """The disguised zeros as trees (written by hand: they are few)."""
    two, three = ("leaf", "2"), ("leaf", "3")
    trees = {
        "(log(8)-3*log(2))": ("-", ("log", ("leaf", "8")), ("*", three, ("log", two))),
        "(sqrt(2)**2-2)": ("-", ("**", ("sqrt", two), "2"), two),
        "(exp(log(3))-3)": ("-", ("exp", ("log", three)), three),
        "(log(6)-log(2)-log(3))": (
            "-",
            ("-", ("log", ("leaf", "6")), ("log", two)),
            ("log", three),
        ),
        "(sqrt(8)-2*sqrt(2))": ("-", ("sqrt", ("leaf", "8")), ("*", two, ("sqrt", two))),
        "(log(sqrt(2)+1)+log(sqrt(2)-1))": (
            "+",
            ("log", ("+", ("sqrt", two), ("leaf", "1"))),
            ("log", ("-", ("sqrt", two), ("leaf", "1"))),
        ),
        "(sqrt(3+2*sqrt(2))-1-sqrt(2))": (
            "-",
            ("-", ("sqrt", ("+", three, ("*", two, ("sqrt", two)))), ("leaf", "1")),
            ("sqrt", two),
        ),
    }
    return trees[text]


@settings(max_examples=EXAMPLES)
@given(_tree())
def test_every_constant_is_refused_with_its_place_or_has_the_right_sign(tree: Any) -> None:
    text = _text(tree)
    try:
        with mpmath.workdps(400):
            expected: mpmath.mpf | None = _value(tree)
        undefined = False
    except _Ambiguous:
        expected, undefined = None, False
    except _Undefined:
        expected, undefined = None, True
    try:
        case = load_case_text(case_text(value=q(text), C="3"), file="prop.toml")
    except (CaseError, CaseErrors) as exc:
        error = exc.errors[0] if isinstance(exc, CaseErrors) else exc
        assert error.location.file == "prop.toml" and error.location.line
        assert error.location.key_path == "parameters.x.value"
        return
    assert not undefined, f"{text} is not a real number, yet it was accepted"
    value = case.parameters["x"].value
    assert not value.free_symbols and value.is_extended_real is not False
    if expected is None or abs(expected) < TINY:
        return  # too close to zero or a singular point for the independent evaluation
    assert sign(value) == (1 if expected > 0 else -1), (text, value, expected)


@settings(max_examples=max(5, EXAMPLES // 4))
@given(_tree())
def test_an_accepted_constant_is_analysed_or_refused_in_one_line(tree: Any) -> None:
    text = case_text(value=q(_text(tree)), C=q("x + 3"), extra="")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "prop.toml"
        path.write_text(text, encoding="utf-8")
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = main(["analyze", str(path), "-f", "json"])
    assert code in (0, 1)
    lines = err.getvalue().splitlines()
    assert all(line.startswith("linkage: ") for line in lines)
    assert code == 0 or any(line.startswith(f"linkage: error: {path}") for line in lines)


@settings(max_examples=EXAMPLES)
@given(_tree())
def test_classify_either_refuses_or_returns_a_real_finite_value(tree: Any) -> None:
    try:
        value = parse_expression(_text(tree))
    except ExpressionError:
        return
    assert classify(value) == value  # already canonical
    assert sign(value) in (-1, 0, 1)
    with pytest.raises(Unclassifiable):
        sign(
            sympy.Integer(1)
            / (value - value + sympy.sqrt(3 + 2 * sympy.sqrt(2)) - 1 - sympy.sqrt(2))
        )


# -- output paths (item 4) ------------------------------------------------------------------------
def _commands(out: str) -> dict[str, list[str]]:
    """Every command that writes a file, writing to ``out`` (suffix added where one is needed)."""
    case, record = str(EXAMPLE), str(JAPAN_RUSSIA)
    return {
        "analyze": ["analyze", case, "-o", out],
        "compare": ["compare", case, "-o", out],
        "compare-csv": ["compare", case, "-f", "csv", "-o", out],
        "timeline": ["timeline", record, "-o", out],
        "plot": ["plot", "thresholds", case, "-o", out + ".png"],
        "report": ["report", case, "--no-plots", "-o", out + ".html"],
        "sweep": ["sweep", record, "--param", "fx_2022=100:150:2", "--no-record", "-o", out],
        "sensitivity": ["sensitivity", record, "--draws", "3", "--no-record", "-o", out],
        "sources": ["sources", record, "-o", out],
        "new-plugin": ["new-plugin", "hostile_pack", "--dir", out],
    }


def _bad_outputs(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "a_file").write_text("x", encoding="utf-8")
    for name in ("a_dir", "a_dir.png", "a_dir.html"):  # folders named like the outputs
        (tmp_path / name).mkdir()
    return {
        "missing folder": str(tmp_path / "missing" / "out"),
        "parent is a file": str(tmp_path / "a_file" / "out"),
    }


@pytest.mark.parametrize("command", sorted(_commands("x")))
@pytest.mark.parametrize("case", ["missing folder", "parent is a file", "a folder"])
def test_a_bad_output_path_is_one_line_before_the_work(
    command: str, case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: Any
) -> None:
    bad = _bad_outputs(tmp_path)
    if case == "a folder":
        if command == "new-plugin":
            pytest.skip("not a bad path for new-plugin: its --dir names a folder by design")
        out = str(tmp_path / "a_dir")
    elif command == "new-plugin" and case == "missing folder":
        pytest.skip("not a bad path for new-plugin: it creates a missing --dir, as documented")
    else:
        out = bad[case]
    argv = _commands(out)[command]
    import linkage.cases.loader as loader

    def no_work(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the case was read before the output path was checked")

    if command != "new-plugin":
        monkeypatch.setattr(loader, "load_case_text", no_work)
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("linkage: error: cannot "), err
    assert case.split()[-1] in err or "does not exist" in err or "folder" in err


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize(
    "command", ["analyze", "compare", "compare-csv", "timeline", "sources", "sweep", "sensitivity"]
)
def test_a_full_device_is_one_line(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    before = os.stat("/dev/full")
    assert main(_commands("/dev/full")[command]) == 1
    assert capsys.readouterr().err.endswith(
        "linkage: error: cannot write '/dev/full': No space left on device\n"
    )
    after = os.stat("/dev/full")  # written in place: the device was not replaced by a file
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_device_in_a_subprocess() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "linkage", *_commands("/dev/full")["analyze"]],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert result.returncode == 1
    assert result.stderr == "linkage: error: cannot write '/dev/full': No space left on device\n"


def test_an_unwritable_folder_is_refused_before_the_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: Any
) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    if os.access(folder, os.W_OK):  # root writes anywhere: simulate what a user sees
        real = os.access
        monkeypatch.setattr(
            os, "access", lambda p, m, **kw: False if Path(p) == folder else real(p, m, **kw)
        )
    for argv in _commands(str(folder / "out")).values():
        if argv[0] == "new-plugin":
            continue
        assert main(argv) == 1
        err = capsys.readouterr().err
        assert "no permission to create files in" in err and err.count("\n") == 1, err


@pytest.mark.skipif(not Path("/dev/stdout").exists(), reason="needs /dev/stdout")
def test_dev_stdout_is_written_in_place_to_a_pipe_or_a_file(tmp_path: Path) -> None:
    argv = [sys.executable, "-m", "linkage", "analyze", str(EXAMPLE), "-o", "/dev/stdout"]
    piped = subprocess.run(argv, capture_output=True, text=True, timeout=TIMEOUT)
    assert piped.returncode == 0 and piped.stdout.startswith("Case example")
    out = tmp_path / "redirected.txt"
    with open(out, "w", encoding="utf-8") as f:
        assert subprocess.run(argv, stdout=f, timeout=TIMEOUT).returncode == 0
    assert out.read_text(encoding="utf-8") == piped.stdout


def test_a_read_only_file_is_not_replaced(tmp_path: Path, monkeypatch: Any) -> None:
    target = tmp_path / "kept.txt"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o444)
    if os.access(target, os.W_OK):  # root
        real = os.access
        monkeypatch.setattr(
            os, "access", lambda p, m, **kw: False if Path(p) == target else real(p, m, **kw)
        )
    with pytest.raises(LinkageError, match="read-only"):
        write_atomic("new", target)
    assert target.read_text(encoding="utf-8") == "old"


@pytest.mark.parametrize("hostile", sorted(UNCLASSIFIABLE))
@pytest.mark.parametrize("command", ["check", "analyze", "compare", "timeline"])
def test_unclassifiable_constants_on_the_command_line(
    hostile: str, command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "hostile.toml"
    path.write_text(case_text(value=q(hostile), event="3"), encoding="utf-8")
    assert main([command, str(path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"linkage: error: {path}:7 at 'parameters.x.value': invalid expression")


def test_a_plugin_models_numbers_are_classified(monkeypatch: Any) -> None:
    from linkage.models import DomainModel

    real = DomainModel.payoffs

    def hidden_zero(self: DomainModel, *args: Any, **kwargs: Any) -> Any:
        built = real(self, *args, **kwargs)
        role = next(iter(built))
        zero = sympy.log(1 + sympy.sqrt(2)) + sympy.log(sympy.sqrt(2) - 1)  # 0, not provable
        return {**built, role: attrs.evolve(built[role], C=built[role].N + zero)}

    monkeypatch.setattr(DomainModel, "payoffs", hidden_zero)
    (error,) = errors_of(JAPAN_RUSSIA.read_text(encoding="utf-8"))
    assert "cannot decide the sign" in str(error)
    assert re.fullmatch(r"domains\[\d+\]\.(params|model)", error.location.key_path or "")


def test_writing_to_dev_null_and_through_a_symlink(tmp_path: Path) -> None:
    write_atomic("ignored", "/dev/null")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    real = tmp_path / "real.txt"
    real.write_text("old", encoding="utf-8")
    real.chmod(0o640)
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    write_atomic("new", link)
    assert link.is_symlink() and real.read_text(encoding="utf-8") == "new"
    assert stat.S_IMODE(real.stat().st_mode) == 0o640  # a replaced file keeps its permissions


@pytest.mark.parametrize("fail", ["write", "fsync", "replace"])
def test_a_failing_write_never_truncates_the_previous_good_file(
    fail: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: Any
) -> None:
    target = tmp_path / "report.json"
    assert main(["analyze", str(EXAMPLE), "-f", "json", "-o", str(target)]) == 0
    good = target.read_bytes()

    def disk_full(*args: Any, **kwargs: Any) -> Any:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    if fail == "write":
        real_fdopen = os.fdopen

        class Full:  # a file whose writes fail half-way, like a full disk
            def __init__(self, fd: int, *args: Any) -> None:
                self.file = real_fdopen(fd, *args)

            def __enter__(self) -> Full:
                return self

            def __exit__(self, *exc: object) -> None:
                self.file.close()

            def write(self, data: bytes) -> int:
                self.file.write(data[: len(data) // 2])
                self.file.flush()
                disk_full()
                return 0

        monkeypatch.setattr(os, "fdopen", Full)
    else:
        monkeypatch.setattr(os, fail, disk_full)
    assert main(["analyze", str(EXAMPLE), "-f", "json", "-o", str(target)]) == 1
    err = capsys.readouterr().err
    assert err == f"linkage: error: cannot write '{target}': No space left on device\n"
    assert target.read_bytes() == good
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]  # no temporary left


def test_new_plugin_creates_the_whole_package_or_nothing(
    tmp_path: Path, monkeypatch: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from pathlib import Path as P

    real = P.write_text
    calls = []

    def fail_third(self: P, *args: Any, **kwargs: Any) -> int:
        calls.append(self)
        if len(calls) == 3:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(P, "write_text", fail_third)
    assert main(["new-plugin", "half", "--dir", str(tmp_path)]) == 1
    assert "No space left on device" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


# -- input files (item 5) -------------------------------------------------------------------------
def _special_files(tmp_path: Path) -> dict[str, Path]:
    files = {}
    files["symlink to /dev/zero"] = tmp_path / "zero.toml"
    files["symlink to /dev/zero"].symlink_to("/dev/zero")
    files["FIFO"] = tmp_path / "fifo.toml"
    os.mkfifo(files["FIFO"])
    files["directory"] = tmp_path / "dir.toml"
    files["directory"].mkdir()
    files["socket"] = tmp_path / "sock.toml"
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(files["socket"]))
    sock.close()
    files["device"] = Path("/dev/null")
    return files


@pytest.mark.parametrize("kind", ["symlink to /dev/zero", "FIFO", "directory", "socket", "device"])
@pytest.mark.parametrize("command", ["check", "analyze", "timeline", "compare"])
def test_a_special_file_is_refused_without_being_read(
    kind: str, command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _special_files(tmp_path)[kind]
    argv = [command, str(path)]
    if kind in ("symlink to /dev/zero", "FIFO"):  # in a subprocess: a read would hang or eat memory
        result = subprocess.run(
            [sys.executable, "-m", "linkage", *argv],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
        code, err = result.returncode, result.stderr
    else:
        code, err = main(argv), capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    if kind == "directory" and command == "compare":
        assert "directory has no *.toml case files" in err
    else:
        assert f"{path}: not a regular file but" in err
        assert err.count("\n") <= 2  # compare adds "no case could be compared"


def test_a_file_swapped_for_a_fifo_after_the_check_is_refused(
    tmp_path: Path, monkeypatch: Any
) -> None:
    fifo = tmp_path / "swap.toml"
    os.mkfifo(fifo)
    regular = os.stat(EXAMPLE)
    real_stat = os.stat
    # the path looked like a regular file a moment ago; the descriptor opened is a FIFO
    monkeypatch.setattr(
        os, "stat", lambda p, *a, **k: regular if Path(p) == fifo else real_stat(p, *a, **k)
    )
    with pytest.raises(InputFileError, match="not a regular file but a named pipe"):
        read_input(fifo, 100)


def test_the_size_cap_cannot_be_bypassed(tmp_path: Path, monkeypatch: Any) -> None:
    big = tmp_path / "big.toml"
    with open(big, "wb") as f:
        f.truncate(MAX_FILE_BYTES + 1)  # sparse: nothing to read, the size is enough
    with pytest.raises(CaseError, match=f"at most {MAX_FILE_BYTES} bytes"):
        load_case(big)
    # a file that grows while it is read (fstat said small): at most cap + 1 bytes are read
    grown = tmp_path / "grown.toml"
    grown.write_bytes(b"#" * 1000)
    real_fstat = os.fstat

    class Small:
        def __init__(self, info: os.stat_result) -> None:
            self.st_mode, self.st_size = info.st_mode, 10

    monkeypatch.setattr(os, "fstat", lambda fd: Small(real_fstat(fd)))
    reads: list[int] = []
    real_read = os.read
    monkeypatch.setattr(os, "read", lambda fd, n: reads.append(n) or real_read(fd, n))
    with pytest.raises(InputFileError, match="too large"):
        read_input(grown, 100)
    assert sum(reads) <= 101


def test_a_folder_of_cases_with_a_fifo_compares_the_others(tmp_path: Path) -> None:
    (tmp_path / "good.toml").write_bytes(EXAMPLE.read_bytes())
    os.mkfifo(tmp_path / "trap.toml")
    result = subprocess.run(
        [sys.executable, "-m", "linkage", "compare", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert result.returncode == 1 and "example" in result.stdout
    assert "trap.toml: not a regular file but a named pipe" in result.stderr


# -- from item 9: byte-order mark, keywords, errors during analysis ------------------------------
def test_a_leading_byte_order_mark_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + EXAMPLE.read_bytes())
    assert load_case(path).id == "example"


def test_a_byte_order_mark_elsewhere_is_named() -> None:
    text = "# a comment\n" + EXAMPLE.read_text(encoding="utf-8").replace(
        "[case]", "\ufeff[case]", 1
    )
    (error,) = errors_of(text)
    line = next(i for i, s in enumerate(text.splitlines(), start=1) if "\ufeff" in s)
    assert "byte-order mark (U+FEFF)" in str(error) and error.location.line == line


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("lambda", "Python keyword"),
        ("None", "Python keyword"),
        ("if", "Python keyword"),
        ("True", "Python keyword"),
        ("log", "function of the expression grammar"),
        ("max", "function of the expression grammar"),
        ("E", "reserved"),
        ("delta", "reserved"),
        ("pi", "reserved"),
    ],
)
def test_keywords_and_grammar_names_are_refused_as_parameter_names(name: str, reason: str) -> None:
    text = (
        case_text().replace("x = { value = 2 }", f"{name} = 2").replace('"x + 1"', f'"{name} + 1"')
    )
    (error,) = errors_of(text)
    assert error.location.key_path == f"parameters.{name}" and error.location.line == 7
    assert reason in str(error) and f"'{name}_'" in str(error)


def test_an_error_raised_while_analysing_names_the_case_file(
    monkeypatch: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from linkage.errors import ModelError
    from linkage.render import report

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise ModelError("a plugin's model failed")

    monkeypatch.setattr(report.CaseReport, "__init__", broken)
    assert main(["analyze", str(EXAMPLE)]) == 1
    assert capsys.readouterr().err == f"linkage: error: {EXAMPLE}: a plugin's model failed\n"


def test_check_target_refuses_what_cannot_be_written(tmp_path: Path) -> None:
    with pytest.raises(LinkageError, match="it is a folder"):
        check_target(tmp_path)
    assert check_target(tmp_path / "new.txt") == tmp_path
