import { isServerPort, roleFromPayload, serverByPorts } from '../../src/tcp/role-detection.js';

const at = (bytes: number[], offset = 0): [Uint8Array, number, number] => {
  const buf = new Uint8Array(offset + bytes.length).fill(0xee);
  buf.set(bytes, offset);
  return [buf, offset, bytes.length];
};

describe('roleFromPayload', () => {
  test('a TLS ClientHello record marks the client, a ServerHello the server', () => {
    expect(roleFromPayload(...at([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc], 7))).toBe('client');
    expect(roleFromPayload(...at([0x16, 0x03, 0x03, 0x00, 0x5a, 0x02, 0x00]))).toBe('server');
  });

  test('other records and other protocols say nothing', () => {
    expect(roleFromPayload(...at([0x16, 0x03, 0x03, 0x00, 0x05, 0x0b]))).toBeNull(); // Certificate
    expect(roleFromPayload(...at([0x17, 0x03, 0x03, 0x00, 0x05, 0x01]))).toBeNull(); // application data
    expect(roleFromPayload(...at([0x16, 0x03, 0x09, 0x00, 0x05, 0x01]))).toBeNull(); // no such version
    expect(roleFromPayload(...at(Array.from(Buffer.from('GET / HTTP/1.1'))))).toBeNull();
    expect(roleFromPayload(...at([0x16, 0x03, 0x01, 0x00, 0x05]))).toBeNull(); // too short to tell
  });

  test('an SSLv2 CLIENT-HELLO (also the SSLv3/TLS-compatible one) marks the client', () => {
    expect(roleFromPayload(...at([0x80, 0x2e, 0x01, 0x00, 0x02, 0x00, 0x15]))).toBe('client');
    expect(roleFromPayload(...at([0x80, 0x4c, 0x01, 0x03, 0x01, 0x00, 0x33]))).toBe('client');
    expect(roleFromPayload(...at([0x80, 0x4c, 0x04, 0x00, 0x02, 0x00, 0x33]))).toBeNull(); // SERVER-HELLO is type 4
  });
});

describe('serverByPorts', () => {
  test('a system or common TLS port is the server when the other is not', () => {
    expect(serverByPorts(51234, 443)).toBe('b');
    expect(serverByPorts(8443, 51234)).toBe('a');
    expect(serverByPorts(5223, 60000)).toBe('a');
    expect(isServerPort(993) && isServerPort(636) && isServerPort(853) && !isServerPort(50000)).toBe(true);
  });

  test('otherwise the lower port is the server', () => {
    expect(serverByPorts(40000, 30000)).toBe('b');
    expect(serverByPorts(443, 80)).toBe('b');
    expect(serverByPorts(7000, 7000)).toBe('b');
  });
});
