#!/usr/bin/env bash
# Makes the real-capture fixtures of the capture reader (test/fixtures/capture/).
#
# One small capture of real traffic: TLS 1.3 and TLS 1.2 handshakes between `openssl s_server`
# and `openssl s_client`, plus a plain HTTP GET (curl -> python3 -m http.server), over IPv4
# (127.0.0.1) and IPv6 (::1), taken by tcpdump on the loopback interface of a network namespace
# made for the purpose (so nobody else's loopback traffic gets in). Then the same packets in
# every container variant the reader must agree on:
#   capture.pcap             tcpdump -w: classic pcap, microseconds, Ethernet (link type 1)
#   capture.pcapng           editcap -F pcapng
#   capture-ns.pcap          editcap -F nsecpcap (nanosecond magic a1b23c4d)
#   capture-ns.pcapng        editcap -F pcapng of capture-ns.pcap (if_tsresol 9: nanosecond EPBs)
#   capture.pcap.gz          gzip
#   capture-snap96.pcap      a second tcpdump, -s 96, on the same traffic: longer packets cut to 96 bytes
#   capture-2sections.pcapng the same packets as two pcapng sections (packets 1-20, then the rest)
#   capture-cut.pcap         head -c: the file ends 40 bytes before the end of its last packet
#   capture.tshark.tsv       tshark -T fields -e frame.number -e frame.time_epoch -e frame.len -e frame.cap_len
#
# Needs root (ip netns, tcpdump), openssl, curl, python3, tcpdump, editcap, tshark.
# Usage: scripts/make-capture-fixtures.sh [outdir]   (default test/fixtures/capture)
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$here/test/fixtures/capture}"
mkdir -p "$out"
work="$(mktemp -d)"
ns="capfix$$"

cleanup() {
  set +e
  [[ -n "${tcpdump_pid:-}" ]] && kill "$tcpdump_pid" 2>/dev/null
  [[ -n "${snap_pid:-}" ]] && kill "$snap_pid" 2>/dev/null
  [[ -n "${server_pid:-}" ]] && kill "$server_pid" 2>/dev/null
  [[ -n "${server6_pid:-}" ]] && kill "$server6_pid" 2>/dev/null
  [[ -n "${http_pid:-}" ]] && kill "$http_pid" 2>/dev/null
  wait 2>/dev/null
  ip netns del "$ns" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

ip netns add "$ns"
ip netns exec "$ns" ip link set lo up
run() { ip netns exec "$ns" "$@"; }

# A throwaway self-signed certificate: the reader does not look inside TLS.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
  -subj "/CN=capture.test" -addext "subjectAltName=DNS:capture.test" \
  -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null

# Background jobs are started with `ip netns exec` directly (not through a function), so $! is
# their own pid and the cleanup can stop them; their output goes nowhere.
ip netns exec "$ns" tcpdump -i lo -U -Z root -w "$work/raw.pcap" 'tcp' >/dev/null 2>&1 &
tcpdump_pid=$!
# The same traffic again with a 96-byte snapshot length: every longer packet is cut.
ip netns exec "$ns" tcpdump -i lo -U -Z root -s 96 -w "$work/snap96.pcap" 'tcp' >/dev/null 2>&1 &
snap_pid=$!
sleep 1

# One server per address family: s_server listens on one socket.
ip netns exec "$ns" openssl s_server -4 -accept 127.0.0.1:4433 -cert "$work/cert.pem" -key "$work/key.pem" -www -quiet \
  >/dev/null 2>&1 </dev/null &
server_pid=$!
ip netns exec "$ns" openssl s_server -6 -accept '[::1]:4433' -cert "$work/cert.pem" -key "$work/key.pem" -www -quiet \
  >/dev/null 2>&1 </dev/null &
server6_pid=$!
mkdir -p "$work/www" && echo "hello from the capture fixture" > "$work/www/index.txt"
ip netns exec "$ns" python3 -m http.server 8080 --bind :: --directory "$work/www" >/dev/null 2>&1 </dev/null &
http_pid=$!
sleep 2

# Each client's stdin stays open a moment, so the server answers before the client closes.
client() { (printf 'GET / HTTP/1.0\r\n\r\n'; sleep 0.3) | run openssl s_client -quiet -connect "$1" -servername capture.test "${@:2}" >/dev/null 2>&1 || true; }
client 127.0.0.1:4433 -tls1_3
client '[::1]:4433' -tls1_2
run curl -s -o /dev/null "http://127.0.0.1:8080/index.txt"
run curl -s -o /dev/null -g "http://[::1]:8080/index.txt"
sleep 1

kill "$tcpdump_pid" "$snap_pid"; wait "$tcpdump_pid" "$snap_pid" 2>/dev/null || true; tcpdump_pid=; snap_pid=

cp "$work/raw.pcap" "$out/capture.pcap"
editcap -F pcapng "$out/capture.pcap" "$out/capture.pcapng"
editcap -F nsecpcap "$out/capture.pcap" "$out/capture-ns.pcap"
editcap -F pcapng "$out/capture-ns.pcap" "$out/capture-ns.pcapng"
gzip -n -9 -c "$out/capture.pcap" > "$out/capture.pcap.gz"
cp "$work/snap96.pcap" "$out/capture-snap96.pcap"
editcap -F pcapng -r "$out/capture.pcap" "$work/first.pcapng" 1-20
editcap -F pcapng "$out/capture.pcap" "$work/rest.pcapng" 1-20
cat "$work/first.pcapng" "$work/rest.pcapng" > "$out/capture-2sections.pcapng"
size=$(stat -c %s "$out/capture.pcap")
head -c $((size - 40)) "$out/capture.pcap" > "$out/capture-cut.pcap"
tshark -r "$out/capture.pcap" -T fields -e frame.number -e frame.time_epoch -e frame.len -e frame.cap_len \
  > "$out/capture.tshark.tsv" 2>/dev/null

ls -l "$out"
