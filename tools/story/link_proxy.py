#!/usr/bin/env python3
"""A TCP link between the pile and the CSMS that the story can cut and restore, as a network
outage would: SIGUSR1 cuts it (open connections are reset, new ones refused), SIGUSR2 restores it.
Usage: link_proxy.py LISTEN_PORT TARGET_PORT (both on 127.0.0.1). Prints "listening PORT" when ready.
"""
import selectors
import signal
import socket
import struct
import sys


def main() -> int:
    listen_port, target_port = int(sys.argv[1]), int(sys.argv[2])
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", listen_port))
    server.listen(16)
    server.setblocking(False)
    sel = selectors.DefaultSelector()
    sel.register(server, selectors.EVENT_READ)
    peers = {}  # socket -> its other end
    state = {"cut": False}

    def reset(sock):
        # SO_LINGER 0: close with RST, as a dropped route or a dead NAT entry looks to the pile.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        try:
            sel.unregister(sock)
        except (KeyError, ValueError):
            pass
        sock.close()

    def drop_all():
        for sock in list(peers):
            peers.pop(sock, None)
            reset(sock)

    # The handlers only note the request; the loop applies it between two socket operations, so
    # that a connection being set up when the signal comes is cut too.
    requested = {"cut": None}
    signal.signal(signal.SIGUSR1, lambda *_: requested.update(cut=True))
    signal.signal(signal.SIGUSR2, lambda *_: requested.update(cut=False))
    print(f"listening {listen_port}", flush=True)
    while True:
        if requested["cut"] is not None:
            state["cut"] = requested["cut"]
            requested["cut"] = None
            if state["cut"]:
                drop_all()
        for key, _ in sel.select(timeout=0.05):
            if requested["cut"] is not None:
                break
            sock = key.fileobj
            if sock is server:
                try:
                    client, _ = server.accept()
                except OSError:  # would block, or the client gave up before we took it
                    continue
                if state["cut"]:
                    reset(client)
                    continue
                try:
                    upstream = socket.create_connection(("127.0.0.1", target_port), timeout=5)
                except OSError:
                    reset(client)  # the CSMS is down: so is the link
                    continue
                # Blocking sockets, read only when select says so: sendall() then never fails half
                # way (the frames of an OCPP link are small).
                client.setblocking(True)
                for s in (client, upstream):
                    sel.register(s, selectors.EVENT_READ)
                peers[client], peers[upstream] = upstream, client
                continue
            other = peers.get(sock)
            if other is None:
                continue
            try:
                data = sock.recv(65536)
            except OSError:
                data = b""
            if not data:
                peers.pop(sock, None)
                peers.pop(other, None)
                reset(sock)
                reset(other)
                continue
            try:
                other.sendall(data)
            except OSError:
                peers.pop(sock, None)
                peers.pop(other, None)
                reset(sock)
                reset(other)


if __name__ == "__main__":
    sys.exit(main())
