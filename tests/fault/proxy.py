"""A loopback HTTP proxy that misbehaves on purpose: drops answers, cuts bodies, sends twice.

One request per connection (the client sends `Connection: close`). Faults are drawn from a seeded
random generator so a failing run can be replayed.
"""
import random
import socket
import struct
import threading
from collections import Counter

FAULTS = ("pass", "drop_response", "cut_request", "duplicate")


class FaultyProxy:
    def __init__(self, upstream_port: int, seed: int = 1, weights=(60, 14, 13, 13)):
        self.upstream = ("127.0.0.1", upstream_port)
        self.rng = random.Random(seed)
        self.weights = weights
        self.lock = threading.Lock()
        self.seen = Counter()
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.running = True
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        self.running = False
        self.server.close()

    def _accept(self) -> None:
        while self.running:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(client,), daemon=True).start()

    def _fault(self) -> str:
        with self.lock:
            fault = self.rng.choices(FAULTS, self.weights)[0]
            self.seen[fault] += 1
            return fault

    def _handle(self, client: socket.socket) -> None:
        try:
            client.settimeout(15)
            raw = read_request(client)
            if raw is None:
                return
            fault = self._fault()
            if fault == "cut_request":
                self._send_part(raw)
                reset(client)
                return
            answer = self._exchange(raw)
            if fault == "duplicate":
                answer = self._exchange(raw) or answer
            if fault == "drop_response" or answer is None:
                reset(client)  # the server did the work; the tablet never hears of it
                return
            client.sendall(answer)
        except OSError:
            pass
        finally:
            client.close()

    def _exchange(self, raw: bytes) -> bytes | None:
        try:
            with socket.create_connection(self.upstream, timeout=15) as up:
                up.sendall(raw)
                chunks = []
                while chunk := up.recv(65536):
                    chunks.append(chunk)
                return b"".join(chunks) or None
        except OSError:
            return None

    def _send_part(self, raw: bytes) -> None:
        head_end = raw.index(b"\r\n\r\n") + 4
        cut = head_end + (len(raw) - head_end) // 2
        try:
            with socket.create_connection(self.upstream, timeout=15) as up:
                up.sendall(raw[:max(cut, head_end)])
                reset(up)
        except OSError:
            pass


def read_request(sock: socket.socket) -> bytes | None:
    """Headers and Content-Length body of one request, as raw bytes."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        body += chunk
    return head + b"\r\n\r\n" + body


def reset(sock: socket.socket) -> None:
    """Close with a TCP RST, as a dying network does."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    sock.close()
