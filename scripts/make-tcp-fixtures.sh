#!/usr/bin/env bash
# Remakes the real loopback captures in test/fixtures/tcp/ (used by test/tcp/follow-stream.test.ts).
# Runs as root: the traffic stays inside a private network namespace whose loopback gets an
# Ethernet-like MTU of 1500, so transfers span many segments as they would on a real network.
#   http-loopback.pcap  curl -> python3 http.server, one transfer over IPv4 and one over IPv6
#   tls-loopback.pcap   openssl s_client -> s_server -www, TLS 1.3 then TLS 1.2
set -euo pipefail
out="$(cd "$(dirname "$0")/.." && pwd)/test/fixtures/tcp"
mkdir -p "$out"
ns="thaf-tcpfix-$$"
tmp="$(mktemp -d)"
ip netns add "$ns"
cleanup() { ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null || true; ip netns del "$ns"; rm -rf "$tmp"; }
trap cleanup EXIT
# Background jobs are started with "ip netns exec" itself (it execs), so $! is the real process.
in_ns() { ip netns exec "$ns" "$@"; }
in_ns ip link set lo up
in_ns ip link set lo mtu 1500

capture() { # file filter -> starts tcpdump in the background, sets $dump
  ip netns exec "$ns" tcpdump -i lo -U -s 0 -w "$1" "$2" 2>"$1.log" &
  dump=$!
  # tcpdump says "listening on lo" once packets are being captured.
  for _ in $(seq 100); do grep -q listening "$1.log" 2>/dev/null && break; sleep 0.1; done
  sleep 1 # the message comes a little before packets are really seen
  rm -f "$1.log"
}
stop_capture() { sleep 1; kill -INT "$dump"; wait "$dump" || true; }

# 1. HTTP: a 6 KB text file fetched over IPv4 then IPv6.
seq 1 1200 | sed 's/^/line /' > "$tmp/file.txt"
ip netns exec "$ns" python3 -m http.server 8000 --bind :: --directory "$tmp" >/dev/null 2>&1 &
server=$!
# Ready when it answers (before the capture starts, so this probe is not in it).
for _ in $(seq 50); do in_ns curl -s -o /dev/null http://127.0.0.1:8000/ && break; sleep 0.2; done
capture "$out/http-loopback.pcap" 'tcp port 8000'
timeout 10 ip netns exec "$ns" curl -s -o /dev/null http://127.0.0.1:8000/file.txt
timeout 10 ip netns exec "$ns" curl -s -g -o /dev/null 'http://[::1]:8000/file.txt'
stop_capture
kill "$server"; wait "$server" 2>/dev/null || true

# 2. TLS: s_server -www answers "GET /" with a status page of a few KB.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
  -subj /CN=localhost -keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>/dev/null
capture "$out/tls-loopback.pcap" 'tcp port 4433'
for version in -tls1_3 -tls1_2; do
  ip netns exec "$ns" openssl s_server -www -accept 4433 -naccept 1 -cert "$tmp/cert.pem" -key "$tmp/key.pem" >/dev/null 2>&1 &
  server=$!
  sleep 0.5
  printf 'GET / HTTP/1.0\r\n\r\n' | timeout 10 ip netns exec "$ns" openssl s_client "$version" -connect 127.0.0.1:4433 -quiet -ign_eof >/dev/null 2>&1 || true
  sleep 0.3
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
done
stop_capture
# tcpdump writes as its own user: give the files to the owner of the folder.
chown "$(stat -c %u:%g "$out")" "$out"/*.pcap
ls -l "$out"
