/**
 * Cross-check against the local OpenSSL: for every suite `openssl ciphers` lists, its standard
 * (RFC) name is our IANA name, its OpenSSL name is the one we give, and our parse of the name agrees
 * with OpenSSL's own Au= and TLS 1.3 classification.
 */
import { execFileSync } from 'node:child_process';
import { cipherSuiteInfo, cipherSuiteName, cipherSuiteOpenSslName } from '../../../src/tls/registry/index.js';

const TLS13 = 'TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_CCM_SHA256:TLS_AES_128_CCM_8_SHA256';

function opensslCiphers(): string[] | null {
  try {
    const out = execFileSync('openssl', ['ciphers', '-V', '-stdname', '-ciphersuites', TLS13, 'ALL:COMPLEMENTOFALL:@SECLEVEL=0'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return out.split('\n').filter((l) => l.trim() !== '');
  } catch {
    return null;
  }
}

const lines = opensslCiphers();
const d = lines ? describe : describe.skip;
if (!lines) console.warn('openssl not installed: skipping the OpenSSL cipher name cross-check');

interface OpenSslSuite {
  code: number;
  standardName: string;
  openSslName: string;
  protocol: string;
  au: string;
}

function parse(line: string): OpenSslSuite {
  const m = /^\s*0x([0-9A-F]{2}),0x([0-9A-F]{2}) - (\S+)\s+- (\S+)\s+(\S+)\s+Kx=\S+\s+Au=(\S+)/.exec(line);
  if (!m) throw new Error(`unexpected openssl output: ${line}`);
  return { code: parseInt(m[1]! + m[2]!, 16), standardName: m[3]!, openSslName: m[4]!, protocol: m[5]!, au: m[6]! };
}

d('agreement with the local OpenSSL', () => {
  const suites = (lines ?? []).map(parse);

  it('lists enough suites to be a meaningful check', () => {
    expect(suites.length).toBeGreaterThan(50);
  });

  it("gives each suite OpenSSL's standard name as its IANA name", () => {
    const wrong = suites.filter((s) => cipherSuiteName(s.code) !== s.standardName);
    expect(wrong.map((s) => s.standardName)).toEqual([]);
  });

  it("gives each suite the OpenSSL name OpenSSL uses", () => {
    const wrong = suites.filter((s) => cipherSuiteOpenSslName(s.code) !== s.openSslName);
    expect(wrong.map((s) => `${s.openSslName} -> ${cipherSuiteOpenSslName(s.code)}`)).toEqual([]);
  });

  it("agrees with OpenSSL's authentication and TLS 1.3 classification", () => {
    const au: Record<string, string> = { RSA: 'RSA', ECDSA: 'ECDSA', DSS: 'DSS', PSK: 'PSK', SRP: 'SRP', None: 'anon', any: 'any' };
    for (const s of suites) {
      const info = cipherSuiteInfo(s.code);
      expect(info).not.toBeNull();
      expect([s.standardName, info!.tls13]).toEqual([s.standardName, s.protocol === 'TLSv1.3']);
      expect([s.standardName, info!.authentication]).toEqual([s.standardName, au[s.au] ?? s.au]);
    }
  });
});
