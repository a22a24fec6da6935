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


# Each server's peer: hand-written hyper doing the same work (hyper_matchit routes like any
# framework; hyper_full adds lauren_full's interceptor work). Against its peer a server's ratio
# is the framework's own cost, apart from the work.
PEERS = {"lauren_plain": "hyper_matchit", "lauren_full": "hyper_full", "axum_plain": "hyper_matchit",
         "axum_layers": "hyper_full"}
print(
    "| endpoint | server | req/s | vs hyper_raw | lauren vs axum_layers "
    "| p99 (ms) | p99 vs hyper_raw | vs its peer (req/s, p99) | errors |"
)
print("|---|---|---|---|---|---|---|---|---|")
for endpoint in endpoints:
    key = endpoint.replace("/", "_")
    base = median(rps[("hyper_raw", key)])
    base_p99 = median(p99[("hyper_raw", key)])
    layers = median(rps[("axum_layers", key)]) if "axum_layers" in servers else None
    for server in servers:
        r = median(rps[(server, key)])
        tail = median(p99[(server, key)])
        vs_layers = f"{r / layers:.2f}" if layers and server.startswith("lauren") else ""
        peer = PEERS.get(server)
        vs_peer = ""
        if peer in servers:
            vs_peer = f"{r / median(rps[(peer, key)]):.2f}, {tail / median(p99[(peer, key)]):.2f} ({peer})"
        print(
            f"| `{endpoint}` | {server} | {r:,.0f} | {r / base:.2f} | {vs_layers} "
            f"| {tail:.2f} | {tail / base_p99:.2f} | {vs_peer} | {errors[(server, key)]} |"
        )

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
