"""``linkage plugins``, ``linkage models`` and ``linkage show MODEL``."""

from __future__ import annotations

import argparse
import json

from linkage.commands import command
from linkage.commands._common import say

# The plugin host imports sympy (through the registry's models); these commands import it on use.


def run_plugins(ns: argparse.Namespace) -> int:
    from linkage.plugins.manager import get_host

    host = get_host()
    records = [r for r in host.records.values() if ns.all or not r.builtin]
    if ns.json:
        say(json.dumps([r.as_json() for r in records], indent=2))
        return 0
    if not records:
        say("no plugins installed (use --all to include the built-ins)")
    for r in records:
        where = r.distribution or r.module
        version = f" {r.version}" if r.version else ""
        label = "built-in" if r.builtin else f"{where}{version}"
        say(f"{r.name}  [{r.status}]  {label}")
        if r.error:
            say(f"    error: {r.error}")
        for kind, ids in r.contributes.items():
            say(f"    {kind.replace('_', ' ')}: {', '.join(ids)}")
    return 0


@command("plugins", "list plugins, their versions, status and contributions")
def add_plugins(p: argparse.ArgumentParser) -> None:
    p.add_argument("--all", action="store_true", help="include the core's built-in plugins")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=run_plugins)


def run_models(ns: argparse.Namespace) -> int:
    from linkage.plugins.manager import get_host

    host = get_host()
    models = host.registry.items("domain_models")
    if ns.json:
        say(
            json.dumps(
                [
                    {
                        "id": m.id,
                        "title": m.title,
                        "roles": list(m.roles),
                        "plugin": host.registry.owner("domain_models", m.id),
                    }
                    for m in models
                ],
                indent=2,
            )
        )
        return 0
    for m in models:
        say(
            f"{m.id}  {m.title}  (roles: {', '.join(m.roles)}; plugin {host.registry.owner('domain_models', m.id)})"
        )
    return 0


@command("models", "list the domain models that plugins provide")
def add_models(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run_models)


def run_show(ns: argparse.Namespace) -> int:
    import sympy

    from linkage.plugins.manager import get_host

    host = get_host()
    m = host.lookup("domain_models", ns.model)
    payoffs = m.payoffs(symbolic=True)
    if ns.json:
        say(
            json.dumps(
                {
                    "id": m.id,
                    "title": m.title,
                    "description": m.description,
                    "roles": list(m.roles),
                    "parameters": [
                        {
                            "name": p.name,
                            "description": p.description,
                            "unit": p.unit,
                            "default": sympy.sstr(p.default),
                            "low": None if p.low is None else sympy.sstr(p.low),
                            "high": None if p.high is None else sympy.sstr(p.high),
                            "source": p.source,
                        }
                        for p in m.parameters
                    ],
                    "payoffs": {
                        r: {k: sympy.sstr(v) for k, v in sp.as_dict().items()}
                        for r, sp in payoffs.items()
                    },
                },
                indent=2,
            )
        )
        return 0
    say(f"{m.id}: {m.title}")
    if m.description:
        say(f"  {m.description}")
    say(f"  roles: {', '.join(m.roles)}; plugin: {host.registry.owner('domain_models', m.id)}")
    from linkage.decimals import decimal
    from linkage.render.maths import Notation

    text = Notation.of(m.parameters).text  # decimals as written, max(x, 0)
    say("  parameters:")
    for p in m.parameters:
        rng = (
            f" [{'' if p.low is None else decimal(p.low)}, "
            f"{'' if p.high is None else decimal(p.high)}]"
            if (p.low is not None or p.high is not None)
            else ""
        )
        symbol = f" (symbol {p.latex})" if p.latex else ""
        say(f"    {p.name} = {decimal(p.default)} {p.unit}{rng}{symbol}: {p.description}")
        if p.source:
            say(f"        source: {p.source}")
    say("  stage payoffs:")
    for role, sp in payoffs.items():
        for k, v in sp.as_dict().items():
            say(f"    {role}.{k} = {text(v)}")
    return 0


@command("show", "show a domain model: parameters, units, defaults, sources and payoffs")
def add_show(p: argparse.ArgumentParser) -> None:
    p.add_argument("model", help="a model id, e.g. fisheries.access_for_payment")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run_show)
