"""Team commands: `breakwater keys …`, `breakwater waivers …`, `breakwater audit export`.

`waivers` talks to a running proxy's admin API (so the two-person rule is checked in one
place, against the caller's key); `keys create` and `audit export` work offline.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from proxy.config import Settings, load_settings
from proxy.team.config import KEY_ID
from proxy.team.keys import hash_key, new_key
from proxy.team.service import pepper_from_env, store_for
from proxy.team.sql_store import make_store
from proxy.team.store import DuplicateKey, Store, StoredKey, StoreError

T = TypeVar("T")
EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2
_RELATIVE = re.compile(r"^(\d+(?:\.\d+)?)([smhdw])$")
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


class TeamUsageError(Exception):
    """Bad usage or an unreachable proxy: exit 2 with a one-line reason."""


def add_commands(commands: Any) -> None:
    keys = commands.add_parser("keys", help="virtual keys for the team service")
    key_commands = keys.add_subparsers(dest="keys_command", required=True)
    create = key_commands.add_parser("create", help="make a key and print it with the hash for the config")
    create.add_argument("--id", required=True)
    create.add_argument("--team", required=True)
    create.add_argument("--owner")
    create.add_argument("--role", action="append", choices=["developer", "approver", "admin"])
    create.add_argument("--config", type=Path,
                        help="write the key into this config's team store (SQLite or PostgreSQL); "
                             "without it, print a config entry for team.keys instead")
    create.add_argument("--print-config", action="store_true", help="print a team.keys entry even with --config")
    create.add_argument("--by", default="cli", help="who is creating the key (recorded for the two-person rule)")
    revoke = key_commands.add_parser("revoke", help="revoke a key in the team store (all replicas within ~1 s)")
    revoke.add_argument("--id", required=True)
    revoke.add_argument("--config", type=Path, required=True)
    listing_keys = key_commands.add_parser("list", help="keys made at run time and revocations in the team store")
    listing_keys.add_argument("--config", type=Path, required=True)

    waivers = commands.add_parser("waivers", help="two-person waivers (through a running proxy's admin API)")
    waivers.add_argument("--url", default=os.environ.get("BREAKWATER_URL", "http://127.0.0.1:8787"))
    waivers.add_argument("--key", default=os.environ.get("BREAKWATER_KEY"), help="your key (or $BREAKWATER_KEY)")
    waiver_commands = waivers.add_subparsers(dest="waivers_command", required=True)
    request = waiver_commands.add_parser("request", help="ask for a waiver (takes effect once someone else approves)")
    what = request.add_mutually_exclusive_group(required=True)
    what.add_argument("--rule")
    what.add_argument("--category")
    request.add_argument("--scope", choices=["key", "team"], default="key")
    request.add_argument("--team")
    request.add_argument("--hours", type=float, default=24)
    request.add_argument("--reason", required=True)
    for verb in ("approve", "deny", "revoke"):
        decide = waiver_commands.add_parser(verb, help=f"{verb} a waiver")
        decide.add_argument("id")
        decide.add_argument("--note", default="")
    listing = waiver_commands.add_parser("list", help="list waivers you can see")
    listing.add_argument("--status", choices=["pending", "approved", "denied", "revoked"])
    listing.add_argument("--format", choices=["text", "json"], default="text")

    audit = commands.add_parser("audit", help="the audit log")
    audit_commands = audit.add_subparsers(dest="audit_command", required=True)
    export = audit_commands.add_parser("export", help="write audit rows as JSON lines or CSV")
    export.add_argument("--since", default="7d", help="ISO date/time, or an age like 30m, 24h, 7d (default 7d)")
    export.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
    export.add_argument("--kind", choices=["decisions", "waivers"], default="decisions")
    export.add_argument("--config", type=Path)
    export.add_argument("--db", type=Path, help="the SQLite file (default: team.audit.path from the config)")
    export.add_argument("--output", type=Path, help="file to write (default stdout)")


def run(args: argparse.Namespace) -> int | None:
    """Run a team command; None when `args` is not one."""
    try:
        if args.command == "keys":
            return {"create": _keys_create, "revoke": _keys_revoke, "list": _keys_list}[args.keys_command](args)
        if args.command == "waivers":
            return _waivers(args)
        if args.command == "audit":
            return _audit_export(args)
    except TeamUsageError as exc:
        print(f"breakwater: {exc}", file=sys.stderr)
        return EXIT_USAGE
    return None


def _keys_create(args: argparse.Namespace) -> int:
    settings = load_settings(args.config)
    if not KEY_ID.match(args.id):
        raise TeamUsageError("--id: lower-case letters, digits and dashes (max 63)")
    key = new_key(args.id)
    pepper = pepper_from_env(settings.team)
    roles = args.role or ["developer"]
    owner = args.owner or args.id
    if not pepper:
        print(f"warning: ${settings.team.pepper_env} is empty; the hash has no pepper. Set it (the same value "
              "on every replica) before creating keys.", file=sys.stderr)
    if args.config and not args.print_config:
        if args.team not in settings.team.teams:
            raise TeamUsageError(f"--team {args.team!r} is not in team.teams of {args.config}")
        stored = StoredKey(args.id, hash_key(key, pepper), args.team, owner, roles, False, time.time(),
                           created_by=args.by)
        _with_store(settings, lambda store: store.insert_key(stored))
        print(f"key {args.id} stored; every replica accepts it within team.refresh_seconds.")
        print(f"key (give it to {owner}; only its hash is stored): {key}")
        return EXIT_OK
    print(f"key (give it to {owner}; it is not stored anywhere): {key}")
    print("config entry (under team.keys):")
    entry = {"id": args.id, "hash": hash_key(key, pepper), "team": args.team, "owner": owner, "roles": roles,
             "created_by": args.by, "created_at": round(time.time(), 3)}
    print("  - " + json.dumps(entry))
    return EXIT_OK


def _keys_revoke(args: argparse.Namespace) -> int:
    settings = load_settings(args.config)
    _with_store(settings, lambda store: store.revoke_key(args.id))
    print(f"key {args.id} revoked; every replica refuses it within team.refresh_seconds.")
    return EXIT_OK


def _keys_list(args: argparse.Namespace) -> int:
    settings = load_settings(args.config)
    for key in _with_store(settings, lambda store: store.keys()):
        state = "revoked" if key.revoked else "active"
        print(f"{key.id}  {state:<7} team={key.team or '-'} owner={key.owner or '-'} roles={','.join(key.roles)} "
              f"created {_iso(key.created_at)} by {key.created_by or '-'}")
    return EXIT_OK


def _with_store(settings: Settings, action: Callable[[Store], T]) -> T:
    store = store_for(settings.team)
    try:
        store.open()
        return action(store)
    except DuplicateKey as exc:
        raise TeamUsageError(str(exc)) from None
    except StoreError as exc:
        raise TeamUsageError(f"the team store is unavailable: {exc}") from None
    finally:
        store.close()


# -- waivers over the admin API ------------------------------------------------------------------------
def _waivers(args: argparse.Namespace) -> int:
    if not args.key:
        raise TeamUsageError("no key: pass --key or set BREAKWATER_KEY")
    command = args.waivers_command
    if command == "request":
        body: dict[str, Any] = {"scope": args.scope, "hours": args.hours, "reason": args.reason}
        body.update({"rule": args.rule} if args.rule else {"category": args.category})
        if args.team:
            body["team"] = args.team
        status, reply = _call(args, "POST", "/admin/api/waivers", body)
    elif command == "list":
        query = f"?status={args.status}" if args.status else ""
        status, reply = _call(args, "GET", f"/admin/api/waivers{query}", None)
        if status == 200 and args.format == "text":
            for w in reply["waivers"]:
                print(f"{w['id']}  {w['status']:<8} {w['scope_kind']}={w['scope_value']}  "
                      f"{w['subject_kind']}={w['subject_value']}  until {_iso(w['expires_at'])}  "
                      f"by {w['requested_owner']}: {w['reason']}")
            return EXIT_OK
    else:
        status, reply = _call(args, "POST", f"/admin/api/waivers/{args.id}/{command}", {"note": args.note})
    print(json.dumps(reply, indent=2))
    return EXIT_OK if status < 300 else EXIT_REFUSED


def _call(args: argparse.Namespace, method: str, path: str, body: dict[str, Any] | None) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(args.url.rstrip("/") + path, data=data, method=method, headers={
        "Authorization": f"Bearer {args.key}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        try:
            return exc.code, json.loads(exc.read() or b"{}")
        except ValueError:
            return exc.code, {"error": {"status": exc.code, "message": exc.reason}}
    except (urllib.error.URLError, OSError) as exc:
        raise TeamUsageError(f"cannot reach {args.url}: {exc}") from None


# -- audit export --------------------------------------------------------------------------------------
def parse_since(text: str, now: float | None = None) -> float:
    now = time.time() if now is None else now
    if match := _RELATIVE.match(text.strip()):
        return now - float(match.group(1)) * _UNIT[match.group(2)]
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise TeamUsageError(f"--since {text!r}: use an ISO date/time or an age like 24h or 7d") from None
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp()


def _audit_export(args: argparse.Namespace) -> int:
    settings = load_settings(args.config)
    if args.db:
        store: Store = make_store(None, args.db, busy_timeout_seconds=5.0)
    else:
        store = store_for(settings.team)
    if store.name == "sqlite" and not Path(args.db or settings.team.audit.path).exists():
        raise TeamUsageError(f"no audit database at {args.db or settings.team.audit.path}")
    since = parse_since(args.since)
    out = args.output.open("w", encoding="utf-8", newline="") if args.output else sys.stdout
    try:
        store.open()
        rows = store.export_decisions(since) if args.kind == "decisions" else store.export_waiver_events(since)
        count = (_write_jsonl if args.format == "jsonl" else _write_csv)(rows, out)
    except StoreError as exc:
        raise TeamUsageError(f"the team store is unavailable: {exc}") from None
    finally:
        store.close()
        if args.output:
            out.close()
    print(f"exported {count} {args.kind} rows since {_iso(since)}", file=sys.stderr)
    return EXIT_OK


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds")


def _with_time(rows: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for row in rows:
        yield {"time": _iso(row["ts"]), **row}


def _write_jsonl(rows: Iterator[dict[str, Any]], out: Any) -> int:
    count = 0
    for row in _with_time(rows):
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    return count


def _write_csv(rows: Iterator[dict[str, Any]], out: Any) -> int:
    writer: csv.DictWriter[str] | None = None
    count = 0
    for row in _with_time(rows):
        if "findings" in row:
            row["findings"] = ";".join(
                f"{f['rule_id']}|{f['category']}|{f['severity']}|{f['action']}|{f['line']}"
                + (f"|waiver={f['waiver_id']}" if f.get("waiver_id") else "") for f in row["findings"])
        if writer is None:
            writer = csv.DictWriter(out, fieldnames=list(row))
            writer.writeheader()
        writer.writerow(row)
        count += 1
    return count
