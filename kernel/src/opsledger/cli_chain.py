"""`opsledger verify`'s chain part: where the published heads come from, what it prints."""

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from opsledger_contracts.anchors import anchors_topic

from opsledger.chain_verify import Anchor, ChainReport

if TYPE_CHECKING:
    from opsledger.app import ServiceApp


async def anchors_for(service: "ServiceApp", against: str | None) -> list[Anchor]:
    """The heads to check against: none, the anchors topic (`kafka`), or a file."""
    from opsledger.chain_anchor import load_anchor_file, read_anchor_topic

    name = service.definition.name
    if against is None:
        return []
    if against == "kafka":
        settings = service.settings
        topic = settings.kafka_topic_prefix + anchors_topic(name)
        return await read_anchor_topic(
            settings.kafka_bootstrap_servers, service.kafka_security, topic, name
        )
    path = Path(against)
    if not path.is_file():
        raise SystemExit(f"--against: {against} is neither `kafka` nor a readable file")
    return load_anchor_file(path, name)


def print_chain_report(service: str, report: ChainReport) -> bool:
    """Print the outcome; True when the chain holds."""
    if report.finding is not None:
        print(f"TAMPERED {service}: {report.finding}", file=sys.stderr)
        print(
            f"{service}: the event chain holds for the {report.checked} event(s) before it",
            file=sys.stderr,
        )
        return False
    anchors = f", {report.anchors_checked} published head(s) match" if report.anchors_checked else ""
    pending = f"; {report.pending} newer event(s) not chained yet" if report.pending else ""
    print(
        f"{service}: event chain holds: {report.checked} event(s) up to position "
        f"{report.head_position} (head {report.head_hash.hex()}){anchors}{pending}"
    )
    return True
