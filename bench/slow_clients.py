"""Slow and broken clients for bench/soak.sh: trickled heads, stalled bodies, half-sent requests
and abrupt closes, in a loop until killed. Prints how each kind of connection ended."""
import signal
import socket
import sys
import threading
import time
from collections import Counter

HOST, PORT = sys.argv[1], int(sys.argv[2])
ended = Counter()
lock = threading.Lock()


def outcome(sock):
    try:
        data = sock.recv(64)
        return data.split(b" ")[1].decode() if data.startswith(b"HTTP/1.1") else "closed"
    except OSError:
        return "reset"


def trickle_head():
    s = socket.create_connection((HOST, PORT))
    for b in b"GET /plaintext HTTP/1.1\r\nhost: t\r\nx-pad: " + b"a" * 200:
        try:
            s.send(bytes([b]))
        except OSError:
            break
        time.sleep(0.5)
    return "trickled head", s


def stalled_body():
    s = socket.create_connection((HOST, PORT))
    s.send(b"POST /echo HTTP/1.1\r\nhost: t\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{")
    return "stalled body", s


def abrupt_close():
    s = socket.create_connection((HOST, PORT))
    s.send(b"POST /echo HTTP/1.1\r\nhost: t\r\ncontent-length: 50\r\n\r\n{\"a\"")
    s.close()
    time.sleep(0.05)
    return "abrupt close", None


def worker(kind):
    while True:
        try:
            name, s = kind()
            result = outcome(s) if s else "closed by client"
            if s:
                s.close()
        except OSError as err:
            name, result = kind.__name__, type(err).__name__
        with lock:
            ended[(name, result)] += 1


for kind, n in ((trickle_head, 16), (stalled_body, 16), (abrupt_close, 4)):
    for _ in range(n):
        threading.Thread(target=worker, args=(kind,), daemon=True).start()

signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
try:
    while True:
        time.sleep(1)
except (KeyboardInterrupt, SystemExit):
    pass
finally:
    for (name, result), n in sorted(ended.items()):
        print(f"slow clients: {name} -> {result}: {n}")
