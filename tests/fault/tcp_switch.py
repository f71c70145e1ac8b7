"""A loopback TCP forwarder the test can cut and restore: the database "restarting" under the server
without touching the machine's PostgreSQL. Cut: every open connection is reset and new ones are closed
at once; restored: connections go through again."""
import socket
import struct
import threading


def reset(sock: socket.socket) -> None:
    """RST the connection now, and wake a thread blocked reading it (close alone would not)."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()


class TcpSwitch:
    def __init__(self, upstream_port: int, upstream_host: str = "127.0.0.1"):
        self.upstream = (upstream_host, upstream_port)
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.lock = threading.Lock()
        self.open: set[socket.socket] = set()
        self.up = True
        self.running = True
        threading.Thread(target=self._accept, daemon=True).start()

    def cut(self) -> None:
        with self.lock:
            self.up = False
            for sock in list(self.open):
                reset(sock)
            self.open.clear()

    def restore(self) -> None:
        with self.lock:
            self.up = True

    def close(self) -> None:
        self.running = False
        self.cut()
        self.server.close()

    def _accept(self) -> None:
        while self.running:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            with self.lock:
                if not self.up:
                    reset(client)
                    continue
            try:
                upstream = socket.create_connection(self.upstream, timeout=10)
            except OSError:
                reset(client)
                continue
            upstream.settimeout(None)
            with self.lock:
                if not self.up:  # cut while connecting upstream
                    reset(client)
                    reset(upstream)
                    continue
                self.open |= {client, upstream}
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, target), daemon=True).start()

    def _pipe(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while (chunk := source.recv(65536)) and self.up:
                target.sendall(chunk)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                with self.lock:
                    self.open.discard(sock)
                try:
                    sock.close()
                except OSError:
                    pass
