"""Write the Grafana dashboards (deploy/grafana/dashboards/*.json) from one definition.

    uv run --frozen python deploy/grafana/generate.py           # write
    uv run --frozen python deploy/grafana/generate.py --check   # fail if a file is stale

One dashboard per service plus the suite. Every query uses metrics from
kernel/src/opsledger/metrics.py (tests/infra/test_grafana.py checks that and staleness).
"""

import argparse
import json
import sys
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent / "dashboards"
SERVICES = ("callcenter", "dispatch", "fleet", "permits", "secrets_registry", "ledger", "dashboard")
DATASOURCE = {"type": "prometheus", "uid": "prometheus"}  # provisioning/datasources
RATE = "[5m]"
FIVE_XX = 'status=~"5.."'

# Business counters worth a panel of their own, by service (events by type in
# opsledger_domain_events_total; alerts in deploy/prometheus/alerts.yml).
BUSINESS: dict[str, list[tuple[str, str]]] = {
    "callcenter": [("SLA breaches (CC-3)", "SlaBreached"), ("Tickets opened", "TicketOpened")],
    "dispatch": [
        ("Work orders overdue (WO-5)", "WorkOrderOverdue"),
        ("Work orders issued", "WorkOrderIssued"),
    ],
}


def _panel(
    title: str, targets: list[tuple[str, str]], unit: str = "short", description: str = ""
) -> dict[str, Any]:
    return {
        "type": "timeseries",
        "title": title,
        "description": description,
        "datasource": DATASOURCE,
        "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
        "options": {"legend": {"displayMode": "list", "placement": "bottom"}},
        "targets": [
            {
                "refId": chr(ord("A") + i),
                "expr": expr,
                "legendFormat": legend,
                "datasource": DATASOURCE,
            }
            for i, (expr, legend) in enumerate(targets)
        ],
    }


def _row(title: str) -> dict[str, Any]:
    return {"type": "row", "title": title, "collapsed": False, "panels": []}


def _panels(sel: str, by: str, business: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """Panels for the series matching `sel`, split by `by` (a label list)."""
    s = f"{{{sel}}}" if sel else ""
    b = f"{by}, " if by else ""
    k = by or "job"

    def f(extra: str) -> str:  # selector with an extra matcher
        return "{" + ", ".join(x for x in (sel, extra) if x) + "}"

    def per_consumer(fn: str, metric: str, window: str = RATE) -> str:
        return f"sum by ({b}consumer) ({fn}({metric}{s}{window}))"

    p99 = "histogram_quantile(0.99, sum by ({b}le) (rate({m}_bucket{s}" + RATE + ")))"
    panels = [
        _row("HTTP"),
        _panel(
            "Request rate by status",
            [(f"sum by ({b}status) (rate(opsledger_http_requests_total{s}{RATE}))", "{{status}}")],
            "reqps",
        ),
        _panel(
            "Server errors (5xx share)",
            [
                (
                    f"sum by ({k}) (rate(opsledger_http_requests_total{f(FIVE_XX)}{RATE}))"
                    f" / sum by ({k}) (rate(opsledger_http_requests_total{s}{RATE}))",
                    "{{" + k.split(",")[0] + "}}",
                )
            ],
            "percentunit",
            "Alert OpsLedgerHttpErrorRate above 1%",
        ),
        _panel(
            "Latency p50 / p99",
            [
                (p99.format(b=b, m="opsledger_http_request_duration_seconds", s=s), "p99"),
                (
                    p99.replace("0.99", "0.5").format(
                        b=b, m="opsledger_http_request_duration_seconds", s=s
                    ),
                    "p50",
                ),
            ],
            "s",
        ),
        _panel(
            "Authentication failures by reason",
            [(f"sum by ({b}reason) (rate(opsledger_auth_failures_total{s}{RATE}))", "{{reason}}")],
            "reqps",
        ),
        _row("Consumers"),
        _panel(
            "Consumer lag",
            [(f"sum by ({b}consumer, topic) (opsledger_consumer_lag_messages{s})", "{{consumer}}")],
            "short",
            "Alerts OpsLedgerConsumerLagRising / OpsLedgerConsumerStalled",
        ),
        _panel(
            "Messages handled / duplicates / dead-lettered",
            [
                (
                    per_consumer("rate", "opsledger_consumer_messages_handled_total"),
                    "handled {{consumer}}",
                ),
                (
                    per_consumer("rate", "opsledger_consumer_duplicates_skipped_total"),
                    "duplicate {{consumer}}",
                ),
                (
                    per_consumer("rate", "opsledger_consumer_dead_lettered_total"),
                    "dead-lettered {{consumer}}",
                ),
            ],
            "ops",
        ),
        _panel(
            "Dead letters (last hour)",
            [
                (
                    per_consumer("increase", "opsledger_consumer_dead_lettered_total", "[1h]"),
                    "{{consumer}}",
                )
            ],
            "short",
            "Inspect and replay: opsledger dlq list|show|replay <service>",
        ),
        _panel(
            "Handler errors and p99 handling time",
            [
                (
                    per_consumer("rate", "opsledger_consumer_handler_errors_total"),
                    "errors/s {{consumer}}",
                ),
                (
                    p99.format(b=b + "consumer, ", m="opsledger_consumer_handling_seconds", s=s),
                    "p99 s {{consumer}}",
                ),
            ],
        ),
        _row("Outbox, timers, projections"),
        _panel(
            "Outbox backlog",
            [(f"sum by ({k}) (opsledger_outbox_backlog_events{s})", "backlog")],
            "short",
        ),
        _panel(
            "Oldest unpublished event age",
            [(f"max by ({k}) (opsledger_outbox_oldest_unpublished_age_seconds{s})", "age")],
            "s",
        ),
        _panel(
            "Relay published / errors",
            [
                (f"sum by ({k}) (rate(opsledger_relay_published_total{s}{RATE}))", "published/s"),
                (f"sum by ({k}) (rate(opsledger_relay_errors_total{s}{RATE}))", "errors/s"),
            ],
            "ops",
        ),
        _panel(
            "Timers due and not fired / projection lag",
            [
                (f"sum by ({k}) (opsledger_timers_due_unfired{s})", "timers due"),
                (
                    f"sum by ({b}projection) (opsledger_projection_lag_events{s})",
                    "lag {{projection}}",
                ),
            ],
        ),
        _panel(
            "Dependencies up (from /ready)",
            [(f"min by ({b}dependency) (opsledger_dependency_up{s})", "{{dependency}}")],
        ),
        _row("Business"),
        _panel(
            "Events recorded by type",
            [
                (
                    "topk(10, sum by ("
                    + f"{b}event_type) (rate(opsledger_domain_events_total{s}{RATE})))",
                    "{{event_type}}",
                )
            ],
            "ops",
        ),
        _panel(
            "Commands refused by rule",
            [(f"sum by ({b}rule) (rate(opsledger_domain_rejections_total{s}{RATE}))", "{{rule}}")],
            "ops",
        ),
    ]
    for title, event_type in business:
        panels.append(
            _panel(
                f"{title} per hour",
                [
                    (
                        f"sum by ({k}) (increase(opsledger_domain_events_total"
                        + f"{f('event_type=' + json.dumps(event_type))}[1h]))",
                        title,
                    )
                ],
            )
        )
    return panels


def _layout(panels: list[dict[str, Any]]) -> list[dict[str, Any]]:
    x = y = 0
    for i, panel in enumerate(panels):
        panel["id"] = i + 1
        if panel["type"] == "row":
            y += 8 if x else 0
            x = 0
            panel["gridPos"] = {"x": 0, "y": y, "w": 24, "h": 1}
            y += 1
            continue
        panel["gridPos"] = {"x": x, "y": y, "w": 12, "h": 8}
        x += 12
        if x >= 24:
            x, y = 0, y + 8
    return panels


def dashboard(uid: str, title: str, panels: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "uid": uid,
        "title": title,
        "tags": ["opsledger"],
        "timezone": "utc",
        "schemaVersion": 39,
        "version": 1,
        "editable": True,
        "refresh": "30s",
        "time": {"from": "now-6h", "to": "now"},
        "templating": {"list": []},
        "annotations": {"list": []},
        "description": "Alerts: deploy/prometheus/alerts.yml; runbooks: deploy/runbooks/",
        "panels": _layout(panels),
    }


def dashboards() -> dict[str, dict[str, Any]]:
    result = {
        "suite.json": dashboard(
            "opsledger-suite",
            "OpsLedger suite",
            _panels(
                'job="opsledger"', "service", [x for s in SERVICES for x in BUSINESS.get(s, [])]
            ),
        )
    }
    for service in SERVICES:
        result[f"{service}.json"] = dashboard(
            f"opsledger-{service.replace('_', '-')}",
            f"OpsLedger {service}",
            _panels(f'job="opsledger", service="{service}"', "", BUSINESS.get(service, [])),
        )
    return result


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if a file is stale")
    args = parser.parse_args(argv)
    stale = []
    for name, document in dashboards().items():
        path = OUT / name
        text = render(document)
        if args.check:
            if not path.is_file() or path.read_text() != text:
                stale.append(name)
        else:
            OUT.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
            print(f"wrote {path.relative_to(OUT.parent.parent.parent)}")
    if stale:
        print(
            f"stale dashboards: {', '.join(stale)} (run deploy/grafana/generate.py)",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
