# shellcheck shell=bash
# Builds the sample PKI with `openssl ca`, so that every validity window is a fixed date
# (`openssl x509 -req` in OpenSSL 3.0 only knows "-days from now"). Sourced by generate.sh.
#
# Layout of $PKI (all PEM):
#   root.pem            THA Samples Root CA (RSA 2048)         -- the only anchor clients trust
#   inter.pem           THA Samples Intermediate CA, signed by root
#   inter-wrongkey.pem  same subject as inter.pem, another key, no subjectKeyIdentifier
#   server.pem          server.test, www.server.test, 127.0.0.1, ::1 (RSA 2048), signed by inter
#   expired.pem         server.test, valid 2020-01-01 .. 2021-01-01 (EC P-256)
#   notyet.pem          server.test, valid 2040-01-01 .. 2041-01-01 (EC P-256)
#   other.pem           other.test only (EC P-256)
#   wildcard.pem        *.wild.test (EC P-256)
#   selfsigned.pem      server.test, self-signed (EC P-256)
#   untrusted-root.pem  THA Samples Untrusted Root CA (never given to a client)
#   untrusted.pem       server.test, signed by untrusted-root
#   client.pem          client.test, clientAuth, signed by inter
#   client-untrusted.pem  client.test, signed by untrusted-root
#   client-expired.pem  client.test, signed by inter, valid 2020-01-01 .. 2021-01-01
#   *-chain.pem         leaf + intermediate as a server sends it
# Each leaf has a matching .key (PKCS#8, unencrypted: these are test keys).

PKI_ORG="THA Samples"
PKI_VALID_FROM=20250101000000Z
PKI_VALID_TO=20450101000000Z

pki_write_ca_config() { # dir
  local dir=$1
  mkdir -p "$dir/db"
  : >"$dir/db/index.txt"
  echo 1000 >"$dir/db/serial"
  cat >"$dir/ca.cnf" <<EOF
[ ca ]
default_ca = thaca
[ thaca ]
database = $dir/db/index.txt
serial = $dir/db/serial
new_certs_dir = $dir/db
default_md = sha256
policy = anything
unique_subject = no
copy_extensions = none
email_in_dn = no
[ anything ]
organizationName = optional
commonName = supplied
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = placeholder
[ v3_root ]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[ v3_inter ]
basicConstraints = critical,CA:true,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ v3_inter_noskid ]
basicConstraints = critical,CA:true,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = none
authorityKeyIdentifier = keyid:always
[ v3_server ]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = \${ENV::PKI_SAN}
[ v3_client ]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = DNS:client.test
EOF
}

pki_key() { # out kind(rsa|ec)
  if [[ $2 == rsa ]]; then
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1" 2>/dev/null
  else
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null
  fi
}

# pki_issue NAME KIND CN EXT ISSUER(name or "self") FROM TO [SAN]
pki_issue() {
  local name=$1 kind=$2 cn=$3 ext=$4 issuer=$5 from=$6 to=$7 san=${8:-DNS:unused.test}
  local dir=$PKI_WORK
  pki_key "$PKI/$name.key" "$kind"
  PKI_SAN=$san openssl req -new -config "$dir/ca.cnf" -key "$PKI/$name.key" \
    -subj "/O=$PKI_ORG/CN=$cn" -out "$dir/$name.csr" 2>/dev/null
  if [[ $issuer == self ]]; then
    PKI_SAN=$san openssl ca -batch -notext -selfsign -config "$dir/ca.cnf" -keyfile "$PKI/$name.key" \
      -startdate "$from" -enddate "$to" -extensions "$ext" -in "$dir/$name.csr" -out "$PKI/$name.pem" 2>"$dir/$name.log"
  else
    PKI_SAN=$san openssl ca -batch -notext -config "$dir/ca.cnf" -cert "$PKI/$issuer.pem" -keyfile "$PKI/$issuer.key" \
      -startdate "$from" -enddate "$to" -extensions "$ext" -in "$dir/$name.csr" -out "$PKI/$name.pem" 2>"$dir/$name.log"
  fi || { cat "$dir/$name.log" >&2; die "openssl ca failed for $name"; }
}

make_pki() {
  PKI_WORK=$(mktemp -d)
  pki_write_ca_config "$PKI_WORK"
  rm -f "$PKI"/*.pem "$PKI"/*.key
  mkdir -p "$PKI"
  local F=$PKI_VALID_FROM T=$PKI_VALID_TO
  pki_issue root rsa "$PKI_ORG Root CA" v3_root self $F $T
  pki_issue inter rsa "$PKI_ORG Intermediate CA" v3_inter root $F $T
  # Same subject as the real intermediate, another key: the leaf's signature cannot verify
  # against it. Without a subjectKeyIdentifier, OpenSSL's issuer search does not skip it on the
  # AKID/SKID comparison, so verification reaches the signature check.
  pki_issue inter-wrongkey rsa "$PKI_ORG Intermediate CA" v3_inter_noskid root $F $T
  pki_issue untrusted-root rsa "$PKI_ORG Untrusted Root CA" v3_root self $F $T

  pki_issue server rsa server.test v3_server inter $F $T "DNS:server.test,DNS:www.server.test,IP:127.0.0.1,IP:::1"
  pki_issue expired ec server.test v3_server inter 20200101000000Z 20210101000000Z "DNS:server.test,DNS:www.server.test"
  pki_issue notyet ec server.test v3_server inter 20400101000000Z 20410101000000Z "DNS:server.test,DNS:www.server.test"
  pki_issue other ec other.test v3_server inter $F $T "DNS:other.test"
  pki_issue wildcard ec "*.wild.test" v3_server inter $F $T "DNS:*.wild.test"
  pki_issue selfsigned ec server.test v3_server self $F $T "DNS:server.test,DNS:www.server.test"
  pki_issue untrusted ec server.test v3_server untrusted-root $F $T "DNS:server.test,DNS:www.server.test"

  pki_issue client ec client.test v3_client inter $F $T
  pki_issue client-untrusted ec client.test v3_client untrusted-root $F $T
  pki_issue client-expired ec client.test v3_client inter 20200101000000Z 20210101000000Z

  local leaf
  for leaf in server expired notyet other wildcard client client-expired; do
    cat "$PKI/$leaf.pem" "$PKI/inter.pem" >"$PKI/$leaf-chain.pem"
  done
  cat "$PKI/inter.pem" "$PKI/root.pem" >"$PKI/inter-root.pem"
  cat "$PKI/root.pem" "$PKI/inter.pem" >"$PKI/root-inter.pem"
  rm -rf "$PKI_WORK"
}
