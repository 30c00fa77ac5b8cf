"""`opsledger dlq list|show|replay`: a service's dead letters, for on-call."""

import argparse
import asyncio
import sys
from typing import TYPE_CHECKING, Any

from opsledger.service import load_service
from opsledger.settings import Settings

if TYPE_CHECKING:
    from opsledger.kafka import KafkaSecurity


def _settings() -> Settings:
    from opsledger.cli import _settings as settings

    return settings()


def _dlq_target(args: argparse.Namespace) -> tuple[Settings, list[str]]:
    """Settings and the service's dead-letter topics; the named topic must be one of them."""
    from opsledger.dlq import dead_letter_topics

    try:
        definition = load_service(args.service)
    except LookupError as exc:
        raise SystemExit(str(exc)) from None
    settings = _settings()
    topics = dead_letter_topics(definition, settings.kafka_topic_prefix)
    topic = getattr(args, "topic", None)
    if topic is not None and topic not in topics:
        raise SystemExit(
            f"{topic} is not a dead-letter topic of {args.service} "
            f"(its topics: {', '.join(topics) or 'none: it consumes no topic'})"
        )
    return settings, topics


def _kafka_security(settings: Settings, service: str) -> "KafkaSecurity":
    from opsledger.kafka import KafkaSecurity

    try:
        return KafkaSecurity.from_settings(settings, service)
    except ValueError as exc:
        raise SystemExit(f"invalid configuration: {exc}") from None


def cmd_dlq_list(args: argparse.Namespace) -> int:
    from opsledger.dlq import DeadLetterError, list_dead_letters

    settings, topics = _dlq_target(args)
    try:
        letters = asyncio.run(
            list_dead_letters(
                settings.kafka_bootstrap_servers,
                topics,
                security=_kafka_security(settings, args.service),
            )
        )
    except DeadLetterError as exc:
        raise SystemExit(str(exc)) from None
    for letter in letters:
        error = letter.error.strip().splitlines()[-1] if letter.error.strip() else ""
        when = letter.timestamp.strftime("%Y-%m-%dT%H:%M:%SZ") if letter.timestamp else "-"
        print(
            "\t".join(
                (letter.ref, when, letter.consumer, letter.event_type, str(letter.event_id or "-"))
            )
            + f"\t{error[:120]}"
        )
    print(
        f"{args.service}: {len(letters)} dead letter(s) in {len(topics)} topic(s)"
        + (
            " (show one: opsledger dlq show <service> <topic> <partition> <offset>)"
            if letters
            else ""
        ),
        file=sys.stderr,
    )
    return 0


def cmd_dlq_show(args: argparse.Namespace) -> int:
    import json

    from opsledger.dlq import DeadLetterError, read_dead_letter

    settings, _ = _dlq_target(args)
    try:
        letter = asyncio.run(
            read_dead_letter(
                settings.kafka_bootstrap_servers,
                args.topic,
                args.partition,
                args.offset,
                security=_kafka_security(settings, args.service),
            )
        )
    except DeadLetterError as exc:
        raise SystemExit(str(exc)) from None
    print(json.dumps(letter.describe(), indent=2, ensure_ascii=False))
    return 0


def cmd_dlq_replay(args: argparse.Namespace) -> int:
    from aiokafka.errors import TopicAuthorizationFailedError

    from opsledger.db import create_engine
    from opsledger.dlq import DeadLetterError, consumer_names, read_dead_letter, replay

    settings, _ = _dlq_target(args)
    definition = load_service(args.service)
    security = _kafka_security(settings, args.service)

    async def run() -> int:
        letter = await read_dead_letter(
            settings.kafka_bootstrap_servers,
            args.topic,
            args.partition,
            args.offset,
            security=security,
        )
        engine = create_engine(settings.database_url_for(definition.name))
        try:
            result = await replay(
                letter,
                settings.kafka_bootstrap_servers,
                engine,
                consumer_names(definition),
                security,
            )
        finally:
            await engine.dispose()
        print(
            f"replayed {letter.ref} (event {letter.event_id or '?'}) to {result.topic} "
            f"partition {result.partition} offset {result.offset}; "
            f"{letter.consumer} handles it like any message "
            f"(inbox: {result.inbox_rows_cleared} dead-letter mark cleared)"
        )
        return 0

    try:
        return asyncio.run(run())
    except DeadLetterError as exc:
        raise SystemExit(str(exc)) from None
    except TopicAuthorizationFailedError:
        # The consuming service may not write the producer's topic: an operator may.
        raise SystemExit(
            f"Kafka refused {security.username or 'this client'} writing "
            f"{args.topic.removesuffix('.dlq')}: replay as an operator principal "
            "(OPSLEDGER_KAFKA_USERNAME=admin and its password)"
        ) from None


def non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value


def add_dlq_commands(sub: Any) -> None:
    """Register `dlq list|show|replay` on the `opsledger` parser's subcommands."""
    dlq = sub.add_parser("dlq", help="inspect and replay a service's dead letters")
    dlq_sub = dlq.add_subparsers(dest="dlq_command", required=True)
    dlq_list = dlq_sub.add_parser("list", help="every dead letter of the service's consumers")
    dlq_list.add_argument("service")
    dlq_list.set_defaults(func=cmd_dlq_list)
    for name, func, text in (
        ("show", cmd_dlq_show, "one dead letter: error, headers and payload (JSON)"),
        ("replay", cmd_dlq_replay, "send one dead letter back through its consumer, once fixed"),
    ):
        command = dlq_sub.add_parser(name, help=text)
        command.add_argument("service")
        command.add_argument("topic", help="dead-letter topic, as `dlq list` prints it")
        command.add_argument("partition", type=non_negative)
        command.add_argument("offset", type=non_negative)
        command.set_defaults(func=func)
