# shellcheck shell=bash
# The scenarios, sourced by generate.sh. Each block: begin (capture file, implementations,
# description), one `conn` line per TCP connection in order (the ground truth: outcome,
# cause, who aborted, negotiated version, extras), the servers and clients, end.
# Descriptions are checked against what the stacks actually did (see docs/decisions.md).

S=server; C=client

# ================================================================ none: successful handshakes
if begin captures/tls10-ok-openssl.pcap "$I_OSSL_C -> $I_OSSL_S" \
  "TLS 1.0 handshake (both sides -tls1, DEFAULT@SECLEVEL=0) and a tiny HTTP exchange."; then
  conn established none null "TLS 1.0"
  osrv_chain server -tls1 -cipher "$SEC0"
  ocli_std -tls1 -cipher "$SEC0"
  end
fi

if begin captures/tls11-ok-openssl.pcap "$I_OSSL_C -> $I_OSSL_S" \
  "TLS 1.1 handshake (both sides -tls1_1, DEFAULT@SECLEVEL=0)."; then
  conn established none null "TLS 1.1"
  osrv_chain server -tls1_1 -cipher "$SEC0"
  ocli_std -tls1_1 -cipher "$SEC0"
  end
fi

if begin captures/tls12-ok-openssl.pcap "$I_OSSL_C -> $I_OSSL_S" \
  "TLS 1.2 handshake with leaf + intermediate, client verifies chain and name server.test."; then
  conn established none null "TLS 1.2"
  osrv_chain server -tls1_2
  ocli_std
  end
fi

if begin captures/tls13-ok-openssl.pcap "$I_OSSL_C -> $I_OSSL_S" \
  "TLS 1.3 handshake; certificate and Finished are encrypted, the server sends two NewSessionTickets."; then
  conn established none null "TLS 1.3"
  osrv_chain server
  ocli_std
  end
fi

if begin captures/tls13-hello-retry-request-openssl.pcap "$I_OSSL_C -> $I_OSSL_S" \
  "TLS 1.3 with HelloRetryRequest: the client offers groups X25519:P-256 with a key_share for X25519 only, the server accepts only P-256 and asks again; second ClientHello then ServerHello."; then
  conn established none null "TLS 1.3" "helloRetryRequest=true"
  osrv_chain server -groups P-256
  ocli_std -groups X25519:P-256
  end
fi

if begin captures/tls12-resumption-session-id-openssl.pcap "$I_OSSL_C -> $I_OSSL_S" \
  "TLS 1.2 full handshake, then a second connection resuming it by session id (server -no_ticket; client -sess_out then -sess_in): the second ServerHello echoes the session id and goes straight to ChangeCipherSpec."; then
  conn established none null "TLS 1.2"
  conn established none null "TLS 1.2" "resumed=true"
  osrv_chain server -tls1_2 -no_ticket
  ocli_std -sess_out "$WORK/s12id.pem"
  ocli_std -sess_in "$WORK/s12id.pem"
  end
fi

if begin captures/tls12-resumption-ticket-openssl.pcap "$I_OSSL_C -> $I_OSSL_S" \
  "TLS 1.2 full handshake with a NewSessionTicket, then a second connection resuming with the ticket (abbreviated handshake)."; then
  conn established none null "TLS 1.2"
  conn established none null "TLS 1.2" "resumed=true"
  osrv_chain server -tls1_2
  ocli_std -sess_out "$WORK/s12t.pem"
  ocli_std -sess_in "$WORK/s12t.pem"
  end
fi

if begin captures/tls13-resumption-psk-openssl.pcap "$I_OSSL_C -> $I_OSSL_S" \
  "TLS 1.3 full handshake, then a second connection resuming with the ticket as PSK (pre_shared_key extension in both hellos, no Certificate)."; then
  conn established none null "TLS 1.3"
  conn established none null "TLS 1.3" "resumed=true"
  osrv_chain server
  ocli_std -sess_out "$WORK/s13.pem"
  ocli_std -sess_in "$WORK/s13.pem"
  end
fi

if begin captures/tls12-mutual-tls-ok-openssl.pcap "$I_OSSL_C -> $I_OSSL_S" \
  "TLS 1.2 mutual TLS: server -Verify 1 sends CertificateRequest, the client sends client.test + intermediate and CertificateVerify."; then
  conn established none null "TLS 1.2" "clientCertificate=true"
  osrv_chain server -tls1_2 -Verify 1 -verify_return_error -CAfile "$ROOT"
  ocli_std -cert "$PKI/client.pem" -key "$PKI/client.key" -cert_chain "$PKI/inter.pem"
  end
fi

if begin captures/tls13-mutual-tls-ok-openssl.pcap "$I_OSSL_C -> $I_OSSL_S" \
  "TLS 1.3 mutual TLS (CertificateRequest and both certificates encrypted)."; then
  conn established none null "TLS 1.3" "clientCertificate=true"
  osrv_chain server -Verify 1 -verify_return_error -CAfile "$ROOT"
  ocli_std -cert "$PKI/client.pem" -key "$PKI/client.key" -cert_chain "$PKI/inter.pem"
  end
fi

if begin captures/tls12-full-chain-mtu1500-openssl.pcap "$I_OSSL_C -> $I_OSSL_S" \
  "TLS 1.2, server sends a 3-certificate chain (leaf, intermediate, root; RSA 2048) that spans several 1500-byte segments."; then
  conn established none null "TLS 1.2"
  osrv -cert "$PKI/server.pem" -key "$PKI/server.key" -cert_chain "$PKI/inter-root.pem" -tls1_2
  ocli_std
  end
fi

if begin captures/tls12-clienthello-split-mtu200-openssl.pcap "$I_OSSL_C -> $I_OSSL_S" \
  "TLS 1.2 with loopback MTU 200: the ClientHello (all ciphers offered) and every later flight span several TCP segments." mtu=200; then
  conn established none null "TLS 1.2"
  osrv_chain server -tls1_2
  ocli_std -cipher ALL -tls1_2
  end
fi

if begin captures/tls12-wildcard-ok-openssl.pcap "$I_OSSL_C -> $I_OSSL_S" \
  "TLS 1.2 to a.wild.test, served by an ECDSA certificate for *.wild.test (one-label wildcard match)."; then
  conn established none null "TLS 1.2"
  osrv_chain wildcard -tls1_2
  ocli -servername a.wild.test -verify_hostname a.wild.test "${TRUST[@]}"
  end
fi

if begin captures/tls12-chain-wrong-order-accepted-openssl.pcap "$I_OSSL_C -> $I_OSSL_S" \
  "TLS 1.2, server sends leaf, root, intermediate (the intermediate after the root, against RFC 5246's order). OpenSSL's client builds the path from the unordered set and accepts it: a successful handshake with a misordered chain."; then
  conn established none null "TLS 1.2" "chainOrder=leaf,root,intermediate"
  osrv -cert "$PKI/server.pem" -key "$PKI/server.key" -cert_chain "$PKI/root-inter.pem" -tls1_2
  ocli_std
  end
fi

if begin captures/tls12-ok-gnutls.pcap "$I_GNUTLS_C -> $I_GNUTLS_S" \
  "TLS 1.2 between GnuTLS client and server (echo of one line). gnutls-serv asks for an optional client certificate by default: CertificateRequest, the client answers with an empty Certificate, and the handshake completes."; then
  conn established none null "TLS 1.2"
  gsrv_chain server --priority NORMAL:-VERS-ALL:+VERS-TLS1.2
  gcli_std
  end
fi

if begin captures/tls13-ok-gnutls-nanosecond.pcap "$I_GNUTLS_C -> $I_GNUTLS_S" \
  "TLS 1.3 between GnuTLS client and server (gnutls-serv sends an optional, encrypted CertificateRequest; the client sends an empty Certificate); pcap with nanosecond timestamps (magic a1b23c4d)." tsprec=nano; then
  conn established none null "TLS 1.3"
  gsrv_chain server
  gcli_std
  end
fi

if begin captures/tls13-ok-node.pcap "$I_NODE -> $I_NODE" \
  "TLS 1.3 between Node's tls client (servername server.test, ca root) and Node's tls server."; then
  conn established none null "TLS 1.3"
  nsrv "$(j "${NODE_SERVER[@]}")"
  ncli "$(j servername=server.test ca="$ROOT")"
  end
fi

if begin captures/tls12-ok-node-to-gnutls.pcap "$I_NODE -> $I_GNUTLS_S" \
  "TLS 1.2 from Node's tls client (maxVersion TLSv1.2) to gnutls-serv (optional CertificateRequest answered with an empty Certificate)."; then
  conn established none null "TLS 1.2"
  gsrv_chain server
  ncli "$(j servername=server.test ca="$ROOT" maxVersion=TLSv1.2)"
  end
fi

if begin captures/tls13-ok-python.pcap "$I_PY -> $I_PY" \
  "TLS 1.3 between Python ssl client (server_hostname server.test) and Python ssl server."; then
  conn established none null "TLS 1.3"
  psrv --cert "$PKI/server-chain.pem" --key "$PKI/server.key"
  pcli --servername server.test --cafile "$ROOT"
  end
fi

if begin captures/tls13-ok-curl-nginx.pcap "$I_CURL -> $I_NGINX" \
  "TLS 1.3 from curl (SNI server.test, ALPN h2,http/1.1) to nginx; HTTP/1.1 200 inside TLS."; then
  conn established none null "TLS 1.3"
  ngsrv
  ccli_std
  end
fi

if begin captures/tls12-ok-linux-cooked-sll.pcap "$I_CURL -> $I_OSSL_S" \
  "TLS 1.2 captured with tcpdump -i any -y LINUX_SLL (Linux cooked v1 link layer)." iface=any linktype=LINUX_SLL; then
  conn established none null "TLS 1.2"
  osrv_chain server -tls1_2
  ccli_std
  end
fi

if begin captures/tls13-ok-linux-cooked-sll2.pcap "$I_OSSL_C -> $I_OSSL_S" \
  "TLS 1.3 captured with tcpdump -i any -y LINUX_SLL2 (Linux cooked v2 link layer)." iface=any linktype=LINUX_SLL2; then
  conn established none null "TLS 1.3"
  osrv_chain server
  ocli_std
  end
fi

if begin captures/tls13-ok-ipv6-openssl.pcap "$I_OSSL_C -> $I_OSSL_S" \
  "TLS 1.3 over IPv6 loopback ([::1]:443)."; then
  conn established none null "TLS 1.3"
  osrv_chain server -6
  cli --stdin "$REQ" openssl s_client -connect '[::1]:443' -ign_eof -servername server.test -verify_hostname server.test "${TRUST[@]}"
  end
fi

if begin captures/tls13-ok-dumpcap.pcapng "$I_PY -> $I_NGINX" \
  "TLS 1.3 from Python ssl to nginx, captured by dumpcap (pcapng: SHB, IDB, EPB)." tool=dumpcap; then
  conn established none null "TLS 1.3"
  ngsrv
  pcli --servername server.test --cafile "$ROOT"
  end
fi

# ================================================================ protocol-version-mismatch
if begin captures/tls11-vs-tls12-version-mismatch-openssl.pcap "$I_OSSL_C -> $I_OSSL_S" \
  "Client offers at most TLS 1.1 (-tls1_1), server accepts only TLS 1.2+ (-min_protocol TLSv1.2): the server answers the ClientHello with a protocol_version alert."; then
  conn failed protocol-version-mismatch $S null
  osrv_chain server -min_protocol TLSv1.2
  ocli_std -tls1_1 -cipher "$SEC0"
  end
fi

if begin captures/tls11-vs-tls12-version-mismatch-gnutls.pcap "$I_GNUTLS_C -> $I_GNUTLS_S" \
  "GnuTLS client limited to TLS 1.1 (priority NORMAL:-VERS-ALL:+VERS-TLS1.1), GnuTLS server limited to TLS 1.2/1.3."; then
  conn failed protocol-version-mismatch $S null
  gsrv_chain server --priority NORMAL:-VERS-ALL:+VERS-TLS1.2:+VERS-TLS1.3
  gcli_std --priority NORMAL:-VERS-ALL:+VERS-TLS1.1
  end
fi

if begin captures/tls13-vs-tls12-version-mismatch-openssl.pcap "$I_OSSL_C -> $I_OSSL_S" \
  "TLS 1.3-only client (-tls1_3: supported_versions holds only 0x0304) against a TLS 1.2-only server (-tls1_2)."; then
  conn failed protocol-version-mismatch $S null
  osrv_chain server -tls1_2
  ocli_std -tls1_3
  end
fi

if begin captures/tls13-vs-tls12-version-mismatch-node.pcap "$I_NODE -> $I_NODE" \
  "Node client minVersion TLSv1.3 against Node server maxVersion TLSv1.2."; then
  conn failed protocol-version-mismatch $S null
  nsrv "$(j "${NODE_SERVER[@]}" maxVersion=TLSv1.2)"
  ncli "$(j servername=server.test ca="$ROOT" minVersion=TLSv1.3)"
  end
fi

if begin captures/tls12-vs-tls13-version-mismatch-python.pcap "$I_PY -> $I_OSSL_S" \
  "Python client with maximum_version TLS 1.2 against an openssl s_server that accepts only TLS 1.3 (-tls1_3)."; then
  conn failed protocol-version-mismatch $S null
  osrv_chain server -tls1_3
  pcli --servername server.test --cafile "$ROOT" --max 1.2
  end
fi

# ================================================================ cipher-suite-mismatch
if begin captures/tls12-cipher-mismatch-openssl.pcap "$I_OSSL_C -> $I_OSSL_S" \
  "TLS 1.2 only; client offers only ECDHE-RSA-AES128-GCM-SHA256, server accepts only ECDHE-RSA-AES256-GCM-SHA384: the server answers with handshake_failure."; then
  conn failed cipher-suite-mismatch $S null
  osrv_chain server -tls1_2 -cipher ECDHE-RSA-AES256-GCM-SHA384
  ocli_std -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256
  end
fi

if begin captures/tls13-cipher-mismatch-openssl.pcap "$I_OSSL_C -> $I_OSSL_S" \
  "TLS 1.3 only; client -ciphersuites TLS_AES_128_GCM_SHA256, server -ciphersuites TLS_CHACHA20_POLY1305_SHA256."; then
  conn failed cipher-suite-mismatch $S null
  osrv_chain server -tls1_3 -ciphersuites TLS_CHACHA20_POLY1305_SHA256
  ocli_std -tls1_3 -ciphersuites TLS_AES_128_GCM_SHA256
  end
fi

if begin captures/tls12-cipher-mismatch-gnutls.pcap "$I_GNUTLS_C -> $I_GNUTLS_S" \
  "TLS 1.2 only; GnuTLS client offers only AES-128-GCM suites, GnuTLS server accepts only CHACHA20-POLY1305."; then
  conn failed cipher-suite-mismatch $S null
  gsrv_chain server --priority NORMAL:-VERS-ALL:+VERS-TLS1.2:-CIPHER-ALL:+CHACHA20-POLY1305
  gcli_std --priority NORMAL:-VERS-ALL:+VERS-TLS1.2:-CIPHER-ALL:+AES-128-GCM
  end
fi

if begin captures/tls13-cipher-mismatch-gnutls-to-openssl.pcap "$I_GNUTLS_C -> $I_OSSL_S" \
  "TLS 1.3 only; GnuTLS client offers only TLS_AES_256_GCM_SHA384, openssl s_server accepts only TLS_AES_128_GCM_SHA256."; then
  conn failed cipher-suite-mismatch $S null
  osrv_chain server -tls1_3 -ciphersuites TLS_AES_128_GCM_SHA256
  gcli_std --priority NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+AES-256-GCM
  end
fi

if begin captures/tls12-cipher-mismatch-node.pcap "$I_NODE -> $I_NODE" \
  "TLS 1.2 only; Node client ciphers ECDHE-RSA-AES128-GCM-SHA256, Node server ciphers ECDHE-RSA-CHACHA20-POLY1305."; then
  conn failed cipher-suite-mismatch $S null
  nsrv "$(j "${NODE_SERVER[@]}" maxVersion=TLSv1.2 ciphers=ECDHE-RSA-CHACHA20-POLY1305)"
  ncli "$(j servername=server.test ca="$ROOT" maxVersion=TLSv1.2 ciphers=ECDHE-RSA-AES128-GCM-SHA256)"
  end
fi

# ================================================================ certificate-hostname-mismatch
if begin captures/tls12-hostname-mismatch-openssl.pcap "$I_OSSL_C -> $I_OSSL_S" \
  "TLS 1.2; client asks for server.test (SNI, -verify_hostname), server presents a certificate for other.test only."; then
  conn failed certificate-hostname-mismatch $C "TLS 1.2"
  osrv_chain other -tls1_2
  ocli_std
  end
fi

if begin captures/tls13-hostname-mismatch-openssl.pcap "$I_OSSL_C -> $I_OSSL_S" \
  "TLS 1.3; client asks for server.test, server presents other.test."; then
  conn failed certificate-hostname-mismatch $C "TLS 1.3"
  osrv_chain other
  ocli_std
  end
fi

if begin captures/tls13-hostname-mismatch-gnutls.pcap "$I_GNUTLS_C -> $I_GNUTLS_S" \
  "TLS 1.3; gnutls-cli asks for server.test (SNI and --verify-hostname), server presents other.test. The client's alert is encrypted."; then
  conn failed certificate-hostname-mismatch $C "TLS 1.3"
  gsrv_chain other
  gcli_std
  end
fi

if begin captures/tls13-hostname-mismatch-curl.pcap "$I_CURL -> $I_OSSL_S" \
  "TLS 1.3; curl https://server.test (--resolve to 127.0.0.1), server presents other.test. curl's OpenSSL backend checks the host name itself after the handshake: the client completes the handshake (Finished), then closes with an encrypted alert (close_notify in the TLS 1.2 variant, decrypted with SSLKEYLOGFILE) and RST. No handshake alert tells the cause."; then
  conn failed certificate-hostname-mismatch $C "TLS 1.3"
  osrv_chain other
  ccli_std
  end
fi

if begin captures/tls12-hostname-mismatch-curl.pcap "$I_CURL -> $I_OSSL_S" \
  "TLS 1.2; curl https://server.test (--resolve to 127.0.0.1, --tls-max 1.2), server presents other.test. curl checks the name after the handshake: both Finished messages are exchanged, then curl sends an encrypted warning close_notify (seen decrypted with SSLKEYLOGFILE while building this scenario) and RSTs."; then
  conn failed certificate-hostname-mismatch $C "TLS 1.2"
  osrv_chain other -tls1_2
  ccli_std --tls-max 1.2
  end
fi

if begin captures/tls13-hostname-mismatch-node.pcap "$I_NODE -> $I_NODE" \
  "TLS 1.3; Node client connects with servername server.test, Node server presents other.test. Node checks the name in JavaScript after OpenSSL accepted the chain and destroys the socket: a bare FIN, no alert."; then
  conn failed certificate-hostname-mismatch $C "TLS 1.3"
  nsrv "$(j cert="$PKI/other-chain.pem" key="$PKI/other.key")"
  ncli "$(j servername=server.test ca="$ROOT")"
  end
fi

if begin captures/tls12-hostname-mismatch-python.pcap "$I_PY -> $I_PY" \
  "TLS 1.2; Python client (check_hostname) asks for server.test, Python server presents other.test."; then
  conn failed certificate-hostname-mismatch $C "TLS 1.2"
  psrv --cert "$PKI/other-chain.pem" --key "$PKI/other.key" --max 1.2
  pcli --servername server.test --cafile "$ROOT"
  end
fi

if begin captures/tls12-wildcard-apex-mismatch-openssl.pcap "$I_OSSL_C -> $I_OSSL_S" \
  "TLS 1.2; client asks for wild.test, the certificate holds only *.wild.test, which does not cover the bare domain (RFC 6125 6.4.3)."; then
  conn failed certificate-hostname-mismatch $C "TLS 1.2"
  osrv_chain wildcard -tls1_2
  ocli -servername wild.test -verify_hostname wild.test "${TRUST[@]}"
  end
fi

# ================================================================ certificate-chain-incomplete
if begin captures/tls12-chain-incomplete-openssl.pcap "$I_OSSL_C -> $I_OSSL_S" \
  "TLS 1.2; server sends only its leaf (no intermediate), client trusts only the root."; then
  conn failed certificate-chain-incomplete $C "TLS 1.2"
  osrv -cert "$PKI/server.pem" -key "$PKI/server.key" -tls1_2
  ocli_std
  end
fi

if begin captures/tls13-chain-incomplete-openssl.pcap "$I_OSSL_C -> $I_OSSL_S" \
  "TLS 1.3; server sends only its leaf, client trusts only the root."; then
  conn failed certificate-chain-incomplete $C "TLS 1.3"
  osrv -cert "$PKI/server.pem" -key "$PKI/server.key"
  ocli_std
  end
fi

if begin captures/tls12-chain-incomplete-gnutls.pcap "$I_GNUTLS_C -> $I_GNUTLS_S" \
  "TLS 1.2; gnutls-serv sends only its leaf, gnutls-cli trusts only the root. GnuTLS answers with bad_certificate (42), not unknown_ca."; then
  conn failed certificate-chain-incomplete $C "TLS 1.2"
  gsrv --x509certfile "$PKI/server.pem" --x509keyfile "$PKI/server.key" --priority NORMAL:-VERS-ALL:+VERS-TLS1.2
  gcli_std
  end
fi

if begin captures/tls13-chain-incomplete-python.pcap "$I_PY -> $I_OSSL_S" \
  "TLS 1.3; Python client trusting only the root, openssl s_server sends only its leaf."; then
  conn failed certificate-chain-incomplete $C "TLS 1.3"
  osrv -cert "$PKI/server.pem" -key "$PKI/server.key"
  pcli --servername server.test --cafile "$ROOT"
  end
fi

# ================================================================ certificate-chain-invalid
if begin captures/tls12-chain-wrong-intermediate-openssl.pcap "$I_OSSL_C -> $I_OSSL_S" \
  "TLS 1.2; server sends its leaf with a wrong intermediate: same subject name as the real issuer, another key (and no subjectKeyIdentifier), so the leaf's signature does not verify. OpenSSL reports X509_V_ERR_CERT_SIGNATURE_FAILURE and sends decrypt_error (51)."; then
  conn failed certificate-chain-invalid $C "TLS 1.2"
  osrv -cert "$PKI/server.pem" -key "$PKI/server.key" -cert_chain "$PKI/inter-wrongkey.pem" -tls1_2
  ocli_std
  end
fi

if begin captures/tls13-chain-wrong-intermediate-gnutls.pcap "$I_GNUTLS_C -> $I_OSSL_S" \
  "TLS 1.3; openssl s_server sends its leaf with the wrong-key intermediate, gnutls-cli rejects it: its alert (bad_certificate, per the server's log) is encrypted under the handshake keys."; then
  conn failed certificate-chain-invalid $C "TLS 1.3" "encryptedAlertCode=42;encryptedAlertSource=server log: sslv3 alert bad certificate"
  osrv -cert "$PKI/server.pem" -key "$PKI/server.key" -cert_chain "$PKI/inter-wrongkey.pem"
  gcli_std
  end
fi

# ================================================================ certificate-expired
if begin captures/tls12-expired-openssl.pcap "$I_OSSL_C -> $I_OSSL_S" \
  "TLS 1.2; server certificate valid 2020-01-01..2021-01-01."; then
  conn failed certificate-expired $C "TLS 1.2"
  osrv_chain expired -tls1_2
  ocli_std
  end
fi

if begin captures/tls13-expired-openssl.pcap "$I_OSSL_C -> $I_OSSL_S" \
  "TLS 1.3; server certificate valid 2020-01-01..2021-01-01."; then
  conn failed certificate-expired $C "TLS 1.3"
  osrv_chain expired
  ocli_std
  end
fi

if begin captures/tls13-expired-gnutls.pcap "$I_GNUTLS_C -> $I_GNUTLS_S" \
  "TLS 1.3; gnutls-cli, server certificate expired 2021-01-01. gnutls-cli's alert is encrypted."; then
  conn failed certificate-expired $C "TLS 1.3"
  gsrv_chain expired
  gcli_std
  end
fi

if begin captures/tls12-expired-node.pcap "$I_NODE -> $I_OSSL_S" \
  "TLS 1.2; Node client (rejectUnauthorized default), server certificate expired 2021-01-01. Node lets OpenSSL finish the handshake (the client's Finished goes out, the server's comes back), then its JavaScript check of the verify result rejects the certificate and it closes with a bare FIN, no alert; the server's close_notify is answered with RST."; then
  conn failed certificate-expired $C "TLS 1.2"
  osrv_chain expired -tls1_2
  ncli "$(j servername=server.test ca="$ROOT")"
  end
fi

if begin captures/tls13-expired-curl.pcap "$I_CURL -> $I_OSSL_S" \
  "TLS 1.3; curl https://server.test to an openssl s_server whose certificate expired 2021-01-01. curl (OpenSSL) sends certificate_expired in clear, then RST."; then
  conn failed certificate-expired $C "TLS 1.3"
  osrv_chain expired
  ccli_std
  end
fi

# ================================================================ certificate-not-yet-valid
if begin captures/tls12-not-yet-valid-openssl.pcap "$I_OSSL_C -> $I_OSSL_S" \
  "TLS 1.2; server certificate valid 2040-01-01..2041-01-01. OpenSSL sends bad_certificate (42) for X509_V_ERR_CERT_NOT_YET_VALID."; then
  conn failed certificate-not-yet-valid $C "TLS 1.2"
  osrv_chain notyet -tls1_2
  ocli_std
  end
fi

if begin captures/tls13-not-yet-valid-gnutls.pcap "$I_GNUTLS_C -> $I_GNUTLS_S" \
  "TLS 1.3; gnutls-cli, server certificate valid from 2040-01-01. The client's alert is encrypted."; then
  conn failed certificate-not-yet-valid $C "TLS 1.3"
  gsrv_chain notyet
  gcli_std
  end
fi

# ================================================================ certificate-untrusted
if begin captures/tls12-self-signed-openssl.pcap "$I_OSSL_C -> $I_OSSL_S" \
  "TLS 1.2; server sends a self-signed certificate for server.test, client trusts only the sample root."; then
  conn failed certificate-untrusted $C "TLS 1.2"
  osrv -cert "$PKI/selfsigned.pem" -key "$PKI/selfsigned.key" -tls1_2
  ocli_std
  end
fi

if begin captures/tls13-self-signed-gnutls.pcap "$I_GNUTLS_C -> $I_GNUTLS_S" \
  "TLS 1.3; gnutls-serv sends a self-signed certificate, gnutls-cli trusts only the sample root. The client's alert is encrypted."; then
  conn failed certificate-untrusted $C "TLS 1.3"
  gsrv --x509certfile "$PKI/selfsigned.pem" --x509keyfile "$PKI/selfsigned.key"
  gcli_std
  end
fi

if begin captures/tls13-private-ca-openssl.pcap "$I_OSSL_C -> $I_OSSL_S" \
  "TLS 1.3; server certificate issued by the untrusted sample root (server sends leaf + that root), client trusts only the sample root."; then
  conn failed certificate-untrusted $C "TLS 1.3"
  osrv -cert "$PKI/untrusted.pem" -key "$PKI/untrusted.key" -cert_chain "$PKI/untrusted-root.pem"
  ocli_std
  end
fi

if begin captures/tls13-private-ca-curl-system-trust.pcap "$I_CURL -> $I_OSSL_S" \
  "TLS 1.3; curl with the system trust store (no --cacert) to a server whose chain ends at the private sample root. curl (OpenSSL) sends unknown_ca in clear."; then
  conn failed certificate-untrusted $C "TLS 1.3"
  osrv_chain server
  ccli --resolve server.test:443:127.0.0.1 https://server.test/hello.txt
  end
fi

if begin captures/tls12-private-ca-python.pcap "$I_PY -> $I_PY" \
  "TLS 1.2; Python client with default (system) trust, Python server whose chain ends at the private sample root."; then
  conn failed certificate-untrusted $C "TLS 1.2"
  psrv --cert "$PKI/server-chain.pem" --key "$PKI/server.key" --max 1.2
  pcli --servername server.test
  end
fi

# ================================================================ sni-required
if begin captures/tls13-sni-required-nginx-openssl.pcap "$I_OSSL_C -> $I_NGINX" \
  "nginx whose default server has ssl_reject_handshake on; openssl s_client -noservername: nginx answers unrecognized_name (112)."; then
  conn failed sni-required $S null
  ngsrv
  ocli -noservername "${TRUST[@]}"
  end
fi

if begin captures/tls12-sni-required-nginx-curl.pcap "$I_CURL -> $I_NGINX" \
  "nginx with ssl_reject_handshake in the default server; curl https://127.0.0.1/ (curl sends no SNI for an IP address), --tls-max 1.2."; then
  conn failed sni-required $S null
  ngsrv
  ccli --cacert "$ROOT" --tls-max 1.2 https://127.0.0.1/
  end
fi

if begin captures/tls13-sni-required-python.pcap "$I_OSSL_C -> $I_PY" \
  "Python ssl server whose sni_callback returns unrecognized_name when the ClientHello has no server_name; openssl s_client -noservername."; then
  conn failed sni-required $S null
  psrv --cert "$PKI/server-chain.pem" --key "$PKI/server.key" --sni-required
  ocli -noservername "${TRUST[@]}"
  end
fi

if begin captures/tls12-sni-required-node.pcap "$I_NODE -> $I_NODE" \
  "Node tls server with certificates only behind SNICallback (no default certificate); Node client connects to 127.0.0.1 without servername (Node sends no SNI for an IP), TLS 1.2. With no certificate to use, OpenSSL in the server answers handshake_failure (40)."; then
  conn failed sni-required $S null
  nsrv "$(j sniOnly="{\"names\":[\"server.test\"],\"cert\":\"$PKI/server-chain.pem\",\"key\":\"$PKI/server.key\"}")"
  ncli "$(j ca="$ROOT" maxVersion=TLSv1.2)"
  end
fi

# ================================================================ client-certificate-missing
if begin captures/tls12-client-cert-missing-openssl.pcap "$I_OSSL_C -> $I_OSSL_S" \
  "TLS 1.2; server -Verify 1 requires a client certificate, the client answers the CertificateRequest with an empty Certificate."; then
  conn failed client-certificate-missing $S "TLS 1.2"
  osrv_chain server -tls1_2 -Verify 1 -verify_return_error -CAfile "$ROOT"
  ocli_std
  end
fi

if begin captures/tls13-client-cert-missing-openssl.pcap "$I_OSSL_C -> $I_OSSL_S" \
  "TLS 1.3; server -Verify 1, the client sends an empty Certificate (encrypted); the server's alert (certificate_required (116), per the client's log) is encrypted."; then
  conn failed client-certificate-missing $S "TLS 1.3" "encryptedAlertCode=116;encryptedAlertSource=client log: tlsv13 alert certificate required"
  osrv_chain server -Verify 1 -verify_return_error -CAfile "$ROOT"
  ocli_std
  end
fi

if begin captures/tls13-client-cert-missing-gnutls.pcap "$I_GNUTLS_C -> $I_GNUTLS_S" \
  "TLS 1.3; gnutls-serv --require-client-cert --verify-client-cert, gnutls-cli has no certificate; the server's alert (certificate_required (116), per the client's log) is encrypted."; then
  conn failed client-certificate-missing $S "TLS 1.3" "encryptedAlertCode=116;encryptedAlertSource=client log: Received alert [116]"
  gsrv_chain server --require-client-cert --verify-client-cert --x509cafile "$ROOT"
  gcli_std
  end
fi

if begin captures/tls12-client-cert-missing-gnutls.pcap "$I_GNUTLS_C -> $I_GNUTLS_S" \
  "TLS 1.2; gnutls-serv --require-client-cert --verify-client-cert, gnutls-cli answers the CertificateRequest with an empty Certificate. gnutls-serv logs 'No certificate was found' and sends decode_error (50), not handshake_failure."; then
  conn failed client-certificate-missing $S "TLS 1.2"
  gsrv_chain server --require-client-cert --verify-client-cert --x509cafile "$ROOT" --priority NORMAL:-VERS-ALL:+VERS-TLS1.2
  gcli_std
  end
fi

if begin captures/tls12-client-cert-missing-node.pcap "$I_NODE -> $I_NODE" \
  "TLS 1.2; Node server requestCert + rejectUnauthorized, Node client without certificate."; then
  conn failed client-certificate-missing $S "TLS 1.2"
  nsrv "$(j "${NODE_SERVER[@]}" ca="$ROOT" requestCert=true maxVersion=TLSv1.2)"
  ncli "$(j servername=server.test ca="$ROOT")"
  end
fi

if begin captures/tls13-client-cert-missing-node.pcap "$I_NODE -> $I_NODE" \
  "TLS 1.3; Node server requestCert + rejectUnauthorized, Node client without certificate; OpenSSL in the server aborts with an encrypted certificate_required (116) (per the client's log)."; then
  conn failed client-certificate-missing $S "TLS 1.3" "encryptedAlertCode=116;encryptedAlertSource=client log: ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED"
  nsrv "$(j "${NODE_SERVER[@]}" ca="$ROOT" requestCert=true)"
  ncli "$(j servername=server.test ca="$ROOT")"
  end
fi

# ================================================================ client-certificate-rejected
if begin captures/tls12-client-cert-untrusted-openssl.pcap "$I_OSSL_C -> $I_OSSL_S" \
  "TLS 1.2; the client sends a certificate from a CA the server does not trust."; then
  conn failed client-certificate-rejected $S "TLS 1.2"
  osrv_chain server -tls1_2 -Verify 1 -verify_return_error -CAfile "$ROOT"
  ocli_std -cert "$PKI/client-untrusted.pem" -key "$PKI/client-untrusted.key"
  end
fi

if begin captures/tls13-client-cert-untrusted-openssl.pcap "$I_OSSL_C -> $I_OSSL_S" \
  "TLS 1.3; the client sends a certificate from an untrusted CA; the client has sent Finished and its request and believes the handshake complete; the server's alert (unknown_ca (48), per the client's log) is encrypted."; then
  conn failed client-certificate-rejected $S "TLS 1.3" "encryptedAlertCode=48;encryptedAlertSource=client log: tlsv1 alert unknown ca"
  osrv_chain server -Verify 1 -verify_return_error -CAfile "$ROOT"
  ocli_std -cert "$PKI/client-untrusted.pem" -key "$PKI/client-untrusted.key"
  end
fi

if begin captures/tls12-client-cert-expired-openssl.pcap "$I_OSSL_C -> $I_OSSL_S" \
  "TLS 1.2; the client sends a certificate that expired 2021-01-01 (with its intermediate)."; then
  conn failed client-certificate-rejected $S "TLS 1.2"
  osrv_chain server -tls1_2 -Verify 1 -verify_return_error -CAfile "$ROOT"
  ocli_std -cert "$PKI/client-expired.pem" -key "$PKI/client-expired.key" -cert_chain "$PKI/inter.pem"
  end
fi

if begin captures/tls13-client-cert-expired-gnutls.pcap "$I_GNUTLS_C -> $I_GNUTLS_S" \
  "TLS 1.3; gnutls-serv --require-client-cert --verify-client-cert, gnutls-cli sends a certificate that expired 2021-01-01; the client has sent Finished and its first data, then the server's encrypted alert (access_denied (49), per the client's log) arrives."; then
  conn failed client-certificate-rejected $S "TLS 1.3" "encryptedAlertCode=49;encryptedAlertSource=client log: Received alert [49]: Access was denied"
  gsrv_chain server --require-client-cert --verify-client-cert --x509cafile "$ROOT"
  gcli_std --x509certfile "$PKI/client-expired-chain.pem" --x509keyfile "$PKI/client-expired.key"
  end
fi

if begin captures/tls13-client-cert-untrusted-node.pcap "$I_NODE -> $I_NODE" \
  "TLS 1.3; Node server requestCert + rejectUnauthorized, Node client sends a certificate from an untrusted CA. Node's server lets OpenSSL complete the handshake and rejects in JavaScript: it closes with a bare FIN, no alert; the client, believing the handshake done, sends its request and gets an RST."; then
  conn failed client-certificate-rejected $S "TLS 1.3"
  nsrv "$(j "${NODE_SERVER[@]}" ca="$ROOT" requestCert=true)"
  ncli "$(j servername=server.test ca="$ROOT" cert="$PKI/client-untrusted.pem" key="$PKI/client-untrusted.key")"
  end
fi

# ================================================================ not-tls
if begin captures/tls-client-to-http-server-openssl.pcap "$I_OSSL_C -> python http.server" \
  "openssl s_client sends a ClientHello to a plain HTTP server (python3 -m http.server), which answers with an HTTP/1.0 400 page in clear text and closes; s_client sends no alert (wrong version number), just FIN."; then
  conn not-tls not-tls $S null
  srv 443 python3 -m http.server --bind 127.0.0.1 443 --directory "$WORK/www"
  ocli_std
  end
fi

if begin captures/tls-client-to-http-server-curl.pcap "$I_CURL -> python http.server" \
  "curl https:// to a plain HTTP server on port 443: the server answers the ClientHello with an HTTP/1.0 400 page and FIN; curl closes with RST, no alert."; then
  conn not-tls not-tls $S null
  srv 443 python3 -m http.server --bind 127.0.0.1 443 --directory "$WORK/www"
  ccli_std
  end
fi

if begin captures/http-client-to-tls-server-openssl.pcap "curl $V_CURL (http://) -> $I_OSSL_S" \
  "curl http:// (plain GET) to an openssl s_server TLS port: the server reads the request where a record header should be and closes with FIN, no alert and no answer."; then
  conn not-tls not-tls $S null
  osrv_chain server
  ccli http://127.0.0.1:443/hello.txt
  end
fi

if begin captures/http-client-to-tls-server-nginx.pcap "curl $V_CURL (http://) -> $I_NGINX" \
  "curl http:// to nginx's TLS port: nginx answers in clear text '400 The plain HTTP request was sent to HTTPS port'."; then
  conn not-tls not-tls $S null
  ngsrv
  ccli http://127.0.0.1:443/
  end
fi

# ================================================================ connection-reset
if begin captures/tls13-reset-after-clienthello-openssl.pcap "$I_OSSL_C -> tools/cut_after_hello.py (rst)" \
  "A TCP server reads the ClientHello and closes with SO_LINGER 0: RST, no alert."; then
  conn failed connection-reset $S null
  srv 443 python3 "$TOOLS/cut_after_hello.py" --mode rst
  ocli_std
  end
fi

if begin captures/tls12-reset-after-clienthello-curl.pcap "$I_CURL -> tools/cut_after_hello.py (rst)" \
  "curl (--tls-max 1.2) to a TCP server that reads the ClientHello and resets."; then
  conn failed connection-reset $S null
  srv 443 python3 "$TOOLS/cut_after_hello.py" --mode rst
  ccli_std --tls-max 1.2
  end
fi

if begin captures/tls13-fin-after-clienthello-gnutls.pcap "$I_GNUTLS_C -> tools/cut_after_hello.py (fin)" \
  "gnutls-cli to a TCP server that reads the ClientHello and closes normally (FIN), no alert. gnutls-cli answers the FIN with a clear unexpected_message alert and gets an RST: that alert is a reaction to the close, not its cause."; then
  conn failed connection-reset $S null
  srv 443 python3 "$TOOLS/cut_after_hello.py" --mode fin
  gcli_std
  end
fi

# ================================================================ incomplete-capture
if begin captures/tls12-capture-starts-after-clienthello.pcap "$I_OSSL_C -> $I_OSSL_S" \
  "The TLS 1.2 cipher-suite-mismatch scenario, with the capture starting after the ClientHello (the handshake's first frames removed with editcap -r): only the server's handshake_failure alert and the close are left; without the ClientHello nothing tells why." cut=after-clienthello; then
  conn failed incomplete-capture $S null "underlyingCause=cipher-suite-mismatch"
  osrv_chain server -tls1_2 -cipher ECDHE-RSA-AES256-GCM-SHA384
  ocli_std -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256
  end
fi

if begin captures/tls12-snaplen-100-expired.pcap "$I_OSSL_C -> $I_OSSL_S" \
  "The TLS 1.2 expired-certificate scenario captured with tcpdump -s 100: hellos and Certificate are cut after 100 bytes per frame, the short alert frame is whole." snaplen=100; then
  conn failed incomplete-capture $C "TLS 1.2" "underlyingCause=certificate-expired"
  osrv_chain expired -tls1_2
  ocli_std
  end
fi

# ================================================================ mixed.pcap
if begin mixed.pcap "$I_OSSL_C, $I_CURL -> $I_NGINX, $I_OSSL_S, python http.server" \
  "One namespace, five servers, nine connections in this order: curl to nginx OK (TLS 1.3); s_client without SNI to nginx (unrecognized_name); s_client with a cipher the 8443 server lacks; s_client to 8443 OK (TLS 1.2); curl to 4433 (expired, certificate_expired in clear); s_client with a client certificate to 9443 OK; s_client without one to 9443 (encrypted certificate_required); s_client to the HTTP server on 8080; s_client TLS 1.1 to 8443 (protocol_version). Servers: nginx (443, SNI required), s_server TLS 1.2 with one cipher (8443), s_server with an expired certificate (4433), s_server requiring client certificates (9443), python http.server (8080)."; then
  conn established none null "TLS 1.3"
  conn failed sni-required $S null
  conn failed cipher-suite-mismatch $S null
  conn established none null "TLS 1.2"
  conn failed certificate-expired $C "TLS 1.3"
  conn established none null "TLS 1.3" "clientCertificate=true"
  conn failed client-certificate-missing $S "TLS 1.3" "encryptedAlertCode=116;encryptedAlertSource=client log: tlsv13 alert certificate required"
  conn not-tls not-tls $S null
  conn failed protocol-version-mismatch $S null
  ngsrv
  srv 8443 openssl s_server -accept 8443 -WWW -cert "$PKI/server.pem" -key "$PKI/server.key" -cert_chain "$PKI/inter.pem" -tls1_2 -cipher ECDHE-RSA-AES256-GCM-SHA384
  srv 4433 openssl s_server -accept 4433 -WWW -cert "$PKI/expired.pem" -key "$PKI/expired.key" -cert_chain "$PKI/inter.pem"
  srv 9443 openssl s_server -accept 9443 -WWW -cert "$PKI/server.pem" -key "$PKI/server.key" -cert_chain "$PKI/inter.pem" -Verify 1 -verify_return_error -CAfile "$ROOT"
  srv 8080 python3 -m http.server --bind 127.0.0.1 8080 --directory "$WORK/www"
  ccli_std
  ocli -noservername "${TRUST[@]}"
  cli --stdin "$REQ" openssl s_client -connect 127.0.0.1:8443 -ign_eof -servername server.test "${TRUST[@]}" -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256
  cli --stdin "$REQ" openssl s_client -connect 127.0.0.1:8443 -ign_eof -servername server.test "${TRUST[@]}" -tls1_2
  ccli --resolve server.test:4433:127.0.0.1 --cacert "$ROOT" https://server.test:4433/hello.txt
  cli --stdin "$REQ" openssl s_client -connect 127.0.0.1:9443 -ign_eof -servername server.test "${TRUST[@]}" -cert "$PKI/client.pem" -key "$PKI/client.key" -cert_chain "$PKI/inter.pem"
  cli --stdin "$REQ" openssl s_client -connect 127.0.0.1:9443 -ign_eof -servername server.test "${TRUST[@]}"
  cli --stdin "$REQ" openssl s_client -connect 127.0.0.1:8080 -ign_eof -servername server.test "${TRUST[@]}"
  cli --stdin "$REQ" openssl s_client -connect 127.0.0.1:8443 -ign_eof -servername server.test "${TRUST[@]}" -tls1_1 -cipher "$SEC0"
  end
fi
