#!/usr/bin/env python3
"""A TCP server that reads the first bytes a client sends (its ClientHello) and then
ends the connection without a TLS alert: with a reset (SO_LINGER 0) or an orderly FIN.

It stands for the middleboxes and stacks that drop a handshake silently (a firewall
resetting, a server that closes on a hello it does not like).
"""
import argparse
import socket
import struct
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=443)
    parser.add_argument("--mode", choices=["rst", "fin"], required=True)
    args = parser.parse_args()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((args.host, args.port))
        listener.listen(8)
        print("listening", flush=True)
        while True:
            conn, peer = listener.accept()
            received = conn.recv(16384)
            # Let the kernel ACK the hello first, as a real peer would, so the capture
            # shows the close as a decision and not as a race with the data.
            time.sleep(0.05)
            if args.mode == "rst":
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            conn.close()
            print(args.mode, peer, len(received), flush=True)


if __name__ == "__main__":
    main()
