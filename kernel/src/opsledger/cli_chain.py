"""`opsledger verify`'s chain part: where the published heads come from, what it prints."""

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from opsledger_contracts.anchors import anchors_topic

from opsledger.chain_verify import Anchor, ChainReport

if TYPE_CHECKING:
    from opsledger.app import ServiceApp


def file_anchors(service: str, against: str | None) -> list[Anchor]:
    """The heads saved in a file (`--against FILE`); none for `kafka` or no `--against`."""
    from opsledger.chain_anchor import load_anchor_file

    if against is None or against == "kafka":
        return []
    path = Path(against)
    if not path.is_file():
        raise SystemExit(f"--against: {against} is neither `kafka` nor a readable file")
    return load_anchor_file(path, service)


async def kafka_anchors(service: "ServiceApp") -> list[Anchor]:
    """The heads on the service's anchors topic (`--against kafka`)."""
    from opsledger.chain_anchor import read_anchor_topic

    settings, name = service.settings, service.definition.name
    topic = settings.kafka_topic_prefix + anchors_topic(name)
    return await read_anchor_topic(
        settings.kafka_bootstrap_servers, service.kafka_security, topic, name
    )


def print_chain_report(service: str, report: ChainReport) -> bool:
    """Print the outcome; True when the chain holds."""
    if report.finding is not None:
        print(f"TAMPERED {service}: {report.finding}", file=sys.stderr)
        print(
            f"{service}: the event chain holds for the {report.checked} event(s) before it",
            file=sys.stderr,
        )
        return False
    anchors = (
        f", {report.anchors_checked} published head(s) match" if report.anchors_checked else ""
    )
    pending = f"; {report.pending} newer event(s) not chained yet" if report.pending else ""
    print(
        f"{service}: event chain holds: {report.checked} event(s) up to position "
        f"{report.head_position} (head {report.head_hash.hex()}){anchors}{pending}"
    )
    return True
