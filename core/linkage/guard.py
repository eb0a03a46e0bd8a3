"""Plugin code under guard: contained faults, a clean standard output, a time limit.

Every call from the core into a third-party plugin — importing it, calling its hooks, and at run
time a domain model's ``build``, a strategy type's ``build`` and its strategy's
``conditions(agg)``, an output format's ``render`` — goes through :func:`run`, which

* turns any ``Exception`` or ``SystemExit`` the plugin raises (or a result of the wrong type) into
  a :class:`PluginFault` whose one-line message names the plugin's distribution and version and
  the contribution (``plugin 'x' (linkage-x 1.0) failed in domain model 'x.pd' (build): ...``).
  A :class:`~linkage.errors.LinkageError` raised on purpose (a ``ModelError`` saying the input is
  impossible) passes through as it is, and so does ``KeyboardInterrupt`` (Ctrl-C still stops the
  command);
* sends what the plugin writes to ``sys.stdout`` to standard error, so that JSON, CSV or a report
  on standard output stays clean;
* bounds the call's wall-clock time: ``LINKAGE_PLUGIN_TIMEOUT`` seconds (default
  :data:`DEFAULT_TIMEOUT`; ``0`` for no limit), by ``SIGALRM`` on the main thread of a POSIX
  process. A plugin that catches the interruption is interrupted again every 50 ms; one that
  catches every interruption is ended by a watchdog thread, which stops the process with status 1
  and a message naming the plugin :func:`grace` seconds after the limit. Not bounded: one long
  call into C code that holds the interpreter lock (a regular expression backtracking, a huge
  integer power: neither the signal nor the watchdog thread runs until it returns), calls on other
  threads, and any call on Windows.

With ``LINKAGE_DEBUG`` set, the traceback of each contained fault is printed on standard error.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable
from types import FrameType
from typing import Any, TypeVar

import attrs

from linkage.errors import LinkageError, PluginError

DEFAULT_TIMEOUT = 30.0
"""Seconds a single call into a plugin may take (``LINKAGE_PLUGIN_TIMEOUT``, ``--plugin-timeout``),
including the core work that call asks for (an output format rendering a report)."""

TIMEOUT_ENV = "LINKAGE_PLUGIN_TIMEOUT"
DEBUG_ENV = "LINKAGE_DEBUG"
_REPEAT = 0.05  # seconds between interruptions of a plugin that swallowed the first one

T = TypeVar("T")


class PluginFault(PluginError):
    """Plugin code failed (raised, exited, hung or returned the wrong type) while the core ran it.

    ``detail`` is the failure without the plugin's name (``ValueError: bad``), as ``linkage
    plugins`` shows it; the message names the plugin and the contribution.
    """

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.detail = detail or message


def first_line(exc: BaseException) -> str:
    """``Type: first line of the message`` (the one line a report shows of an exception)."""
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def debug() -> bool:
    """Whether contained faults print their traceback (``LINKAGE_DEBUG``, ``--debug``)."""
    return bool(os.environ.get(DEBUG_ENV))


def timeout() -> float:
    """The time limit of one plugin call in seconds (0: none), from ``LINKAGE_PLUGIN_TIMEOUT``."""
    text = os.environ.get(TIMEOUT_ENV, "").strip()
    if not text:
        return DEFAULT_TIMEOUT
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value < float("inf"):
        raise LinkageError(
            f"{TIMEOUT_ENV} must be a number of seconds >= 0 (0: no limit), got {text!r}"
        )
    return value


# -- the time limit --------------------------------------------------------------------------------
@attrs.define(eq=False)
class _Call:
    """One guarded call in progress."""

    owner: str
    what: str
    limit: float
    deadline: float | None


class _Expired(BaseException):
    """Raised in plugin code when its call is over time. Not an ``Exception``, so that a plugin's
    ``except Exception`` does not swallow it."""

    def __init__(self, call: _Call) -> None:
        super().__init__(call.what)
        self.call = call


_STACK: list[_Call] = []  # the guarded calls in progress on the main thread, outermost first


@attrs.define
class _Saved:
    """The SIGALRM handler and timer in place before the outermost guarded call."""

    handler: Any = None
    deadline: float | None = None  # a timer someone else had armed
    fired: bool = False


_SAVED = _Saved()


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    now = time.monotonic()
    for call in _STACK:
        if call.deadline is not None and now >= call.deadline:
            raise _Expired(call)
    if _SAVED.deadline is not None and now >= _SAVED.deadline and not _SAVED.fired:
        _SAVED.fired = True
        if callable(_SAVED.handler):
            _SAVED.handler(signum, frame)
    _arm()


def _arm() -> None:
    """Arm the timer for the earliest deadline still to come (or disarm it)."""
    deadlines = [c.deadline for c in _STACK if c.deadline is not None]
    if _SAVED.deadline is not None and not _SAVED.fired:
        deadlines.append(_SAVED.deadline)
    if not deadlines:
        signal.setitimer(signal.ITIMER_REAL, 0)
        return
    signal.setitimer(signal.ITIMER_REAL, max(min(deadlines) - time.monotonic(), 1e-4), _REPEAT)


class _Watchdog:
    """The last resort: a thread that ends the process when the outermost guarded call is still
    running :func:`grace` seconds after its limit (plugin code catching every interruption)."""

    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.deadline: float | None = None
        self.message = ""
        self.idle = True
        self.pid = 0  # the process whose thread this is (a forked worker starts its own)

    def arm(self, deadline: float, message: str) -> None:
        with self.cond:
            self.deadline, self.message = deadline, message
            if self.pid != os.getpid():
                self.pid = os.getpid()
                threading.Thread(target=self._run, name="linkage-guard", daemon=True).start()
            elif self.idle:
                self.cond.notify()

    def disarm(self) -> None:
        with self.cond:
            self.deadline = None  # the thread sees it when it wakes

    def _run(self) -> None:
        with self.cond:
            while True:
                self.idle = self.deadline is None
                left = None if self.deadline is None else self.deadline - time.monotonic()
                if left is None or left > 0:
                    self.cond.wait(left)
                    continue
                os.write(2, f"linkage: error: {self.message}\n".encode(errors="replace"))
                os._exit(1)


_WATCHDOG = _Watchdog()


def grace(limit: float) -> float:
    """Seconds after a call's limit before the watchdog ends the process: as long as the limit,
    at least one second, at most ten."""
    return min(max(limit, 1.0), 10.0)


def _can_time() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


def _enter(owner: str, what: str) -> _Call | None:
    if not _can_time():
        return None
    limit = timeout()
    now = time.monotonic()
    call = _Call(owner, what, limit, now + limit if limit else None)
    if not _STACK:
        _SAVED.handler = signal.signal(signal.SIGALRM, _on_alarm)
        remaining, _ = signal.setitimer(signal.ITIMER_REAL, 0)
        _SAVED.deadline = now + remaining if remaining else None
        _SAVED.fired = False
        if call.deadline is not None:
            _WATCHDOG.arm(
                call.deadline + grace(limit),
                f"{owner} failed in {what}: did not return within {limit:g} s and could not be "
                f"interrupted (it catches the interruption); linkage stopped (the plugin time "
                f"limit: --plugin-timeout SECONDS or {TIMEOUT_ENV})",
            )
    _STACK.append(call)
    _arm()
    return call


def _leave(call: _Call | None) -> None:
    """Take ``call`` off the stack; the outermost call restores the handler and timer it found.
    Safe to call twice (an interruption may land in the first call)."""
    if call is None or call not in _STACK:
        return
    _STACK.remove(call)
    if _STACK:
        _arm()
        return
    _WATCHDOG.disarm()
    signal.setitimer(signal.ITIMER_REAL, 0)
    # None: a handler not installed from Python, which cannot be put back; the default then
    signal.signal(signal.SIGALRM, signal.SIG_DFL if _SAVED.handler is None else _SAVED.handler)
    if _SAVED.deadline is not None and not _SAVED.fired:
        signal.setitimer(signal.ITIMER_REAL, max(_SAVED.deadline - time.monotonic(), 1e-4))


# -- standard output -------------------------------------------------------------------------------
class _Switch:
    """Stands for ``sys.stdout`` while plugin code runs on some thread: a write from a thread that
    is in a guarded call goes to standard error, any other write to the standard output it
    replaced (so that threads do not swap ``sys.stdout`` under each other)."""

    def __init__(self, stdout: Any) -> None:
        self.stdout = stdout

    def _target(self) -> Any:
        return sys.stderr if getattr(_LOCAL, "depth", 0) else self.stdout

    def write(self, text: str) -> int:
        return int(self._target().write(text))

    def writelines(self, lines: Any) -> None:
        self._target().writelines(lines)

    def flush(self) -> None:
        self._target().flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._target(), name)


@attrs.define
class _Redirect:
    """The switch standing for ``sys.stdout``, and how many guarded calls are in progress."""

    switch: _Switch | None = None  # in place while any thread is in a guarded call
    calls: int = 0


_LOCAL = threading.local()  # .depth: guarded calls in progress on this thread
_LOCK = threading.Lock()
_OUT = _Redirect()


def _stdout_to_stderr() -> None:
    _LOCAL.depth = getattr(_LOCAL, "depth", 0) + 1
    with _LOCK:
        if _OUT.switch is None:
            _OUT.switch = _Switch(sys.stdout)
            sys.stdout = _OUT.switch
        _OUT.calls += 1


def _stdout_back() -> None:
    _LOCAL.depth -= 1
    with _LOCK:
        _OUT.calls -= 1
        if not _OUT.calls and _OUT.switch is not None:
            sys.stdout = _OUT.switch.stdout  # also if the plugin replaced sys.stdout
            _OUT.switch = None


# -- running plugin code ---------------------------------------------------------------------------
def fault(owner: str, what: str, detail: str, exc: BaseException | None = None) -> PluginFault:
    """The fault of ``owner`` in ``what``: ``plugin 'x' (linkage-x 1.0) failed in ...: detail``.
    With ``exc`` (what the plugin raised, or where it was interrupted) and ``LINKAGE_DEBUG`` set,
    its traceback is printed on standard error; without ``LINKAGE_DEBUG`` the message says how."""
    hint = ""
    if exc is not None and debug():
        print(f"linkage: traceback of {owner} in {what}:", file=sys.stderr)
        traceback.print_exception(exc, file=sys.stderr)
    elif exc is not None:
        hint = " (--debug shows the traceback)"
    return PluginFault(f"{owner} failed in {what}: {detail}{hint}", detail)


def run(
    fn: Callable[..., T],
    *args: Any,
    owner: str,
    what: str,
    returns: type | tuple[type, ...] | None = None,
    expected: str = "",
    **kwargs: Any,
) -> T:
    """``fn(*args, **kwargs)``: plugin code, under guard (see the module docstring).

    ``owner`` names the plugin (``plugin 'x' (linkage-x 1.0)``), ``what`` the contribution and the
    call (``domain model 'x.pd' (build)``); ``returns`` is the type the result must have
    (``expected`` says it in words).
    """
    _stdout_to_stderr()
    try:
        call = _enter(owner, what)
        try:
            try:
                result = fn(*args, **kwargs)
            finally:
                _leave(call)
        except LinkageError:
            raise  # raised on purpose (a ModelError about the input), or named by a nested call
        except _Expired as exc:
            _leave(call)
            if exc.call is not call:
                raise
            raise fault(
                owner,
                what,
                f"did not return within {exc.call.limit:g} s (the plugin time limit; raise it "
                f"with --plugin-timeout SECONDS or {TIMEOUT_ENV})",
                exc,
            ) from None
        except KeyboardInterrupt:
            raise
        except SystemExit as exc:
            raise fault(owner, what, f"called sys.exit({exc.code!r})", exc) from exc
        except Exception as exc:
            raise fault(owner, what, first_line(exc), exc) from exc
    finally:
        _stdout_back()
    if returns is not None and not isinstance(result, returns):
        raise fault(
            owner, what, f"returned {type(result).__name__}, expected {expected or returns}"
        )
    return result


@attrs.frozen
class Guarded:
    """A plugin's callable that runs under guard: what the registry stores in place of a
    contribution's ``build`` or ``render`` (picklable when the plugin's function is)."""

    fn: Callable[..., Any]
    owner: str
    what: str
    returns: type | tuple[type, ...] | None = None
    expected: str = ""
    claim: bool = False  # record the owner of the result's class (a strategy: see owner_of)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        result = run(
            self.fn,
            *args,
            owner=self.owner,
            what=self.what,
            returns=self.returns,
            expected=self.expected,
            **kwargs,
        )
        if self.claim:
            _OWNERS[type(result)] = self.owner
        return result


_OWNERS: dict[type, str] = {}


def owner_of(obj: object) -> str:
    """The plugin that made ``obj`` (a strategy its strategy type built), for messages."""
    cls = type(obj)
    return _OWNERS.get(cls) or f"the plugin module {cls.__module__!r}"
