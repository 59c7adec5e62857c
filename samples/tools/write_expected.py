#!/usr/bin/env python3
"""Writes samples/expected.json from the ground truth generate.sh recorded while building
each scenario (outcome, cause, who aborted, version), adding the frame numbers of the key
messages as tshark locates them, and warning when the capture contradicts the declaration
(a clear fatal alert from the other side, a different number of connections).

The labels never come from tshark: it only finds frames and is quoted as "tsharkSays".
"""
import argparse
import concurrent.futures
import json
import os
import subprocess
import sys

FIELDS = [
    "frame.number", "tcp.stream", "tcp.srcport", "tcp.dstport", "tcp.flags.syn", "tcp.flags.ack",
    "tcp.flags.fin", "tcp.flags.reset", "tcp.len", "tls.record.content_type",
    "tls.record.opaque_type", "tls.handshake.type", "tls.alert_message.level",
    "tls.alert_message.desc", "tls.record.length", "tls.handshake.version", "tls.handshake.extensions.supported_version",
    "_ws.col.Info",
]
VERSIONS = {0x0300: "SSL 3.0", 0x0301: "TLS 1.0", 0x0302: "TLS 1.1", 0x0303: "TLS 1.2", 0x0304: "TLS 1.3"}

ALERTS = {
    0: "close_notify", 10: "unexpected_message", 20: "bad_record_mac", 22: "record_overflow",
    40: "handshake_failure", 42: "bad_certificate", 43: "unsupported_certificate",
    44: "certificate_revoked", 45: "certificate_expired", 46: "certificate_unknown",
    47: "illegal_parameter", 48: "unknown_ca", 49: "access_denied", 50: "decode_error",
    51: "decrypt_error", 70: "protocol_version", 71: "insufficient_security",
    80: "internal_error", 86: "inappropriate_fallback", 90: "user_canceled",
    109: "missing_extension", 110: "unsupported_extension", 112: "unrecognized_name",
    113: "bad_certificate_status_response", 115: "unknown_psk_identity",
    116: "certificate_required", 120: "no_application_protocol",
}
HANDSHAKE = {1: "ClientHello", 2: "ServerHello", 4: "NewSessionTicket", 8: "EncryptedExtensions",
             11: "Certificate", 12: "ServerKeyExchange", 13: "CertificateRequest",
             14: "ServerHelloDone", 15: "CertificateVerify", 16: "ClientKeyExchange", 20: "Finished"}
# The TLS server ports generate.sh uses (tshark knows 443 and 4433, not all of the others).
TLS_PORTS = [443, 4433, 8443, 9443]


def ints(value):
    return [int(v) for v in value.split(",") if v != ""] if value else []


def hexes(value):
    return [int(v, 16) for v in value.split(",") if v != ""]


def read_meta(path):
    captures = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            parts = line.rstrip("\n").split("\t")
            if parts[0] == "C":
                captures.append({"file": parts[1], "implementation": parts[2],
                                 "description": parts[3], "connections": []})
            elif parts[0] == "K":
                outcome, cause, aborted, version, extra = parts[1:6]
                conn = {"outcome": outcome, "cause": cause,
                        "abortedBy": None if aborted == "null" else aborted,
                        "version": None if version == "null" else version}
                for item in filter(None, extra.split(";")):
                    key, value = item.split("=", 1)
                    conn[key] = (value == "true") if value in ("true", "false") else int(value) if value.isdigit() else value
                captures[-1]["connections"].append(conn)
    return captures


def tshark_frames(path):
    args = ["tshark", "-r", path]
    for port in TLS_PORTS:
        args += ["-d", f"tcp.port=={port},tls"]
    args += ["-T", "fields", "-E", "separator=\t", "-E", "occurrence=a", "-E", "aggregator=,"]
    for field in FIELDS:
        args += ["-e", field]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    frames = []
    for line in out.splitlines():
        values = dict(zip(FIELDS, line.split("\t")))
        if not values.get("tcp.stream"):
            continue
        frames.append({
            "frame": int(values["frame.number"]), "stream": int(values["tcp.stream"]),
            "sport": int(values["tcp.srcport"]), "dport": int(values["tcp.dstport"]),
            "syn": values["tcp.flags.syn"] in ("1", "True"), "ack": values["tcp.flags.ack"] in ("1", "True"),
            "fin": values["tcp.flags.fin"] in ("1", "True"), "rst": values["tcp.flags.reset"] in ("1", "True"),
            "len": int(values["tcp.len"] or 0),
            "records": ints(values["tls.record.content_type"]) + ints(values["tls.record.opaque_type"]),
            "handshakes": ints(values["tls.handshake.type"]),
            "alertLevels": ints(values["tls.alert_message.level"]),
            "alerts": ints(values["tls.alert_message.desc"]),
            "recordLengths": ints(values["tls.record.length"]),
            # Only meaningful on a frame carrying one ServerHello: its legacy version and the
            # supported_versions value it selected.
            "helloVersion": hexes(values["tls.handshake.version"])[-1:][0] if values["tls.handshake.version"] else None,
            "supportedVersion": hexes(values["tls.handshake.extensions.supported_version"])[-1:][0]
            if values["tls.handshake.extensions.supported_version"] else None,
            "info": values["_ws.col.Info"],
        })
    return frames


def side_of(frame, client_port):
    return "client" if frame["sport"] == client_port else "server"


def describe_connection(frames, truth):
    first_syn = next((f for f in frames if f["syn"] and not f["ack"]), None)
    # Without the SYN (a capture started late) the client is the ephemeral, higher port.
    client_port = first_syn["sport"] if first_syn else max(frames[0]["sport"], frames[0]["dport"])
    for f in frames:
        f["side"] = side_of(f, client_port)

    def first(pred):
        return next((f["frame"] for f in frames if pred(f)), None)

    client_hello = first(lambda f: f["side"] == "client" and 1 in f["handshakes"])
    server_hello = first(lambda f: f["side"] == "server" and 2 in f["handshakes"])
    alerts = []
    for f in frames:
        for i, code in enumerate(f["alerts"]):
            level = f["alertLevels"][i] if i < len(f["alertLevels"]) else None
            alerts.append({"frame": f["frame"], "sentBy": f["side"],
                           "level": {1: "warning", 2: "fatal"}.get(level),
                           "description": ALERTS.get(code), "code": code})
    aborted = truth.get("abortedBy")
    fatal = [a for a in alerts if a["level"] == "fatal"]
    warnings = []

    outcome, cause, version = truth["outcome"], truth["cause"], truth.get("version")
    closes = [f for f in frames if f["fin"] or f["rst"]]
    first_close = closes[0]["frame"] if closes else None
    # An alert sent after the peer's FIN/RST is a reaction to the close, not what ended the handshake.
    if fatal and aborted and fatal[0]["sentBy"] != aborted and (first_close is None or fatal[0]["frame"] < first_close):
        warnings.append(f"first fatal alert is from the {fatal[0]['sentBy']}, declared abortedBy {aborted}")
    seen_version = None
    hellos = [f for f in frames if f["side"] == "server" and 2 in f["handshakes"]]
    if hellos:
        last = hellos[-1]  # after a HelloRetryRequest the second ServerHello is the one that counts
        seen_version = VERSIONS.get(last["supportedVersion"] or last["helloVersion"])
    if version and seen_version and version != seen_version:
        warnings.append(f"ServerHello selects {seen_version}, declared {version}")
    if outcome == "established" and not hellos:
        warnings.append("declared established but no ServerHello")

    def encrypted_alert_of(side):
        """The first frame carrying an alert side sent under encryption: in TLS 1.2 an alert
        record (type 21) tshark cannot read; in TLS 1.3 an application_data record of length 19
        (2-byte alert + inner content type + 16-byte AEAD tag), which no handshake message or
        request in these scenarios has."""
        for f in frames:
            if f["side"] != side:
                continue
            if 21 in f["records"] and not f["alerts"]:
                return f["frame"]
            if version == "TLS 1.3" and 23 in f["records"] and 19 in f["recordLengths"]:
                return f["frame"]
        return None

    evidence = []
    if "evidence" in truth:
        evidence = [int(x) for x in str(truth.pop("evidence")).split(",")]
    elif outcome == "established":
        # Every hello: after a HelloRetryRequest there are two of each.
        evidence = [f["frame"] for f in frames if (f["side"] == "client" and 1 in f["handshakes"])
                    or (f["side"] == "server" and 2 in f["handshakes"])]
    elif outcome == "not-tls":
        for side in ("client", "server"):
            evidence.append(first(lambda f: f["side"] == side and f["len"] > 0)
                            or first(lambda f: f["side"] == side and (f["fin"] or f["rst"])))
        evidence = [x for x in evidence if x]
    else:
        if client_hello:
            evidence.append(client_hello)
        if version == "TLS 1.2":
            if cause.startswith("certificate-") or truth.get("underlyingCause", "").startswith("certificate-"):
                evidence.append(first(lambda f: f["side"] == "server" and 11 in f["handshakes"]))
            if cause.startswith("client-certificate-"):
                evidence.append(first(lambda f: f["side"] == "server" and 13 in f["handshakes"]))
                evidence.append(first(lambda f: f["side"] == "client" and 11 in f["handshakes"]))
        end = None
        if aborted:
            end = first(lambda f: f["side"] == aborted and 2 in f["alertLevels"])
            if end is None:
                end = encrypted_alert_of(aborted)
            if end is None:
                end = first(lambda f: f["side"] == aborted and (f["fin"] or f["rst"]))
        if end:
            evidence.append(end)
        evidence = [x for x in evidence if x]
    says = []
    for f in frames:
        if f["len"] > 0 or f["fin"] or f["rst"]:
            flags = "".join(n for n, on in (("FIN ", f["fin"]), ("RST ", f["rst"])) if on)
            says.append(f"{f['frame']} {f['side']}: {flags}{f['info'] if f['len'] > 0 or not flags else ''}".rstrip())
    result = {"id": frames[0]["stream"], **truth, "evidenceFrames": sorted(set(evidence)),
              "alerts": alerts, "tsharkSays": says}
    return result, warnings


def capture_facts(path):
    out = subprocess.run(["capinfos", "-M", "-T", "-r", "-t", "-E", "-F", "-c", path],
                         capture_output=True, text=True, check=True).stdout.split("\t")
    # capinfos -T -r prints one tab-separated row: name, type, encapsulation, precision, packets
    return {"fileType": out[1], "encapsulation": out[2], "timePrecision": out[3], "packets": int(out[4])}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--meta", required=True)
    parser.add_argument("--samples", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--merge", action="store_true", help="keep captures not in --meta")
    args = parser.parse_args()

    previous = []
    if args.merge and os.path.exists(args.out):
        with open(args.out, encoding="utf-8") as handle:
            previous = json.load(handle)["captures"]
    problems = 0
    captures = []
    metas = read_meta(args.meta)
    # tshark takes about half a second to start: dissect the captures two at a time.
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        dissected = list(pool.map(lambda c: tshark_frames(os.path.join(args.samples, c["file"])), metas))
    for cap, frames in zip(metas, dissected):
        path = os.path.join(args.samples, cap["file"])
        streams = sorted(set(f["stream"] for f in frames))
        if len(streams) != len(cap["connections"]):
            print(f"WARNING {cap['file']}: {len(streams)} TCP streams, {len(cap['connections'])} declared",
                  file=sys.stderr)
            problems += 1
        connections = []
        for stream, truth in zip(streams, cap["connections"]):
            conn, warnings = describe_connection([f for f in frames if f["stream"] == stream], dict(truth))
            for w in warnings:
                print(f"WARNING {cap['file']} stream {stream}: {w}", file=sys.stderr)
                problems += 1
            connections.append(conn)
        captures.append({**cap, **capture_facts(path), "bytes": os.path.getsize(path),
                         "connections": connections})
    done = {c["file"] for c in captures}
    captures = [c for c in previous if c["file"] not in done] + captures
    captures.sort(key=lambda c: (c["file"] == "mixed.pcap", c["file"]))
    with open(args.out, "w", encoding="utf-8") as handle:
        json.dump({"schemaVersion": 1, "captures": captures}, handle, indent=2)
        handle.write("\n")
    if problems:
        print(f"{problems} warning(s): check the scenarios above", file=sys.stderr)


if __name__ == "__main__":
    main()
