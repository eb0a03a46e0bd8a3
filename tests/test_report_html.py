"""``linkage report``: one self-contained HTML file, checked as bytes and in a headless browser.

The browser checks drive Debian's chromium through the DevTools protocol (CDP) over a websocket
(``websocket-client``): the page must load with no console error or exception, make no request
other than the ``file:`` URL itself (``data:`` URIs are not requests to any address), show one
comparison row per case, and paint a screenshot that is not blank. A control page with a console
error and a request to a closed loopback port proves the harness sees both. Without chromium the
test fails and says how to install it.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import os
import re
import shutil
import signal
import subprocess
import time
import urllib.parse
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from helpers import shock_case

from linkage.cases.loader import load_case
from linkage.cli import main
from linkage.engine.threshold import combine
from linkage.render.html_report import render_html
from linkage.render.notebook import (
    analysis_html,
    analysis_latex,
    case_report_html,
    case_report_latex,
)
from linkage.render.report import CaseReport

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "cases" / "example.toml"

CASE_TOML = shock_case(
    """
[case]
id = "tiny_<b>"
title = "Tiny & <script>alert(1)</script> case"
players = ["J", "R"]
discount = "d"
sources = ["https://example.org/not-fetched"]
""",
    g_fields=', unit = "USD bn", source = "assumed <here>"',
    shock_title="Shock <&>",
)

TIMEOUT = 30.0
"""Upper bound (seconds) on every wait for the browser."""

INSTALL = (
    "chromium is required for the HTML report test and was not found; install it with "
    "'apt-get update && apt-get install -y chromium' (scripts/test.sh does this in CI)"
)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cases") / "tiny.toml"
    path.write_text(CASE_TOML, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory, tiny: Path) -> Path:
    """The report of the tiny case and cases/example.toml, written once by the CLI."""
    out = tmp_path_factory.mktemp("report") / "report.html"
    assert main(["report", str(tiny), str(EXAMPLE), "-o", str(out)]) == 0
    return out


# -- the HTML itself ------------------------------------------------------------------------------
class _Collector(HTMLParser):
    """Tags with attributes, and the text outside <style>."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if not self._in_style:
            self.text.append(data)


def parse(html: str) -> _Collector:
    c = _Collector()
    c.feed(html)
    return c


def test_report_is_self_contained_and_escaped(report_file: Path) -> None:
    html = report_file.read_text(encoding="utf-8")
    page = parse(html)
    tags = [t for t, _ in page.tags]
    assert "script" not in tags  # the case title's <script> is text, not a tag
    assert "Tiny &amp; &lt;script&gt;alert(1)&lt;/script&gt; case" in html
    assert "Shock &lt;&amp;&gt;" in html and "assumed &lt;here&gt;" in html
    for tag, attrs in page.tags:
        for name in ("src", "href"):
            value = attrs.get(name)
            if value is not None:  # only in-page anchors and data: URIs
                assert value.startswith(("#", "data:")), (tag, name, value[:60])
    assert tags.count("link") == 1 and "iframe" not in tags and "object" not in tags
    assert "@import" not in html and "url(" not in html.split("<style>")[1].split("</style>")[0]
    assert tags.count("math") > 10  # closed forms as MathML
    assert '<math display="inline">' in html and "<mfrac>" in html
    imgs = [a for t, a in page.tags if t == "img"]
    assert imgs and all(str(a["src"]).startswith(DATA_SVG) for a in imgs)
    svg = svg_of(str(imgs[0]["src"]))
    assert "<svg" in svg and "Date" not in svg
    refs = re.findall(r'href="([^"]*)"', svg)  # namespaces are names, not requests; links would be
    assert refs and all(r.startswith("#") for r in refs)


DATA_SVG = "data:image/svg+xml;charset=utf-8,"


def svg_of(src: str) -> str:
    """The SVG text of an ``<img src="data:...">`` (HTML entities already decoded)."""
    assert src.startswith(DATA_SVG)
    return urllib.parse.unquote(src.removeprefix(DATA_SVG))


def test_comparison_table_has_one_row_per_case(report_file: Path) -> None:
    html = report_file.read_text(encoding="utf-8")
    table = html.split('<table id="comparison">', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r'<tr class="case-row" data-case="([^"]*)" data-hypothesis="([^"]*)"', table)
    assert rows == [("example", "linkage"), ("tiny_&lt;b&gt;", "full")]
    # every hypothesis is in its case's section
    assert html.count('class="hypothesis-row"') == 3
    assert 'id="case-tiny_.3c.b.3e."' in html and 'href="#case-tiny_.3c.b.3e."' in html


def test_sections_hold_conditions_thresholds_plots_and_timeline(report_file: Path) -> None:
    html = report_file.read_text(encoding="utf-8")
    section = html.split('<section class="case" id="case-tiny_.3c.b.3e."', 1)[1]
    for heading in (
        "Parameters",
        "Hypotheses",
        "Critical discount factors",
        "Conditions",
        "Plots",
        "Timeline",
        "Scores",
    ):
        assert f">{heading}</h" in section
    # J's temptation in fish is the parameter g (closed form) = 2 at the calibration; the linked
    # constraint names its aggregates, then the threshold in them: δ* = g/(g + s) = 2/9
    assert (
        '<span class="formula"><math display="inline"><mi>g</mi></math></span> = '
        '<math display="inline"><mn>2</mn></math>'
    ) in section
    assert "g/(g + s)" in section and "<mfrac><mn>2</mn><mn>9</mn></mfrac>" in section
    assert '<msub><mi>g</mi><mi mathvariant="normal">fish</mi></msub>' in section
    # thresholds plot, region plot for g (d does not enter the payoffs), timeline plot
    assert section.count("<img ") == 3
    # the timeline table, one row per period and a column per hypothesis, scores the 2022
    # breakdown of fish: 'full' predicts cooperation (✗), 'separate' a breakdown (✓)
    timeline = section.split(">Timeline</h3>", 1)[1]
    shock = timeline.split("Shock &lt;&amp;&gt;", 1)[1].split("</tr>", 1)[0]
    assert (
        '<span class="no">✗ fish</span>' in shock
        and '<span class="yes">✓</span><br>- fish' in shock
    )
    assert timeline.count("Shock &lt;&amp;&gt;") == 1
    assert "(85%)" in timeline and "(100%)" in timeline


def test_report_bytes_are_deterministic(report_file: Path, tiny: Path) -> None:
    again = render_html([load_case(EXAMPLE), load_case(tiny)])  # the order given does not matter
    assert again.encode("utf-8") == report_file.read_bytes()


def test_report_bytes_do_not_depend_on_workers(tiny: Path) -> None:
    from linkage.render.html_report import render_report

    cases = [load_case(EXAMPLE), load_case(tiny)]
    one, _ = render_report(cases, plots=False, workers=1)
    two, _ = render_report(cases, plots=False, workers=2)
    assert one == two


def test_report_names_failed_cases_and_still_writes(
    tmp_path: Path, tiny: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[case]\nid = 'bad'\n", encoding="utf-8")
    out = tmp_path / "r.html"
    assert main(["report", str(tiny), str(bad), "--no-plots", "-o", str(out)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "bad.toml" in err[0] and "players" in err[0]
    html = out.read_text(encoding="utf-8")
    assert html.count('class="case-row"') == 1 and "<img " not in html
    assert main(["report", str(bad), "-o", str(out)]) == 1


def test_notebook_reprs(tiny: Path) -> None:
    report = CaseReport(load_case(tiny))
    html = case_report_html(report)
    assert html.startswith('<div class="linkage-report">') and "<img " not in html
    assert "Critical discount factors" in html
    latex = case_report_latex(report)
    assert latex.startswith("$$\\begin{array}") and latex.endswith("\\end{array}$$")
    assert "\\frac{1}{3} \\approx 0.3333" in latex and "\\text{linked (separate)}" in latex
    a = report.primary
    assert "linked sustainable" in analysis_html(a) and "\\frac{2}{9}" in analysis_latex(a)
    # the calibrated 'full' analysis: J's linked threshold is 2/9, R's 1/4
    assert combine(a.linked_thresholds.values()).value == pytest.approx(0.25)


# -- the browser ----------------------------------------------------------------------------------
def find_chromium(candidates: tuple[str, ...]) -> str | None:
    """Debian's chromium on the PATH or at one of ``candidates``."""
    return shutil.which("chromium") or next((c for c in candidates if Path(c).exists()), None)


class Browser:
    """Headless chromium driven over the DevTools protocol, one page session."""

    def __init__(
        self, user_data_dir: Path, candidates: tuple[str, ...] = ("/usr/bin/chromium",)
    ) -> None:
        import websocket

        exe = find_chromium(candidates)
        if exe is None:
            pytest.fail(INSTALL)
        self.proc = subprocess.Popen(
            [
                exe,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--disable-default-apps",
                "--mute-audio",
                "--hide-scrollbars",
                "--window-size=1200,1600",
                f"--user-data-dir={user_data_dir}",
                "--remote-debugging-port=0",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        port_file = user_data_dir / "DevToolsActivePort"
        deadline = time.monotonic() + TIMEOUT
        while not (port_file.exists() and len(port_file.read_text().splitlines()) >= 2):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                self.close()
                pytest.fail(f"chromium did not open its DevTools port within {TIMEOUT:.0f} s")
            time.sleep(0.05)
        port, path = port_file.read_text().splitlines()[:2]
        self.ws = websocket.create_connection(
            f"ws://127.0.0.1:{port}{path}", timeout=TIMEOUT, suppress_origin=True
        )
        self.next_id = 0
        self.events: list[dict[str, Any]] = []
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)[
            "sessionId"
        ]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable", session=True)

    def _recv(self, deadline: float) -> dict[str, Any]:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("no answer from chromium")
        self.ws.settimeout(remaining)
        message: dict[str, Any] = json.loads(self.ws.recv())
        if "method" in message:
            self.events.append(message)
        return message

    def call(self, method: str, *, session: bool = False, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        request: dict[str, Any] = {"id": self.next_id, "method": method, "params": params}
        if session:
            request["sessionId"] = self.session
        self.ws.send(json.dumps(request))
        deadline = time.monotonic() + TIMEOUT
        while True:
            message = self._recv(deadline)
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                result: dict[str, Any] = message.get("result", {})
                return result

    def wait_for(self, method: str, seconds: float = TIMEOUT) -> None:
        deadline = time.monotonic() + seconds
        seen = len(self.events)
        while not any(e["method"] == method for e in self.events[seen:]):
            self._recv(deadline)

    def drain(self, seconds: float) -> None:
        """Collect events for ``seconds`` (late console messages, requests)."""
        import websocket

        deadline = time.monotonic() + seconds
        try:
            while True:
                self._recv(deadline)
        except (TimeoutError, websocket.WebSocketTimeoutException):
            return

    def load(self, url: str) -> None:
        self.events.clear()
        self.call("Page.navigate", session=True, url=url)
        self.wait_for("Page.loadEventFired")
        self.drain(0.5)

    def evaluate(self, expression: str) -> Any:
        result = self.call(
            "Runtime.evaluate", session=True, expression=expression, returnByValue=True
        )
        return result["result"].get("value")

    def screenshot(self) -> bytes:
        data = self.call("Page.captureScreenshot", session=True, format="png")["data"]
        return base64.b64decode(data)

    def errors(self) -> list[str]:
        out = []
        for e in self.events:
            m, p = e["method"], e.get("params", {})
            if m == "Runtime.consoleAPICalled" and p.get("type") == "error":
                out.append(
                    "console.error: " + " ".join(str(a.get("value")) for a in p.get("args", []))
                )
            elif m == "Runtime.exceptionThrown":
                out.append("exception: " + str(p.get("exceptionDetails", {}).get("text")))
            elif m == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
                out.append("log: " + str(p["entry"].get("text")))
        return out

    def requests(self) -> list[str]:
        return [
            e["params"]["request"]["url"]
            for e in self.events
            if e["method"] == "Network.requestWillBeSent"
        ]

    def close(self) -> None:
        try:
            if getattr(self, "ws", None) is not None:
                self.call("Browser.close")
        except Exception:  # already gone: fall through to the signal
            pass
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=10)
        # chromium's helpers live in the process group it was started in, with its id
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)
        if getattr(self, "ws", None) is not None:
            self.ws.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    b = Browser(tmp_path_factory.mktemp("chromium-profile"))
    try:
        yield b
    finally:
        b.close()


def _network(urls: list[str], page: str) -> list[str]:
    """Requests to anything but the page itself (``data:`` URIs are not network requests)."""
    return [u for u in urls if u != page and not u.startswith("data:")]


def test_missing_chromium_fails_with_install_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no chromium on this PATH
    with pytest.raises(pytest.fail.Exception, match=r"apt-get install -y chromium"):
        Browser(tmp_path / "profile", candidates=(str(tmp_path / "no-chromium"),))


def test_browser_harness_sees_errors_and_requests(tmp_path: Path, browser: Browser) -> None:
    # Control: a console error and a request to a closed port on the loopback address.
    control = tmp_path / "control.html"
    control.write_text(
        '<!DOCTYPE html><html><body><p>control</p><img src="http://127.0.0.1:9/x.png">'
        '<script>console.error("boom")</script></body></html>',
        encoding="utf-8",
    )
    browser.load(control.as_uri())
    assert any("boom" in e for e in browser.errors())
    assert "http://127.0.0.1:9/x.png" in _network(browser.requests(), control.as_uri())


def test_report_in_headless_chromium(report_file: Path, tmp_path: Path, browser: Browser) -> None:
    from matplotlib.image import imread

    url = report_file.as_uri()
    browser.load(url)
    assert browser.errors() == []
    assert url in browser.requests()  # the harness did observe the page's own request
    assert _network(browser.requests(), url) == []
    rows = browser.evaluate(
        "Array.from(document.querySelectorAll('#comparison tbody tr.case-row'))"
        ".map(r => r.dataset.case)"
    )
    assert rows == ["example", "tiny_<b>"]
    images = browser.evaluate(
        "Array.from(document.images).map(i => i.complete && i.naturalWidth > 0)"
    )
    assert images and all(images)  # every embedded SVG decoded
    maths = browser.evaluate("document.querySelectorAll('math').length")
    assert maths > 10
    png = browser.screenshot()
    (tmp_path / "report.png").write_bytes(png)
    pixels = imread(io.BytesIO(png))
    flat = pixels.reshape(-1, pixels.shape[-1])[:, :3]
    assert len({tuple(p) for p in flat[:: max(1, len(flat) // 20000)].tolist()}) > 10
    assert (flat < 0.9).any(axis=1).mean() > 0.01  # a visible share of non-white pixels


# -- the bundled cases: size and layout ---------------------------------------------------------
@pytest.fixture(scope="module")
def bundled_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report of every bundled case, with plots, written once by the CLI."""
    out = tmp_path_factory.mktemp("bundled") / "report.html"
    assert main(["report", str(ROOT / "cases"), "-o", str(out)]) == 0
    return out


def test_bundled_report_is_under_100_kb_a_case(bundled_report: Path) -> None:
    html = bundled_report.read_text(encoding="utf-8")
    cases = len(list((ROOT / "cases").glob("*.toml")))
    assert bundled_report.stat().st_size < 100_000 * cases  # 7 cases: 0.65 MB; 12: 1.07 MB
    assert "base64" not in html  # SVG as text in the data URI, not a third larger
    srcs = re.findall(r'src="([^"]*)"', html)
    svgs = [svg_of(s.replace("&amp;", "&")) for s in srcs if s.startswith(DATA_SVG)]
    assert len(svgs) >= 2 * 7 and all(s.startswith("<?xml") and s.endswith("</svg>") for s in svgs)
    assert all("\n    <" not in s for s in svgs)  # compact: no indentation between tags


def test_report_fits_1400_pixels(bundled_report: Path, tmp_path: Path, browser: Browser) -> None:
    """At 1400 px no table, formula or the page itself scrolls horizontally (a screenshot of the
    top is kept next to the test's files for a look)."""
    browser.call(
        "Emulation.setDeviceMetricsOverride",
        session=True,
        width=1400,
        height=1000,
        deviceScaleFactor=1,
        mobile=False,
    )
    try:
        browser.load(bundled_report.as_uri())
        assert browser.errors() == []
        page = browser.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert page[0] <= page[1], page
        wide = browser.evaluate(
            "Array.from(document.querySelectorAll('.scroll, .formula, table, figure, math'))"
            ".filter(e => e.scrollWidth > e.clientWidth + 1 || "
            "e.getBoundingClientRect().right > document.documentElement.clientWidth)"
            ".map(e => e.tagName + ' ' + (e.closest('section') || {}).id + ' '"
            " + e.textContent.slice(0, 60))"
        )
        assert wide == []
        (tmp_path / "report-1400.png").write_bytes(browser.screenshot())
    finally:
        browser.call("Emulation.clearDeviceMetricsOverride", session=True)
