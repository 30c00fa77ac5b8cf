"""`opsledger` command line: serve, migrate, rebuild, verify, readmodels, token, dlq, timers."""

import argparse
import asyncio
import sys
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

from pydantic import ValidationError

from opsledger.cli_dlq import add_dlq_commands, non_negative
from opsledger.cli_timers import add_timer_commands
from opsledger.logs import configure_logging
from opsledger.service import load_service, service_names
from opsledger.settings import Settings

if TYPE_CHECKING:
    from opsledger.app import ServiceApp


def _settings() -> Settings:
    """The settings, or one line naming each bad variable and its rule (no traceback)."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = [
            f"OPSLEDGER_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in exc.errors()
        ]
        raise SystemExit("invalid configuration: " + "; ".join(problems)) from None


def _auth_key(settings: Settings, refusal: str) -> str:
    """The token key, or exit with one line: `refusal`, the variable and the rule."""
    from opsledger.settings import UnsafeConfigurationError

    try:
        return settings.auth_key()
    except UnsafeConfigurationError as exc:
        raise SystemExit(f"{refusal}: {exc}") from None


def _service(name: str, serving: bool = False) -> "ServiceApp":
    from opsledger.app import ServiceApp  # heavy imports only for commands that need them

    try:
        definition = load_service(name)
    except LookupError as exc:
        raise SystemExit(str(exc)) from None
    settings = _settings()
    if serving:
        _auth_key(settings, f"refusing to start {definition.name}")
    else:
        # Offline work (migrate, rebuild, verify) may run long statements, needs no key.
        settings = settings.model_copy(update={"database_statement_timeout_seconds": 0})
    configure_logging(definition.name, settings.log_level, settings.log_format)
    try:
        return ServiceApp(definition, settings)
    except ValueError as exc:
        raise SystemExit(f"invalid configuration: {exc}") from None


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from opsledger.serving import uvicorn_options

    service = _service(args.service, serving=True)
    port = args.port or service.settings.http_port or service.definition.default_port
    host = args.host or service.settings.http_host
    uvicorn.run(service.asgi(), host=host, port=port, **uvicorn_options(service.settings))
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    from opsledger.migrate import upgrade

    service = _service(args.service)

    async def run() -> None:
        try:
            await upgrade(service.runtime.engine, service.definition)
        finally:
            await service.runtime.engine.dispose()

    asyncio.run(run())
    print(f"{args.service}: migrated to head")
    return 0


def _bar(label: str) -> Callable[[int, int], None]:
    """A one-line progress bar on stderr for long rebuilds (folding the log)."""

    def show(done: int, total: int) -> None:
        width = 30
        filled = width if total <= 0 else min(width, width * done // total)
        pct = 100 if total <= 0 else min(100, 100 * done // total)
        end = "\n" if done >= total else ""
        sys.stderr.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {pct:3d}% {end}")
        sys.stderr.flush()

    return show


def cmd_rebuild(args: argparse.Namespace) -> int:
    service = _service(args.service)

    async def run() -> int:
        try:
            await service.start(background=False)
            runner = service.read_models
            try:
                targets = [runner.find(args.projection)] if args.projection else runner.projections
            except KeyError as exc:
                print(exc.args[0], file=sys.stderr)
                return 2
            for model in targets:
                position = await runner.rebuild(model, progress=_bar(f"rebuilding {model.name}"))
                print(f"{args.service}: rebuilt {model.name} up to event {position}")
            if not targets:
                print(f"{args.service}: has no read models")
            return 0
        finally:
            await service.runtime.engine.dispose()

    return asyncio.run(run())


def cmd_verify(args: argparse.Namespace) -> int:
    from opsledger.chain_verify import verify_chain
    from opsledger.cli_chain import file_anchors, kafka_anchors, print_chain_report
    from opsledger.verify import run_checks, verify_read_models

    service = _service(args.service)
    anchors = file_anchors(args.service, args.against)

    async def run() -> int:
        try:
            await service.start(background=False)
            if args.against == "kafka":
                anchors.extend(await kafka_anchors(service))
            report = await verify_chain(service.runtime.engine, anchors)
            if not print_chain_report(args.service, report) or args.chain_only:
                return 0 if report.finding is None else 1
            models = service.read_models.projections
            rt = service.runtime
            differences = await verify_read_models(rt.engine, rt.store, service.catalog, models)
            checks = service.definition.checks()
            problems = await run_checks(rt.engine, rt.store, service.catalog, checks)
        finally:
            await service.runtime.engine.dispose()
        for diff in differences:
            print(f"DIFFERENT {diff.projection}.{diff.table}: {diff.detail}", file=sys.stderr)
        for problem in problems:
            print(f"DIFFERENT {args.service}: {problem}", file=sys.stderr)
        if differences or problems:
            found = len(differences) + len(problems)
            print(f"{args.service}: {found} difference(s)", file=sys.stderr)
            return 1
        names = ", ".join(m.name for m in models) or "no read models"
        print(f"{args.service}: verified {names}: rebuilt equals live")
        if checks:
            print(f"{args.service}: {len(checks)} own check(s) of the log: consistent")
        return 0

    return asyncio.run(run())


def cmd_readmodels_prune(args: argparse.Namespace) -> int:
    service = _service(args.service)

    async def run() -> list[str]:
        try:
            await service.start(background=False)
            return await service.read_models.prune(timedelta(minutes=args.unused_for))
        finally:
            await service.runtime.engine.dispose()

    dropped = asyncio.run(run())
    for table in dropped:
        print(f"dropped {table}")
    print(f"{args.service}: {len(dropped)} read-model table(s) of other versions dropped")
    return 0


def cmd_token(args: argparse.Namespace) -> int:
    from opsledger.auth import TokenService

    settings = _settings()
    roles = [r.strip() for r in args.roles.split(",") if r.strip()]
    sites = [s.strip() for s in args.sites.split(",") if s.strip()]
    audience = [a.strip() for a in args.service.split(",") if a.strip()]
    if not sites:
        raise SystemExit("--sites: give at least one site id (or * for all)")
    if not roles:
        raise SystemExit("--roles: give at least one role")
    known = service_names()
    unknown = [a for a in audience if a not in known]
    if not audience or unknown:
        raise SystemExit(
            f"--service: give the service(s) the token is for, of {', '.join(known)}"
            + (f" (unknown: {', '.join(unknown)})" if unknown else "")
        )
    if args.ttl_minutes > settings.auth_max_token_minutes:
        raise SystemExit(
            f"--ttl-minutes: at most {settings.auth_max_token_minutes} "
            "(OPSLEDGER_AUTH_MAX_TOKEN_MINUTES: the services refuse longer-lived tokens)"
        )
    key = _auth_key(settings, "cannot mint a token")
    ttl = timedelta(minutes=args.ttl_minutes)
    tokens = TokenService(
        key, settings.auth_issuer, max_lifetime=timedelta(minutes=settings.auth_max_token_minutes)
    )
    print(tokens.mint(args.staff, roles, sites, ttl, audience=audience))
    return 0


def _positive_minutes(text: str) -> int:
    """argparse type: a token lifetime must be positive (a token born expired is useless)."""
    try:
        minutes = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number of minutes: {text!r}") from None
    if not 1 <= minutes <= 7 * 24 * 60:
        raise argparse.ArgumentTypeError(
            f"must be between 1 and {7 * 24 * 60} minutes (a week), got {minutes}"
        )
    return minutes


def cmd_services(_: argparse.Namespace) -> int:
    for name in service_names():
        definition = load_service(name)
        print(f"{name}\t:{definition.default_port}\t{definition.title}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="opsledger", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run one service (HTTP, relay, consumers, projections)")
    serve.add_argument("service")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.set_defaults(func=cmd_serve)

    migrate = sub.add_parser("migrate", help="apply database migrations of a service")
    migrate.add_argument("service")
    migrate.set_defaults(func=cmd_migrate)

    rebuild = sub.add_parser("rebuild", help="rebuild read models from the events")
    rebuild.add_argument("service")
    rebuild.add_argument("projection", nargs="?", help="one read model (default: all)")
    rebuild.set_defaults(func=cmd_rebuild)

    verify = sub.add_parser(
        "verify",
        help="recompute the event chain (first tampered event), then rebuild read models "
        "into scratch and compare with live",
    )
    verify.add_argument("service")
    verify.add_argument(
        "--against",
        metavar="kafka|FILE",
        help="also check the chain against the published heads: `kafka` (the service's "
        "anchors topic) or a file of ChainHeadAnchored JSON lines",
    )
    verify.add_argument(
        "--chain-only", action="store_true", help="check the event chain only (no read models)"
    )
    verify.set_defaults(func=cmd_verify)

    readmodels = sub.add_parser("readmodels", help="read-model tables of other versions")
    readmodels_sub = readmodels.add_subparsers(dest="readmodels_command", required=True)
    prune = readmodels_sub.add_parser(
        "prune", help="drop other versions' tables no replica used lately (keeps this one's)"
    )
    prune.add_argument("service")
    prune.add_argument(
        "--unused-for",
        type=non_negative,
        default=0,
        metavar="MINUTES",
        help="only tables no replica marked seen for this long (default 0: all now)",
    )
    prune.set_defaults(func=cmd_readmodels_prune)

    token = sub.add_parser("token", help="mint a bearer token with the configured key")
    token.add_argument("--staff", required=True)
    token.add_argument("--roles", required=True, help="comma separated, e.g. agent,shift_lead")
    token.add_argument("--sites", required=True, help="comma separated site ids, or *")
    token.add_argument(
        "--service",
        "--audience",
        required=True,
        help="the service(s) the token is for (its audience), comma separated, e.g. dispatch",
    )
    token.add_argument(
        "--ttl-minutes",
        type=_positive_minutes,
        default=60,
        help="lifetime in minutes (default 60; at most OPSLEDGER_AUTH_MAX_TOKEN_MINUTES, 720)",
    )
    token.set_defaults(func=cmd_token)

    add_dlq_commands(sub)
    add_timer_commands(sub)

    services = sub.add_parser("services", help="list installed services")
    services.set_defaults(func=cmd_services)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
