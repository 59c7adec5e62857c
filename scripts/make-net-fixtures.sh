#!/usr/bin/env bash
# Remakes the real captures of test/fixtures/net/ used by test/net/*.test.ts.
# Needs root (network namespaces), tcpdump, python3 and iproute2. Traffic stays on loopback or
# inside network namespaces this script creates and removes; nothing is sent anywhere else.
#
#   lo-ipv4-ipv6.pcap      -i lo (Ethernet, link type 1): one TCP exchange over 127.0.0.1, one over ::1
#   any-sll.pcap           -i any -y LINUX_SLL (Linux cooked v1, link type 113)
#   any-sll2.pcap          -i any -y LINUX_SLL2 (link type 276; tcpdump 4.99 with libpcap 1.10
#                          writes this for -i any without -y)
#   lo-snaplen-96.pcap     -i lo -s 96: payloads cut by the snapshot length
#   fragments.pcap         IPv4 TCP segments fragmented by a router namespace (DF off, MTU 1280),
#                          IPv4 and IPv6 UDP datagrams fragmented by their sender
set -euo pipefail
cd "$(dirname "$0")/.."
out=test/fixtures/net
mkdir -p "$out"
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for ns in thanet-c thanet-r thanet-s; do ip netns del "$ns" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# One TCP exchange: the client sends NBYTES, the server answers with 100 bytes, both close.
# With "nodf" the client socket clears DF (IP_PMTUDISC_DONT) so that a router may fragment it.
cat > "$work/exchange.py" <<'PY'
import socket, sys, threading
host, port, nbytes = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
mode = sys.argv[4] if len(sys.argv) > 4 else ''
family = socket.AF_INET6 if ':' in host else socket.AF_INET
if mode == 'server':
    srv = socket.socket(family, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((host, port)); srv.listen(1)
    conn, _ = srv.accept()
    got = 0
    while True:
        chunk = conn.recv(65536)
        if not chunk: break
        got += len(chunk)
    conn.sendall(b'S' * 100); conn.close(); srv.close()
    sys.exit(0 if got == nbytes else 1)
cli = socket.socket(family, socket.SOCK_STREAM)
if mode == 'nodf':
    cli.setsockopt(socket.IPPROTO_IP, 10, 0)  # IP_MTU_DISCOVER = IP_PMTUDISC_DONT
cli.connect((host, port))
cli.sendall(bytes((i * 7) & 0xff for i in range(nbytes)))
cli.shutdown(socket.SHUT_WR)
while cli.recv(65536): pass
cli.close()
PY
# One UDP datagram of NBYTES (the sender fragments it when it exceeds the MTU).
cat > "$work/udp.py" <<'PY'
import socket, sys
host, port, nbytes = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
s = socket.socket(socket.AF_INET6 if ':' in host else socket.AF_INET, socket.SOCK_DGRAM)
if ':' not in host: s.setsockopt(socket.IPPROTO_IP, 10, 0)
s.sendto(bytes(i & 0xff for i in range(nbytes)), (host, port))
PY

# exchange NS HOST PORT NBYTES [nodf]: runs one exchange, in namespace NS ("" = here).
exchange() {
  local ns=$1 host=$2 port=$3 n=$4 mode=${5:-}
  local run=(); local srvrun=()
  [ -n "$ns" ] && run=(ip netns exec "$ns")
  [ -n "${SERVER_NS:-}" ] && srvrun=(ip netns exec "$SERVER_NS") || srvrun=("${run[@]}")
  "${srvrun[@]}" python3 "$work/exchange.py" "$host" "$port" "$n" server & local srv=$!
  sleep 0.3
  "${run[@]}" python3 "$work/exchange.py" "$host" "$port" "$n" $mode
  wait "$srv"
}

# capture FILE NS TCPDUMP-ARGS...: starts tcpdump in the background (namespace NS or "").
capture() {
  local file=$1 ns=$2; shift 2
  local run=(); [ -n "$ns" ] && run=(ip netns exec "$ns")
  local err="$work/$(basename "$file").err"
  "${run[@]}" tcpdump -Z root --immediate-mode -U -n -w "$file" "$@" 2>"$err" & cap_pid=$!
  pids+=("$cap_pid")
  for _ in $(seq 50); do grep -q 'listening on' "$err" 2>/dev/null && break; sleep 0.1; done
}
# stop_capture [COUNT]: with COUNT (tcpdump was given -c COUNT) waits up to 5 s for tcpdump to
# stop by itself: on -i any, an interrupted tcpdump was seen to lose the last packets.
stop_capture() {
  if [ -n "${1:-}" ]; then
    for _ in $(seq 50); do kill -0 "$cap_pid" 2>/dev/null || break; sleep 0.1; done
  else
    sleep 1
  fi
  kill -INT "$cap_pid" 2>/dev/null || true
  wait "$cap_pid" || true
}

# --- loopback, Ethernet link type --------------------------------------------------------------
capture "$out/lo-ipv4-ipv6.pcap" "" -i lo 'tcp port 47101 or tcp port 47102'
exchange "" 127.0.0.1 47101 300
exchange "" ::1 47102 200
stop_capture

capture "$out/lo-snaplen-96.pcap" "" -i lo -s 96 'tcp port 47103'
exchange "" 127.0.0.1 47103 1000
stop_capture

# --- -i any: Linux cooked v1 and v2 (v2 is libpcap 1.10's default for "any") ------------------------------------------------
capture "$out/any-sll.pcap" "" -i any -y LINUX_SLL -c 10 'tcp port 47104'
exchange "" 127.0.0.1 47104 300
stop_capture 10
capture "$out/any-sll2.pcap" "" -i any -y LINUX_SLL2 -c 10 'tcp port 47105'
exchange "" ::1 47105 300
stop_capture 10

# --- VLAN tags: not made here. This kernel has neither the 8021q module (`ip link add ... type vlan`:
# "Unknown device type") nor the tc vlan action, so no real tagged frame can be produced; VLAN
# stacks are covered by byte vectors in test/net/link-layer.test.ts.

# --- fragments: client -> router (MTU 1280 towards the server) -> server -------------------------
ip netns add thanet-c; ip netns add thanet-r; ip netns add thanet-s
ip link add thanet-c0 netns thanet-c type veth peer name thanet-r0 netns thanet-r
ip link add thanet-r1 netns thanet-r type veth peer name thanet-s0 netns thanet-s
for pair in c:thanet-c0 r:thanet-r0 r:thanet-r1 s:thanet-s0; do
  ip -n thanet-${pair%%:*} link set lo up; ip -n thanet-${pair%%:*} link set ${pair#*:} up
done
ip -n thanet-r link set thanet-r1 mtu 1280
ip -n thanet-c addr add 198.51.100.1/24 dev thanet-c0
ip -n thanet-r addr add 198.51.100.254/24 dev thanet-r0
ip -n thanet-r addr add 203.0.113.254/24 dev thanet-r1
ip -n thanet-s addr add 203.0.113.1/24 dev thanet-s0
ip -n thanet-c route add default via 198.51.100.254
ip -n thanet-s route add default via 203.0.113.254
ip -n thanet-c addr add 2001:db8:1::1/64 dev thanet-c0 nodad
ip -n thanet-r addr add 2001:db8:1::fe/64 dev thanet-r0 nodad
ip -n thanet-c route add 2001:db8:2::/64 via 2001:db8:1::fe
ip -n thanet-r addr add 2001:db8:2::fe/64 dev thanet-r1 nodad
ip -n thanet-s addr add 2001:db8:2::1/64 dev thanet-s0 nodad
ip -n thanet-s route add 2001:db8:1::/64 via 2001:db8:2::fe
ip netns exec thanet-r sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
capture "$out/fragments.pcap" thanet-s -i thanet-s0 'tcp port 47107 or udp port 47108 or (ip[6:2] & 0x1fff != 0) or ip6[6] == 44'
SERVER_NS=thanet-s exchange thanet-c 203.0.113.1 47107 2000 nodf
ip netns exec thanet-c python3 "$work/udp.py" 203.0.113.1 47108 2000
ip netns exec thanet-c ip link set thanet-c0 mtu 1280
SERVER_NS=thanet-s exchange thanet-c 2001:db8:2::1 47107 100
ip netns exec thanet-c python3 "$work/udp.py" 2001:db8:2::1 47108 2000
sleep 1.5  # the router may first have to resolve the server's address
stop_capture
for f in "$out"/*.pcap; do
  [ "$(stat -c %s "$f")" -gt 24 ] || { echo "$f: no packet captured" >&2; exit 1; }
done
ls -l "$out"
