#!/usr/bin/env bash
# Builds the X.509 fixtures of test/fixtures/x509/ with the openssl CLI: real CA hierarchies
# (RSA, ECDSA, Ed25519), leaves for every chain verdict the analyzer gives, and FIXED validity
# dates so that tests can judge them at a fixed time. Keys are fresh on each run and are not kept:
# only the certificates (PEM) are written. `openssl ca` is used because openssl 3.0's `x509 -req`
# and `req -x509` cannot set notBefore.
#
# Usage: scripts/make-x509-fixtures.sh [out-dir]   (default: test/fixtures/x509)
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$here/test/fixtures/x509}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

# Validity windows (UTCTime/GeneralizedTime as openssl ca takes them).
ROOT_FROM=20200101000000Z;  ROOT_TO=20400101000000Z
INT_FROM=20200601000000Z;   INT_TO=20350101000000Z
LEAF_FROM=20240101000000Z;  LEAF_TO=20270101000000Z
OLD_FROM=20200701000000Z;   OLD_TO=20210701000000Z     # expired leaf
NEW_FROM=20300101000000Z;   NEW_TO=20310101000000Z     # not-yet-valid leaf

cat > "$work/ca.cnf" <<'CNF'
[ ca ]
default_ca = fixture_ca
[ fixture_ca ]
dir             = .
database        = $dir/index.txt
new_certs_dir   = $dir/newcerts
serial          = $dir/serial
policy          = policy_anything
unique_subject  = no
copy_extensions = none
default_md      = sha256
[ policy_anything ]
commonName             = optional
organizationName       = optional
organizationalUnitName = optional
countryName            = optional
[ root_ca ]
basicConstraints       = critical, CA:true
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
[ intermediate_ca ]
basicConstraints       = critical, CA:true, pathlen:0
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
[ not_a_ca ]
basicConstraints       = critical, CA:false
keyUsage               = critical, digitalSignature
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
[ server_leaf ]
basicConstraints       = critical, CA:false
keyUsage               = critical, digitalSignature, keyEncipherment
extendedKeyUsage       = serverAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
subjectAltName         = $ENV::SAN
[ server_leaf_no_san ]
basicConstraints       = critical, CA:false
keyUsage               = critical, digitalSignature, keyEncipherment
extendedKeyUsage       = serverAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
[ client_leaf ]
basicConstraints       = critical, CA:false
keyUsage               = critical, digitalSignature
extendedKeyUsage       = clientAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
[ leaf_with_ca_flag ]
basicConstraints       = critical, CA:true
keyUsage               = critical, digitalSignature, keyEncipherment, keyCertSign
extendedKeyUsage       = serverAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
subjectAltName         = $ENV::SAN
[ self_signed_leaf ]
basicConstraints       = critical, CA:false
keyUsage               = critical, digitalSignature, keyEncipherment
extendedKeyUsage       = serverAuth
subjectKeyIdentifier   = hash
subjectAltName         = $ENV::SAN
CNF

cd "$work"
export SAN="DNS:unused.invalid"

key() { # key <name> <type>
  case "$2" in
    rsa1024) openssl genpkey -quiet -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out "$1.key" ;;
    rsa2048) openssl genpkey -quiet -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1.key" ;;
    p256)    openssl genpkey -quiet -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" ;;
    p384)    openssl genpkey -quiet -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out "$1.key" ;;
    ed25519) openssl genpkey -quiet -algorithm ED25519 -out "$1.key" ;;
  esac
}

# --- RSA hierarchy: root -> intermediate -> leaves -----------------------------------------
sign() { # sign <name> <subject> <issuer> <extensions> <from> <to> [args]
  local name="$1" subj="$2" issuer="$3" ext="$4" from="$5" to="$6"; shift 6
  openssl req -new -key "$name.key" -subj "$subj" -out "$name.csr" 2>/dev/null
  local db="db-$issuer"
  if [ ! -d "$db" ]; then mkdir -p "$db/newcerts"; : > "$db/index.txt"; echo 1000 > "$db/serial"; fi
  (cd "$db" && openssl ca -batch -notext -preserveDN -config ../ca.cnf -name fixture_ca \
      -cert "../$issuer.pem" -keyfile "../$issuer.key" -in "../$name.csr" -out "../$name.pem" \
      -extensions "$ext" -startdate "$from" -enddate "$to" "$@" 2>../openssl.log) \
    || { cat openssl.log >&2; exit 1; }
}
selfsign() { # selfsign <name> <subject> <extensions> <from> <to> [args]
  local name="$1" subj="$2" ext="$3" from="$4" to="$5"; shift 5
  openssl req -new -key "$name.key" -subj "$subj" -out "$name.csr" 2>/dev/null
  mkdir -p "db-$name/newcerts"; : > "db-$name/index.txt"; echo 0100 > "db-$name/serial"
  (cd "db-$name" && openssl ca -batch -notext -preserveDN -config ../ca.cnf -name fixture_ca -selfsign \
      -keyfile "../$name.key" -in "../$name.csr" -out "../$name.pem" \
      -extensions "$ext" -startdate "$from" -enddate "$to" "$@" 2>../openssl.log) \
    || { cat openssl.log >&2; exit 1; }
}

key root rsa2048
selfsign root "/C=ZZ/O=TLS Analyzer Fixtures/CN=Fixture Root CA" root_ca $ROOT_FROM $ROOT_TO
key intermediate rsa2048
sign intermediate "/C=ZZ/O=TLS Analyzer Fixtures/CN=Fixture Intermediate CA" root intermediate_ca $INT_FROM $INT_TO

key leaf-valid rsa2048
SAN="DNS:www.example.test,DNS:example.test,IP:127.0.0.1,IP:::1" \
  sign leaf-valid "/O=TLS Analyzer Fixtures/CN=www.example.test" intermediate server_leaf $LEAF_FROM $LEAF_TO
key leaf-expired rsa2048
SAN="DNS:expired.example.test" \
  sign leaf-expired "/CN=expired.example.test" intermediate server_leaf $OLD_FROM $OLD_TO
key leaf-not-yet-valid rsa2048
SAN="DNS:future.example.test" \
  sign leaf-not-yet-valid "/CN=future.example.test" intermediate server_leaf $NEW_FROM $NEW_TO
key leaf-wrong-name rsa2048
SAN="DNS:other.example.org" \
  sign leaf-wrong-name "/CN=other.example.org" intermediate server_leaf $LEAF_FROM $LEAF_TO
key leaf-wildcard rsa2048
SAN="DNS:*.wild.example.test" \
  sign leaf-wildcard "/CN=*.wild.example.test" intermediate server_leaf $LEAF_FROM $LEAF_TO
key leaf-cn-only rsa2048
sign leaf-cn-only "/CN=legacy.example.test" intermediate server_leaf_no_san $LEAF_FROM $LEAF_TO
key leaf-weak rsa1024
SAN="DNS:weak.example.test" \
  sign leaf-weak "/CN=weak.example.test" intermediate server_leaf $LEAF_FROM $LEAF_TO -md sha1
key leaf-pss rsa2048
SAN="DNS:pss.example.test" \
  sign leaf-pss "/CN=pss.example.test" intermediate server_leaf $LEAF_FROM $LEAF_TO \
  -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32
key leaf-ec p256
SAN="DNS:ec.example.test" \
  sign leaf-ec "/CN=ec.example.test" intermediate server_leaf $LEAF_FROM $LEAF_TO
key leaf-client rsa2048
sign leaf-client "/O=TLS Analyzer Fixtures/CN=client-1" intermediate client_leaf $LEAF_FROM $LEAF_TO
key leaf-is-ca rsa2048
SAN="DNS:ca-leaf.example.test" \
  sign leaf-is-ca "/CN=ca-leaf.example.test" intermediate leaf_with_ca_flag $LEAF_FROM $LEAF_TO

# A leaf whose issuer NAME is the intermediate's but whose signature is by another key.
key impostor rsa2048
selfsign impostor "/C=ZZ/O=TLS Analyzer Fixtures/CN=Fixture Intermediate CA" root_ca $INT_FROM $INT_TO
key leaf-bad-signature rsa2048
SAN="DNS:badsig.example.test" \
  sign leaf-bad-signature "/CN=badsig.example.test" impostor server_leaf $LEAF_FROM $LEAF_TO

# An issuer without the CA flag (and without keyCertSign), and a leaf it signed.
key not-a-ca rsa2048
sign not-a-ca "/O=TLS Analyzer Fixtures/CN=Not A CA" root not_a_ca $INT_FROM $INT_TO
key leaf-under-not-a-ca rsa2048
SAN="DNS:under-not-a-ca.example.test" \
  sign leaf-under-not-a-ca "/CN=under-not-a-ca.example.test" not-a-ca server_leaf $LEAF_FROM $LEAF_TO

# --- self-signed leaf, and a private CA nobody trusts -------------------------------------
key self-signed rsa2048
SAN="DNS:self.example.test" \
  selfsign self-signed "/CN=self.example.test" self_signed_leaf $LEAF_FROM $LEAF_TO
key untrusted-root rsa2048
selfsign untrusted-root "/O=Private Lab/CN=Untrusted Private Root" root_ca $ROOT_FROM $ROOT_TO
key leaf-untrusted rsa2048
SAN="DNS:private.example.test" \
  sign leaf-untrusted "/CN=private.example.test" untrusted-root server_leaf $LEAF_FROM $LEAF_TO

# --- ECDSA hierarchy (P-384 root signs a P-256 leaf with ecdsa-with-SHA384) ---------------
key ec-root p384
selfsign ec-root "/O=TLS Analyzer Fixtures/CN=Fixture EC Root" root_ca $ROOT_FROM $ROOT_TO -md sha384
key ec-leaf p256
SAN="DNS:ecdsa.example.test" \
  sign ec-leaf "/CN=ecdsa.example.test" ec-root server_leaf $LEAF_FROM $LEAF_TO -md sha384

# --- Ed25519 hierarchy ---------------------------------------------------------------------
key ed-root ed25519
selfsign ed-root "/O=TLS Analyzer Fixtures/CN=Fixture Ed25519 Root" root_ca $ROOT_FROM $ROOT_TO
key ed-leaf ed25519
SAN="DNS:ed25519.example.test" \
  sign ed-leaf "/CN=ed25519.example.test" ed-root server_leaf $LEAF_FROM $LEAF_TO

for c in root intermediate impostor not-a-ca untrusted-root ec-root ed-root self-signed \
         leaf-valid leaf-expired leaf-not-yet-valid leaf-wrong-name leaf-wildcard leaf-cn-only \
         leaf-weak leaf-pss leaf-ec leaf-client leaf-is-ca leaf-bad-signature \
         leaf-under-not-a-ca leaf-untrusted ec-leaf ed-leaf; do
  openssl x509 -in "$c.pem" -out "$out/$c.pem"
done
# The trust store the tests use: the three fixture roots (not the untrusted one).
cat "$out/root.pem" "$out/ec-root.pem" "$out/ed-root.pem" > "$out/trusted-roots.pem"
echo "wrote $(ls "$out" | wc -l) files to $out"
