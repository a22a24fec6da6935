"""Turns the wrk outputs of run.sh into a markdown table with same-run ratios."""

import re
import sys
from collections import defaultdict
from pathlib import Path

out = Path(sys.argv[1])
servers = sys.argv[2].split()
endpoints = sys.argv[3].split()


def to_ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


rps = defaultdict(list)
p99 = defaultdict(list)
errors = defaultdict(int)
for path in out.glob("*.txt"):
    server, endpoint, _round = path.stem.rsplit(".", 2)
    text = path.read_text()
    rps[(server, endpoint)].append(float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)))
    p99[(server, endpoint)].append(to_ms(re.search(r"^\s*99%\s+(\S+)", text, re.MULTILINE).group(1)))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    socket = re.search(r"Socket errors:.*", text)
    errors[(server, endpoint)] += int(non2xx.group(1)) if non2xx else 0
    if socket:
        errors[(server, endpoint)] += sum(int(n) for n in re.findall(r"\d+", socket.group(0)))


def median(values):
    """The median over rounds: one disturbed round moves it less than it moves a mean."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


# hyper_full is hyper_raw doing lauren_full's interceptor work by hand: against it, lauren_full's
# ratio is the framework's own cost, apart from the work.
full_peer = "hyper_full" in servers
print(
    "| endpoint | server | req/s | vs hyper_raw | lauren vs axum_layers "
    "| p99 (ms) | p99 vs hyper_raw | errors |" + (" lauren_full vs hyper_full (req/s, p99) |" if full_peer else "")
)
print("|---|---|---|---|---|---|---|---|" + ("---|" if full_peer else ""))
for endpoint in endpoints:
    key = endpoint.replace("/", "_")
    base = median(rps[("hyper_raw", key)])
    base_p99 = median(p99[("hyper_raw", key)])
    layers = median(rps[("axum_layers", key)])
    for server in servers:
        r = median(rps[(server, key)])
        tail = median(p99[(server, key)])
        vs_layers = f"{r / layers:.2f}" if server.startswith("lauren") else ""
        row = (
            f"| `{endpoint}` | {server} | {r:,.0f} | {r / base:.2f} | {vs_layers} "
            f"| {tail:.2f} | {tail / base_p99:.2f} | {errors[(server, key)]} |"
        )
        if full_peer:
            vs_full = ""
            if server == "lauren_full":
                peer_rps = median(rps[("hyper_full", key)])
                peer_p99 = median(p99[("hyper_full", key)])
                vs_full = f"{r / peer_rps:.2f}, {tail / peer_p99:.2f}"
            row += f" {vs_full} |"
        print(row)

print()
print("| server | idle RSS (KiB) | RSS after load (KiB) |")
print("|---|---|---|")
rss = defaultdict(dict)
for line in (out / "rss").read_text().split("\n"):
    if line:
        server, kind, kib = line.split()
        rss[server].setdefault(kind, []).append(int(kib))
for server in servers:
    print(f"| {server} | {max(rss[server]['idle_rss_kib'])} | {max(rss[server]['loaded_rss_kib'])} |")
