import {
  IANA_ALERT_DESCRIPTIONS,
  IANA_EXTENSION_TYPES,
  IANA_SIGNATURE_SCHEMES,
  IANA_SUPPORTED_GROUPS,
  alertDescriptionName,
  alertLevelName,
  contentTypeName,
  extensionName,
  groupName,
  handshakeTypeName,
  reportVersion,
  signatureSchemeName,
  versionName,
} from '../../../src/tls/registry/index.js';

describe('versionName / reportVersion', () => {
  it('names the wire versions', () => {
    expect(versionName(0x0002)).toBe('SSL 2.0');
    expect(versionName(0x0300)).toBe('SSL 3.0');
    expect(versionName(0x0301)).toBe('TLS 1.0');
    expect(versionName(0x0302)).toBe('TLS 1.1');
    expect(versionName(0x0303)).toBe('TLS 1.2');
    expect(versionName(0x0304)).toBe('TLS 1.3');
    expect(versionName(0x7f1c)).toBe('TLS 1.3 (draft 28)');
    expect(versionName(0x7f12)).toBe('TLS 1.3 (draft 18)');
    expect(versionName(0xfb1a)).toBe('TLS 1.3 (Facebook draft 26)');
    expect(versionName(0xfeff)).toBe('DTLS 1.0');
    expect(versionName(0xfefd)).toBe('DTLS 1.2');
    expect(versionName(0xfefc)).toBe('DTLS 1.3');
    expect(versionName(0x0100)).toBe('DTLS 1.0 (OpenSSL pre-RFC)');
    expect(versionName(0x1234)).toBe('0x1234');
    expect(versionName(0x0305)).toBe('0x0305');
  });

  it('maps negotiated versions onto the report enum, TLS 1.3 drafts included', () => {
    expect(reportVersion(0x0300)).toBe('SSL 3.0');
    expect(reportVersion(0x0301)).toBe('TLS 1.0');
    expect(reportVersion(0x0302)).toBe('TLS 1.1');
    expect(reportVersion(0x0303)).toBe('TLS 1.2');
    expect(reportVersion(0x0304)).toBe('TLS 1.3');
    expect(reportVersion(0x7f17)).toBe('TLS 1.3');
    expect(reportVersion(0x7f1c)).toBe('TLS 1.3');
    expect(reportVersion(0xfb17)).toBe('TLS 1.3');
    for (const c of [0x0002, 0xfeff, 0xfefd, 0x0a0a, 0x7f00, 0x7f1d, 0x0305, 0x0000]) expect([c, reportVersion(c)]).toEqual([c, null]);
  });
});

describe('alerts (RFC 8446 §6)', () => {
  it('names the descriptions', () => {
    expect(alertDescriptionName(0)).toBe('close_notify');
    expect(alertDescriptionName(40)).toBe('handshake_failure');
    expect(alertDescriptionName(42)).toBe('bad_certificate');
    expect(alertDescriptionName(46)).toBe('certificate_unknown');
    expect(alertDescriptionName(48)).toBe('unknown_ca');
    expect(alertDescriptionName(70)).toBe('protocol_version');
    expect(alertDescriptionName(112)).toBe('unrecognized_name');
    expect(alertDescriptionName(116)).toBe('certificate_required');
    expect(alertDescriptionName(120)).toBe('no_application_protocol');
    expect(alertDescriptionName(121)).toBe('ech_required');
    // Retired by TLS 1.3 (IANA "_RESERVED") but still sent by older stacks: named without the suffix.
    expect(alertDescriptionName(41)).toBe('no_certificate');
    expect(alertDescriptionName(100)).toBe('no_renegotiation');
    expect(Object.keys(IANA_ALERT_DESCRIPTIONS)).toHaveLength(37);
  });

  it('returns null for unassigned descriptions', () => {
    for (const c of [2, 11, 53, 99, 122, 255, 256, -1]) expect(alertDescriptionName(c)).toBeNull();
  });

  it('names the two levels only', () => {
    expect(alertLevelName(1)).toBe('warning');
    expect(alertLevelName(2)).toBe('fatal');
    for (const l of [0, 3, 255]) expect(alertLevelName(l)).toBeNull();
  });
});

describe('extensionName', () => {
  it('names IANA extensions', () => {
    expect(extensionName(0)).toBe('server_name');
    expect(extensionName(10)).toBe('supported_groups');
    expect(extensionName(13)).toBe('signature_algorithms');
    expect(extensionName(16)).toBe('application_layer_protocol_negotiation');
    expect(extensionName(21)).toBe('padding');
    expect(extensionName(43)).toBe('supported_versions');
    expect(extensionName(51)).toBe('key_share');
    expect(extensionName(0xfd00)).toBe('ech_outer_extensions');
    expect(extensionName(0xfe0d)).toBe('encrypted_client_hello');
    expect(extensionName(0xff01)).toBe('renegotiation_info');
    expect(Object.keys(IANA_EXTENSION_TYPES)).toHaveLength(64);
  });

  it('names the unregistered extensions browsers send', () => {
    expect(extensionName(0x4469)).toBe('application_settings');
    expect(extensionName(0x44cd)).toBe('application_settings');
    expect(extensionName(0x3374)).toBe('next_protocol_negotiation');
    expect(extensionName(0x7550)).toBe('channel_id');
  });

  it('shows unassigned values as hex', () => {
    expect(extensionName(0xfe0e)).toBe('0xfe0e');
    expect(extensionName(63)).toBe('0x003f');
  });
});

describe('groupName', () => {
  it('names IANA groups, ML-KEM hybrids included', () => {
    expect(groupName(23)).toBe('secp256r1');
    expect(groupName(24)).toBe('secp384r1');
    expect(groupName(29)).toBe('x25519');
    expect(groupName(30)).toBe('x448');
    expect(groupName(256)).toBe('ffdhe2048');
    expect(groupName(0x0201)).toBe('MLKEM768');
    expect(groupName(0x11eb)).toBe('SecP256r1MLKEM768');
    expect(groupName(0x11ec)).toBe('X25519MLKEM768');
    expect(groupName(0x11ed)).toBe('SecP384r1MLKEM1024');
    expect(groupName(0x6399)).toBe('X25519Kyber768Draft00 (OBSOLETE)');
    expect(groupName(0xff01)).toBe('arbitrary_explicit_prime_curves');
    expect(Object.keys(IANA_SUPPORTED_GROUPS)).toHaveLength(56);
  });

  it('shows unassigned values as hex', () => {
    expect(groupName(0x0000)).toBe('0x0000');
    expect(groupName(42)).toBe('0x002a');
  });
});

describe('signatureSchemeName', () => {
  it('names TLS 1.3 SignatureSchemes (RFC 8446 §4.2.3)', () => {
    expect(signatureSchemeName(0x0401)).toBe('rsa_pkcs1_sha256');
    expect(signatureSchemeName(0x0403)).toBe('ecdsa_secp256r1_sha256');
    expect(signatureSchemeName(0x0804)).toBe('rsa_pss_rsae_sha256');
    expect(signatureSchemeName(0x0807)).toBe('ed25519');
    expect(signatureSchemeName(0x080b)).toBe('rsa_pss_pss_sha512');
    expect(signatureSchemeName(0x0905)).toBe('mldsa65');
    expect(Object.keys(IANA_SIGNATURE_SCHEMES)).toHaveLength(37);
  });

  it('names TLS 1.2 hash/signature pairs from the HashAlgorithm and SignatureAlgorithm registries', () => {
    expect(signatureSchemeName(0x0201)).toBe('rsa_pkcs1_sha1');
    expect(signatureSchemeName(0x0203)).toBe('ecdsa_sha1');
    expect(signatureSchemeName(0x0101)).toBe('rsa_pkcs1_md5');
    expect(signatureSchemeName(0x0202)).toBe('dsa_sha1');
    expect(signatureSchemeName(0x0402)).toBe('dsa_sha256');
    expect(signatureSchemeName(0x0301)).toBe('rsa_pkcs1_sha224');
    expect(signatureSchemeName(0x0840)).toBe('gostr34102012_256');
  });

  it('shows unassigned values as hex', () => {
    expect(signatureSchemeName(0x0a04)).toBe('0x0a04');
    expect(signatureSchemeName(0x0709 - 0x0100)).toBe('0x0609');
  });
});

describe('handshakeTypeName / contentTypeName', () => {
  it('names handshake types from client_hello to message_hash', () => {
    expect(handshakeTypeName(1)).toBe('client_hello');
    expect(handshakeTypeName(2)).toBe('server_hello');
    expect(handshakeTypeName(4)).toBe('new_session_ticket');
    expect(handshakeTypeName(8)).toBe('encrypted_extensions');
    expect(handshakeTypeName(11)).toBe('certificate');
    expect(handshakeTypeName(12)).toBe('server_key_exchange');
    expect(handshakeTypeName(13)).toBe('certificate_request');
    expect(handshakeTypeName(14)).toBe('server_hello_done');
    expect(handshakeTypeName(16)).toBe('client_key_exchange');
    expect(handshakeTypeName(20)).toBe('finished');
    expect(handshakeTypeName(24)).toBe('key_update');
    expect(handshakeTypeName(254)).toBe('message_hash');
    expect(handshakeTypeName(7)).toBe('0x07');
    expect(handshakeTypeName(255)).toBe('0xff');
  });

  it('names record content types', () => {
    expect(contentTypeName(20)).toBe('change_cipher_spec');
    expect(contentTypeName(21)).toBe('alert');
    expect(contentTypeName(22)).toBe('handshake');
    expect(contentTypeName(23)).toBe('application_data');
    expect(contentTypeName(24)).toBe('heartbeat');
    expect(contentTypeName(25)).toBe('tls12_cid');
    expect(contentTypeName(26)).toBe('ACK');
    expect(contentTypeName(0)).toBe('0x00');
    expect(contentTypeName(0x80)).toBe('0x80');
  });
});
