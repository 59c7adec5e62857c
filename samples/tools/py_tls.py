#!/usr/bin/env python3
"""TLS server and client on Python's ssl module, for the sample captures.

server: answers each connection with one short line, one connection after another.
client: sends one short request, prints what it got or why the handshake failed.
"""
import argparse
import socket
import ssl
import sys

VERSIONS = {
    "1.0": ssl.TLSVersion.TLSv1,
    "1.1": ssl.TLSVersion.TLSv1_1,
    "1.2": ssl.TLSVersion.TLSv1_2,
    "1.3": ssl.TLSVersion.TLSv1_3,
}


def apply_versions(ctx, args):
    if args.min:
        ctx.minimum_version = VERSIONS[args.min]
    if args.max:
        ctx.maximum_version = VERSIONS[args.max]


def serve(args):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    apply_versions(ctx, args)
    ctx.load_cert_chain(args.cert, args.key)
    if args.cafile:
        ctx.load_verify_locations(args.cafile)
    if args.require_client_cert:
        ctx.verify_mode = ssl.CERT_REQUIRED
    if args.sni_required:
        # Python calls sni_callback with server_name None when the ClientHello has no
        # server_name extension; returning an alert number makes OpenSSL abort with it.
        def on_sni(sock, server_name, context):
            if server_name is None:
                return ssl.ALERT_DESCRIPTION_UNRECOGNIZED_NAME
            return None

        ctx.sni_callback = on_sni
    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((args.host, args.port))
        listener.listen(8)
        print("listening", flush=True)
        while True:
            raw, peer = listener.accept()
            try:
                with ctx.wrap_socket(raw, server_side=True) as tls:
                    request = tls.recv(1024)
                    tls.sendall(b"hello from python " + request[:16].split(b"\r")[0] + b"\n")
                    print("served", peer, tls.version(), flush=True)
            except (ssl.SSLError, OSError) as err:
                print("handshake failed", peer, repr(err), flush=True)


def connect(args):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    apply_versions(ctx, args)
    if args.cafile:
        ctx.load_verify_locations(args.cafile)
    else:
        ctx.load_default_certs()
    if args.no_check_hostname:
        ctx.check_hostname = False
    if args.cert:
        ctx.load_cert_chain(args.cert, args.key)
    server_name = args.servername or None
    with socket.create_connection((args.host, args.port), timeout=5) as raw:
        try:
            with ctx.wrap_socket(raw, server_hostname=server_name) as tls:
                tls.sendall(b"GET / HTTP/1.0\r\n\r\n")
                reply = tls.recv(1024)
                print("ok", tls.version(), tls.cipher()[0], reply, flush=True)
        except (ssl.SSLError, OSError) as err:
            print("failed", repr(err), flush=True)
            return 1
    return 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["server", "client"])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=443)
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--cafile")
    parser.add_argument("--min", choices=VERSIONS)
    parser.add_argument("--max", choices=VERSIONS)
    parser.add_argument("--servername")
    parser.add_argument("--no-check-hostname", action="store_true")
    parser.add_argument("--require-client-cert", action="store_true")
    parser.add_argument("--sni-required", action="store_true")
    args = parser.parse_args()
    if args.mode == "server":
        serve(args)
        return 0
    return connect(args)


if __name__ == "__main__":
    sys.exit(main())
