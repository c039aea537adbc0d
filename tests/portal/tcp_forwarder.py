"""A TCP forwarder on loopback that a test can cut and restore, to stage a database outage.

The app connects to the forwarder's port instead of the database's; stop() closes the listener
and every relayed connection, as a database server that went away does (new connections are
refused), and start() listens on the same port again. The shared database server itself never
stops.
"""

import socket
import threading

ACCEPT_POLL_SECONDS = 0.05
CHUNK = 65536


class TcpForwarder:
    """Relays connections from 127.0.0.1:<port> to `target` while started."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.port: int | None = None
        self._listener: socket.socket | None = None
        self._accepting: threading.Thread | None = None
        self._stopping = threading.Event()
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()

    def __enter__(self) -> "TcpForwarder":
        self.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        """Whether the forwarder listens now."""
        return self._listener is not None

    def start(self) -> None:
        """Listen (on the port used before, if any) and relay every new connection."""
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port or 0))
        listener.listen(32)
        listener.settimeout(ACCEPT_POLL_SECONDS)
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._stopping.clear()
        self._accepting = threading.Thread(target=self._accept, args=(listener,), daemon=True)
        self._accepting.start()

    def stop(self) -> None:
        """Refuse new connections and cut the open ones, at once."""
        self._stopping.set()
        if self._accepting is not None:
            self._accepting.join(timeout=5)
            self._accepting = None
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        with self._lock:
            cut, self._sockets = self._sockets, set()
        for connection in cut:
            close(connection)

    def _accept(self, listener: socket.socket) -> None:
        while not self._stopping.is_set():
            try:
                client, _address = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                close(client)
                continue
            upstream.settimeout(None)
            with self._lock:
                self._sockets.update((client, upstream))
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(CHUNK):
                sink.sendall(data)
        except OSError:
            pass
        for connection in (source, sink):
            close(connection)
        with self._lock:
            self._sockets.difference_update((source, sink))


def close(connection: socket.socket) -> None:
    """Shut both directions (waking a thread blocked in recv) and close."""
    try:
        connection.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    connection.close()
