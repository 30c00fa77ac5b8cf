"""Follow an OpsLedger topic and print every event as one line of JSON.

Needs only `aiokafka` and `opsledger-contracts`. Each valid event goes to stdout as
`{"topic", "partition", "offset", "timestamp", "key", "envelope", "payload"}`; a message
that breaks the contract goes to stderr as one line naming the header or field at
fault, and the example goes on with the next one.

    python follow_topic.py --bootstrap 127.0.0.1:9092 --service dispatch
    python follow_topic.py --bootstrap kafka:9092 --topic opsledger.fleet.events \\
        --from-time 2025-01-15T08:00:00Z --max-messages 100 --timeout 10

It reads without a consumer group (nothing is committed): a real consumer uses its own
`group_id`, commits offsets after handling each event, and deduplicates on `ce_id`.

The brokers know who is talking: log in with SASL (--security-protocol SASL_PLAINTEXT or
SASL_SSL, --username, --password-file), by default from OPSLEDGER_KAFKA_SECURITY_PROTOCOL,
OPSLEDGER_KAFKA_SASL_MECHANISM, OPSLEDGER_KAFKA_USERNAME and OPSLEDGER_KAFKA_PASSWORD_FILE
(what `deploy/local/kafka.sh env <principal>` prints). The principal needs Read on the topic.
"""

import argparse
import asyncio
import json
import os
import sys
import time
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.helpers import create_ssl_context
from opsledger_contracts import SERVICES, ContractError, decode_message, events_topic


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command line options (see the module docstring)."""
    parser = argparse.ArgumentParser(
        description="Print the events of an OpsLedger topic as JSON lines."
    )
    parser.add_argument("--bootstrap", default="127.0.0.1:9092", help="Kafka bootstrap servers")
    env = os.environ.get
    parser.add_argument(
        "--security-protocol",
        choices=("PLAINTEXT", "SASL_PLAINTEXT", "SASL_SSL"),
        default=env("OPSLEDGER_KAFKA_SECURITY_PROTOCOL", "PLAINTEXT"),
    )
    parser.add_argument(
        "--sasl-mechanism",
        choices=("SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN"),
        default=env("OPSLEDGER_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512"),
    )
    parser.add_argument("--username", default=env("OPSLEDGER_KAFKA_USERNAME", ""))
    parser.add_argument(
        "--password-file",
        default=env("OPSLEDGER_KAFKA_PASSWORD_FILE", ""),
        help="file holding the SASL password (never pass a password on the command line)",
    )
    parser.add_argument("--ssl-cafile", default=env("OPSLEDGER_KAFKA_SSL_CAFILE", ""))
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--topic", help="topic name, e.g. opsledger.dispatch.events")
    which.add_argument("--service", choices=SERVICES, help="follow this service's topic")
    start = parser.add_mutually_exclusive_group()
    start.add_argument(
        "--from-offset",
        type=int,
        metavar="N",
        help="start at offset N in every partition (default: the beginning)",
    )
    start.add_argument(
        "--from-time",
        type=_aware_datetime,
        metavar="ISO8601",
        help="start at the first message at or after this time, e.g. 2025-01-15T08:00:00Z",
    )
    parser.add_argument("--max-messages", type=int, metavar="N", help="stop after N messages")
    parser.add_argument(
        "--timeout",
        type=float,
        metavar="SECONDS",
        help="stop after this many seconds without a new message (default: follow forever)",
    )
    return parser.parse_args(argv)


def _aware_datetime(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO 8601 date-time") from None
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{text!r} has no time zone; add Z or +hh:mm")
    return value


async def _seek(consumer: AIOKafkaConsumer, partitions: list[TopicPartition], args: Any) -> None:
    """Position every partition according to --from-offset / --from-time."""
    if args.from_time is not None:
        wanted = int(args.from_time.timestamp() * 1000)
        found = await consumer.offsets_for_times({tp: wanted for tp in partitions})
        for tp in partitions:
            if found.get(tp) is None:  # nothing at or after that time yet
                await consumer.seek_to_end(tp)
            else:
                consumer.seek(tp, found[tp].offset)
    elif args.from_offset is not None:
        # Clamp to what the broker still has: an out-of-range offset would otherwise be
        # silently reset by the client.
        first = await consumer.beginning_offsets(partitions)
        end = await consumer.end_offsets(partitions)
        for tp in partitions:
            consumer.seek(tp, min(max(args.from_offset, first[tp]), end[tp]))
    else:
        await consumer.seek_to_beginning(*partitions)


def _render(record: Any) -> str:
    """Decode one record into a JSON line; raises `ContractError` naming the fault."""
    if record.key is None:
        raise ContractError("message key is missing (it must equal header ce_subject)")
    event = decode_message(record.headers, record.value, key=record.key)
    return json.dumps(
        {
            "topic": record.topic,
            "partition": record.partition,
            "offset": record.offset,
            "timestamp": datetime.fromtimestamp(record.timestamp / 1000, UTC).isoformat(),
            "key": record.key.decode(),
            "envelope": event.envelope.model_dump(mode="json"),
            "payload": event.payload.model_dump(mode="json"),
        },
        ensure_ascii=False,
    )


def security_options(args: argparse.Namespace) -> dict[str, Any]:
    """How to log in to the brokers (aiokafka keyword arguments)."""
    if args.security_protocol == "PLAINTEXT":
        return {}
    password = os.environ.get("OPSLEDGER_KAFKA_PASSWORD", "")
    if args.password_file:
        with open(args.password_file, encoding="utf-8") as file:
            password = file.read().strip()
    options: dict[str, Any] = {
        "security_protocol": args.security_protocol,
        "sasl_mechanism": args.sasl_mechanism,
        "sasl_plain_username": args.username,
        "sasl_plain_password": password,
    }
    if args.security_protocol == "SASL_SSL":
        options["ssl_context"] = create_ssl_context(cafile=args.ssl_cafile or None)
    return options


async def _topic_exists(args: argparse.Namespace, topic: str) -> bool:
    """Checked first because subscribing to a missing topic may auto-create it."""
    probe = AIOKafkaConsumer(
        bootstrap_servers=args.bootstrap, group_id=None, **security_options(args)
    )
    await probe.start()
    try:
        return topic in await probe.topics()
    finally:
        await probe.stop()


async def follow(args: argparse.Namespace) -> int:
    """Print events until --max-messages or --timeout; returns the exit status."""
    topic = args.topic or events_topic(args.service)
    if not await _topic_exists(args, topic):
        print(f"topic {topic} does not exist on {args.bootstrap}", file=sys.stderr)
        return 2
    # Subscribing without a group assigns every partition of the topic and nothing is
    # ever committed: this example only reads.
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=args.bootstrap,
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        **security_options(args),
    )
    await consumer.start()
    try:
        partitions = sorted(consumer.assignment(), key=lambda tp: tp.partition)
        await _seek(consumer, partitions, args)
        seen = invalid = 0
        last_message = time.monotonic()
        while args.max_messages is None or seen < args.max_messages:
            remaining = None if args.max_messages is None else args.max_messages - seen
            batches = await consumer.getmany(timeout_ms=500, max_records=remaining)
            records = [r for tp in sorted(batches, key=lambda t: t.partition) for r in batches[tp]]
            if not records:
                if args.timeout is not None and time.monotonic() - last_message >= args.timeout:
                    break
                continue
            last_message = time.monotonic()
            for record in records:
                seen += 1
                try:
                    print(_render(record), flush=True)
                except ContractError as exc:
                    invalid += 1
                    print(
                        f"invalid message {record.topic}/{record.partition}@{record.offset}: {exc}",
                        file=sys.stderr,
                        flush=True,
                    )
        print(f"read {seen} message(s), {invalid} invalid", file=sys.stderr)
        return 0
    finally:
        await consumer.stop()


def main(argv: list[str] | None = None) -> int:
    """Entry point; Ctrl-C stops quietly."""
    args = parse_args(argv)
    try:
        return asyncio.run(follow(args))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
