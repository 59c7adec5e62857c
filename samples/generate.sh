#!/usr/bin/env bash
# Makes the sample captures: real TLS stacks (OpenSSL, GnuTLS, Node, Python, curl, nginx)
# handshaking over the loopback of network namespaces this script creates, recorded by
# tcpdump (or dumpcap) inside each namespace, so a capture holds nothing but its scenario.
#
#   sudo bash samples/generate.sh            # all captures, keeps samples/pki if present
#   sudo bash samples/generate.sh --new-pki  # also remakes the certificates and keys
#   sudo bash samples/generate.sh NAME...    # only the scenarios whose file name contains NAME
#
# Writes samples/captures/*.pcap(ng), samples/mixed.pcap and samples/expected.json (ground
# truth from how each scenario is built; frame numbers are located with tshark afterwards).
set -euo pipefail

SAMPLES=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOOLS=$SAMPLES/tools
PKI=$SAMPLES/pki
CAPTURES=$SAMPLES/captures
RUN_ID=$$
WORK=$(mktemp -d /tmp/tha-samples.XXXXXX)
LOGS=$WORK/logs
META=$WORK/meta
LANES=${THA_SAMPLES_LANES:-3}
mkdir -p "$LOGS" "$META" "$WORK/www" "$CAPTURES"

die() { echo "generate.sh: $*" >&2; exit 1; }

NEW_PKI=0
FILTERS=()
for arg in "$@"; do
  case $arg in
    --new-pki) NEW_PKI=1 ;;
    -h|--help) sed -n '2,12p' "${BASH_SOURCE[0]}"; exit 0 ;;
    -*) die "unknown option $arg" ;;
    *) FILTERS+=("$arg") ;;
  esac
done

[[ $(id -u) == 0 ]] || die "run as root (network namespaces and tcpdump need it): sudo bash $0"

# ---------------------------------------------------------------- tools
need() { # command debian-package
  command -v "$1" >/dev/null 2>&1 && return 0
  echo "generate.sh: installing $2 for $1" >&2
  if ! { DEBIAN_FRONTEND=noninteractive apt-get install -y "$2" >/dev/null 2>&1 ||
         { apt-get update >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y "$2" >/dev/null 2>&1; }; }; then
    die "$1 is missing and 'apt-get install -y $2' failed; install it and run again"
  fi
  command -v "$1" >/dev/null 2>&1 || die "$1 still missing after installing $2"
}
need ip iproute2
need ss iproute2
need openssl openssl
need gnutls-cli gnutls-bin
need gnutls-serv gnutls-bin
need tcpdump tcpdump
need dumpcap wireshark-common
need tshark tshark
need editcap wireshark-common
need curl curl
need python3 python3
need node nodejs
need nginx nginx-light
need timeout coreutils

V_OPENSSL=$(openssl version | awk '{print $2}')
V_GNUTLS=$(gnutls-cli --version 2>/dev/null | head -1 | awk '{print $2}')
V_NODE=$(node -p 'process.versions.node + " (OpenSSL " + process.versions.openssl + ")"')
V_PYTHON=$(python3 -c 'import ssl,sys; print("%d.%d.%d (%s)" % (sys.version_info[:3] + (ssl.OPENSSL_VERSION,)))')
V_CURL=$(curl --version | head -1 | awk '{print $2 " (" $5 ")"}')
V_NGINX=$(nginx -v 2>&1 | sed 's|.*nginx/||')
I_OSSL_C="openssl s_client $V_OPENSSL"
I_OSSL_S="openssl s_server $V_OPENSSL"
I_GNUTLS_C="gnutls-cli $V_GNUTLS"
I_GNUTLS_S="gnutls-serv $V_GNUTLS"
I_NODE="node $V_NODE tls"
I_PY="python $V_PYTHON ssl"
I_CURL="curl $V_CURL"
I_NGINX="nginx $V_NGINX"

# ---------------------------------------------------------------- PKI
# shellcheck source=tools/make-pki.sh
source "$TOOLS/make-pki.sh"
if [[ $NEW_PKI == 1 || ! -f $PKI/root.pem || ! -f $PKI/client-expired-chain.pem ]]; then
  make_pki
fi
ROOT=$PKI/root.pem
printf 'hello\n' >"$WORK/www/hello.txt"
# openssl s_server -WWW serves files relative to its working directory.
cd "$WORK/www"

# ---------------------------------------------------------------- namespaces and capture
# Scenarios run in $LANES parallel lanes (most of their time is spent waiting on sockets);
# lane L runs the scenarios whose index modulo $LANES is L, each in its own namespace.
BG_PIDS=()
CAP_PID=""
NS=""
SCENARIO_INDEX=0

kill_lane_processes() {
  local pid
  for pid in "${BG_PIDS[@]}" $CAP_PID; do kill "$pid" 2>/dev/null || true; done
  if [[ -n $NS ]]; then ip netns del "$NS" 2>/dev/null || true; fi
}

cleanup() {
  local ns
  kill_lane_processes
  for ns in $(ip netns list | awk '{print $1}' | grep "^tha-samples-$RUN_ID-" || true); do
    ip netns del "$ns" 2>/dev/null || true
  done
  # THA_SAMPLES_LOGS=DIR keeps every client's and server's output, to see what each stack said.
  if [[ -n ${THA_SAMPLES_LOGS:-} ]]; then mkdir -p "$THA_SAMPLES_LOGS" && cp "$LOGS"/* "$WORK"/meta.tsv "$THA_SAMPLES_LOGS"/ 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

selected() { # file
  [[ ${#FILTERS[@]} == 0 ]] && return 0
  local f
  for f in "${FILTERS[@]}"; do [[ $1 == *"$f"* ]] && return 0; done
  return 1
}

# begin FILE IMPLEMENTATION DESCRIPTION [mtu=N] [iface=lo|any] [snaplen=N] [linktype=T]
#       [tool=tcpdump|dumpcap] [tsprec=nano] [cut=after-clienthello]
# Returns 1 (skip) when the scenario is filtered out.
begin() {
  CUR_FILE=$1; CUR_IMPL=$2; CUR_DESC=$3; shift 3
  local index=$SCENARIO_INDEX
  SCENARIO_INDEX=$((SCENARIO_INDEX + 1))
  ((index % LANES == LANE)) || return 1
  selected "$CUR_FILE" || return 1
  local mtu=1500 iface=lo snaplen=0 linktype="" tool=tcpdump tsprec=""
  CUR_CUT=""
  local opt
  for opt in "$@"; do
    case $opt in
      mtu=*) mtu=${opt#*=} ;; iface=*) iface=${opt#*=} ;; snaplen=*) snaplen=${opt#*=} ;;
      linktype=*) linktype=${opt#*=} ;; tool=*) tool=${opt#*=} ;; tsprec=*) tsprec=${opt#*=} ;;
      cut=*) CUR_CUT=${opt#*=} ;;
      *) die "begin: unknown option $opt" ;;
    esac
  done
  CUR_TAG=$(basename "$CUR_FILE"); CUR_TAG=${CUR_TAG%.*}
  CUR_CLIENT_N=0
  NS=tha-samples-$RUN_ID-$index
  CUR_META=$META/$(printf '%03d' "$index").tsv
  ip netns add "$NS"
  # Loopback offloads would hand tcpdump one 64 KB "packet" for a whole flight; a real
  # network cuts it at the MTU, so the segment limits are set to one MSS.
  ip netns exec "$NS" ip link set lo up mtu "$mtu" gso_max_size "$mtu" gso_max_segs 1
  printf 'C\t%s\t%s\t%s\n' "$CUR_FILE" "$CUR_IMPL" "$CUR_DESC" >"$CUR_META"

  CUR_RAW=$SAMPLES/$CUR_FILE
  [[ -n $CUR_CUT ]] && CUR_RAW=$WORK/$CUR_TAG.uncut.pcap
  rm -f "$SAMPLES/$CUR_FILE"
  local err=$LOGS/$CUR_TAG.capture.log
  if [[ $tool == dumpcap ]]; then
    ip netns exec "$NS" dumpcap -q -i "$iface" -s "${snaplen/#0/262144}" -w "$CUR_RAW" 2>"$err" &
    CAP_PID=$!
    wait_for_text "$err" "Capturing on" || die "dumpcap did not start: $(cat "$err")"
  else
    local args=(-i "$iface" -s "$snaplen" -B 16384 --immediate-mode -U -Z root -w "$CUR_RAW")
    [[ -n $linktype ]] && args+=(-y "$linktype")
    [[ -n $tsprec ]] && args+=(--time-stamp-precision "$tsprec")
    ip netns exec "$NS" tcpdump "${args[@]}" 2>"$err" &
    CAP_PID=$!
    wait_for_text "$err" "listening on" || die "tcpdump did not start: $(cat "$err")"
  fi
  sleep 0.1
}

wait_for_text() { # file text
  local i
  for i in $(seq 100); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    sleep 0.05
  done
  return 1
}

# conn OUTCOME CAUSE ABORTED_BY VERSION [key=value;...]  -- ground truth of the next tcp.stream
conn() {
  printf 'K\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "${5:-}" >>"$CUR_META"
}

# srv PORT COMMAND... -- start a server in the namespace and wait until it listens on PORT
srv() {
  local port=$1; shift
  local log=$LOGS/$CUR_TAG.server-$port.log
  ip netns exec "$NS" "$@" >"$log" 2>&1 &
  BG_PIDS+=($!)
  local i
  for i in $(seq 200); do
    if [[ -n $(ip netns exec "$NS" ss -Hltn "sport = :$port") ]]; then return 0; fi
    kill -0 "${BG_PIDS[-1]}" 2>/dev/null || die "$CUR_TAG: server on $port exited: $(cat "$log")"
    sleep 0.05
  done
  die "$CUR_TAG: server on $port did not listen: $(cat "$log")"
}

# cli [--stdin TEXT] [--hold SECONDS] COMMAND... -- run one client to its end (10 s at most)
cli() {
  local input="" hold=0
  while [[ $1 == --* ]]; do
    case $1 in
      --stdin) input=$2; shift 2 ;;
      --hold) hold=$2; shift 2 ;;
      *) break ;;
    esac
  done
  CUR_CLIENT_N=$((CUR_CLIENT_N + 1))
  local log=$LOGS/$CUR_TAG.client-$CUR_CLIENT_N.log
  echo "+ $*" >"$log"
  { printf '%b' "$input"; sleep "$hold"; } | timeout 10 ip netns exec "$NS" "$@" >>"$log" 2>&1 || true
  # Let the last FIN/ACK exchange land in the capture before the next connection.
  sleep 0.15
}

end() {
  local pid
  for pid in "${BG_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${BG_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  BG_PIDS=()
  sleep 0.1
  kill -INT "$CAP_PID"
  wait "$CAP_PID" 2>/dev/null || true
  CAP_PID=""
  if grep -Eq '^[1-9][0-9]* packets dropped by kernel' "$LOGS/$CUR_TAG.capture.log"; then
    echo "generate.sh: $CUR_FILE: the capture dropped packets ($(grep dropped "$LOGS/$CUR_TAG.capture.log")); run again" >&2
    touch "$WORK/dropped"
  fi
  ip netns del "$NS"
  NS=""
  if [[ $CUR_CUT == after-clienthello ]]; then
    # A capture started late: keep what follows the first ClientHello.
    local hello
    hello=$(tshark -r "$CUR_RAW" -Y 'tls.handshake.type == 1' -T fields -e frame.number 2>/dev/null | head -1)
    [[ -n $hello ]] || die "$CUR_TAG: no ClientHello to cut after"
    editcap "$CUR_RAW" "$SAMPLES/$CUR_FILE" "1-$hello" >/dev/null
  fi
  printf '%-60s %6s bytes\n' "$CUR_FILE" "$(stat -c %s "$SAMPLES/$CUR_FILE")"
}

# ---------------------------------------------------------------- clients and servers
REQ='GET /hello.txt HTTP/1.0\r\n\r\n'
TRUST=(-CAfile "$ROOT" -verify_return_error)
SEC0='DEFAULT@SECLEVEL=0'

# openssl s_server on 443 serving hello.txt; extra arguments follow.
osrv() { srv 443 openssl s_server -accept 443 -WWW "$@"; }
osrv_chain() { osrv -cert "$PKI/$1.pem" -key "$PKI/$1.key" -cert_chain "$PKI/inter.pem" "${@:2}"; }
# openssl s_client to 127.0.0.1:443 asking for server.test and checking it, unless overridden.
ocli() { cli --stdin "$REQ" openssl s_client -connect 127.0.0.1:443 -ign_eof "$@"; }
ocli_std() { ocli -servername server.test -verify_hostname server.test "${TRUST[@]}" "$@"; }
gsrv() { srv 443 gnutls-serv -p 443 --echo "$@"; }
gsrv_chain() { gsrv --x509certfile "$PKI/$1-chain.pem" --x509keyfile "$PKI/$1.key" "${@:2}"; }
gcli() { cli --stdin 'ping\n' --hold 0.5 gnutls-cli -p 443 127.0.0.1 "$@"; }
gcli_std() { gcli --sni-hostname server.test --verify-hostname server.test --x509cafile "$ROOT" "$@"; }
nsrv() { srv 443 node "$TOOLS/node_tls.mjs" server "$1"; }
ncli() { cli node "$TOOLS/node_tls.mjs" client "$1"; }
psrv() { srv 443 python3 "$TOOLS/py_tls.py" server "$@"; }
pcli() { cli python3 "$TOOLS/py_tls.py" client "$@"; }
ccli() { cli curl -sS --max-time 5 "$@"; }
ccli_std() { ccli --resolve server.test:443:127.0.0.1 --cacert "$ROOT" "$@" https://server.test/hello.txt; }
j() { # json helper for node options: j key=value ... (values starting with / or digits kept as given)
  python3 -c 'import json,sys
out={}
for kv in sys.argv[1:]:
    k,v=kv.split("=",1)
    out[k]=json.loads(v) if v[:1] in "[{0123456789" or v in ("true","false") else v
print(json.dumps(out))' "$@"
}
NODE_SERVER=(cert="$PKI/server-chain.pem" key="$PKI/server.key")

nginx_conf() { # dir: default server rejects handshakes, server.test is served
  local dir=$1
  mkdir -p "$dir"
  cat >"$dir/nginx.conf" <<EOF
worker_processes 1;
daemon off;
master_process off;
pid $dir/nginx.pid;
error_log $dir/error.log info;
events { worker_connections 64; }
http {
  access_log off;
  # nginx 1.22 defaults to TLSv1 TLSv1.1 TLSv1.2; the default server's list is the one in force.
  ssl_protocols TLSv1.2 TLSv1.3;
  client_body_temp_path $dir/body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
  server {
    listen 443 ssl default_server;
    listen [::]:443 ssl default_server;
    ssl_reject_handshake on;
  }
  server {
    listen 443 ssl;
    listen [::]:443 ssl;
    server_name server.test www.server.test;
    ssl_certificate $PKI/server-chain.pem;
    ssl_certificate_key $PKI/server.key;
    location / { default_type text/plain; return 200 "hello from nginx\n"; }
  }
}
EOF
}
ngsrv() { nginx_conf "$WORK/nginx-$CUR_TAG"; srv 443 nginx -p "$WORK/nginx-$CUR_TAG" -c "$WORK/nginx-$CUR_TAG/nginx.conf" -e "$WORK/nginx-$CUR_TAG/error.log"; }

# ================================================================ scenarios
LANE_PIDS=()
for ((LANE = 0; LANE < LANES; LANE++)); do
  (
    trap kill_lane_processes EXIT
    # shellcheck source=tools/scenarios.sh
    source "$TOOLS/scenarios.sh"
  ) &
  LANE_PIDS+=($!)
done
FAILED_LANES=0
for pid in "${LANE_PIDS[@]}"; do wait "$pid" || FAILED_LANES=$((FAILED_LANES + 1)); done
((FAILED_LANES == 0)) || die "$FAILED_LANES lane(s) failed (see above)"
[[ ! -e $WORK/dropped ]] || die "some captures dropped packets (see above): run again on a quieter machine"
cat "$META"/*.tsv >"$WORK/meta.tsv"

# ---------------------------------------------------------------- ground truth
python3 "$TOOLS/write_expected.py" --meta "$WORK/meta.tsv" --samples "$SAMPLES" --out "$SAMPLES/expected.json" \
  ${FILTERS[@]:+--merge}
echo "total: $(du -cb "$CAPTURES"/* "$SAMPLES/mixed.pcap" 2>/dev/null | tail -1 | cut -f1) bytes in $(ls "$CAPTURES" | wc -l) captures + mixed.pcap"
