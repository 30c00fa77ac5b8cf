"""`opsledger timers list|retry|drop <service>`: on-call's view of timers that do not fire.

`list` shows the service's pending timers that are due or parked: id, state (due,
backing-off, parked:<reason>), kind, stream, site, deadline, failed attempts, next
attempt and the last error's class. Never the payload (it may name people).
`retry` un-parks timers (by id, or every parked timer of a kind) for the next pass;
`drop` deletes them for good and asks for `--yes` first.
"""

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:  # the database modules load only for the command that runs
    from sqlalchemy.ext.asyncio import AsyncConnection

    from opsledger.timers import TimerStatus

R = TypeVar("R")
HEADER = ("timer_id", "state", "kind", "stream_id", "site_id", "due_at", "attempts", "next_try")


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value is not None else "-"


def _line(timer: "TimerStatus") -> str:
    cells = (
        timer.timer_id,
        timer.state,
        timer.kind,
        timer.stream_id,
        timer.site_id,
        _when(timer.due_at),
        str(timer.attempts),
        _when(timer.next_attempt_at),
        timer.last_error or "-",
    )
    return "\t".join(cells)


def _run(service: str, work: Callable[["AsyncConnection"], Awaitable[R]]) -> R:
    """`work` in one transaction on the service's database (no migration, no start-up)."""
    from opsledger.cli import _settings
    from opsledger.db import create_engine
    from opsledger.service import load_service

    try:
        definition = load_service(service)
    except LookupError as exc:
        raise SystemExit(str(exc)) from None
    url = _settings().database_url_for(definition.name)

    async def run() -> R:
        engine = create_engine(url)
        try:
            async with engine.begin() as conn:
                return await work(conn)
        finally:
            await engine.dispose()

    return asyncio.run(run())


def _matching(args: argparse.Namespace, timers: Sequence["TimerStatus"]) -> list["TimerStatus"]:
    if args.kind:
        return [t for t in timers if t.kind == args.kind and t.parked_at is not None]
    wanted = set(args.timer_ids)
    return [t for t in timers if t.timer_id in wanted]


def _check_selection(args: argparse.Namespace) -> None:
    if bool(args.timer_ids) == bool(args.kind):
        raise SystemExit(f"timers {args.timers_command}: give TIMER_ID(s) or --kind, not both")


def cmd_list(args: argparse.Namespace) -> int:
    from opsledger.timers import list_timers

    now = datetime.now(UTC)
    timers = _run(args.service, lambda conn: list_timers(conn, now, parked_only=args.parked))
    print("\t".join((*HEADER, "last_error")))
    for timer in timers:
        print(_line(timer))
    parked = sum(1 for t in timers if t.parked_at is not None)
    print(
        f"{args.service}: {len(timers)} timer(s) due or parked, {parked} parked"
        + (" (opsledger timers retry|drop <service> TIMER_ID... | --kind KIND)" if parked else ""),
        file=sys.stderr,
    )
    return 0


def cmd_retry(args: argparse.Namespace) -> int:
    from opsledger.timers import retry_timers

    _check_selection(args)
    changed = _run(args.service, lambda conn: retry_timers(conn, args.timer_ids, kind=args.kind))
    print(f"{args.service}: {changed} timer(s) will be tried again at the next pass")
    return 0 if changed else 1


def cmd_drop(args: argparse.Namespace) -> int:
    from opsledger.timers import drop_timers, list_timers

    _check_selection(args)
    if not args.yes:
        now = datetime.now(UTC)
        found = _matching(args, _run(args.service, lambda conn: list_timers(conn, now)))
        for timer in found:
            print(_line(timer))
        print(
            f"{args.service}: would drop {len(found)} due or parked timer(s) for good; "
            "run again with --yes to do it",
            file=sys.stderr,
        )
        return 2
    dropped = _run(args.service, lambda conn: drop_timers(conn, args.timer_ids, kind=args.kind))
    print(f"{args.service}: dropped {dropped} timer(s)")
    return 0 if dropped else 1


def add_timer_commands(sub: Any) -> None:
    """Register `timers list|retry|drop` on the main parser's subcommands."""
    timers = sub.add_parser("timers", help="list, retry or drop a service's due/parked timers")
    timers_sub = timers.add_subparsers(dest="timers_command", required=True)
    listing = timers_sub.add_parser("list", help="due and parked timers (no payload)")
    listing.add_argument("service")
    listing.add_argument("--parked", action="store_true", help="parked timers only")
    listing.set_defaults(func=cmd_list)
    for name, func, text in (
        ("retry", cmd_retry, "un-park timers: the next pass tries them afresh"),
        ("drop", cmd_drop, "delete pending timers for good (asks for --yes)"),
    ):
        command = timers_sub.add_parser(name, help=text)
        command.add_argument("service")
        command.add_argument("timer_ids", nargs="*", metavar="TIMER_ID")
        command.add_argument("--kind", help="every parked timer of this kind")
        if name == "drop":
            command.add_argument("--yes", action="store_true", help="really delete them")
        command.set_defaults(func=func)
