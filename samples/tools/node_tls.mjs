// TLS server and client on Node's tls module, for the sample captures.
// Usage: node node_tls.mjs server|client '<json options>'
//   server options: port, host, cert, key, ca, requestCert, minVersion, maxVersion, ciphers,
//                   sniOnly (no default certificate: only names in sniOnly.names get one)
//   client options: port, host, servername, ca, cert, key, minVersion, maxVersion, ciphers
import fs from 'node:fs';
import tls from 'node:tls';

const [mode, json] = process.argv.slice(2);
const opts = JSON.parse(json ?? '{}');
const read = (file) => (file ? fs.readFileSync(file) : undefined);

function tlsOptions() {
  const out = {};
  for (const name of ['minVersion', 'maxVersion', 'ciphers', 'servername']) {
    if (opts[name] !== undefined) out[name] = opts[name];
  }
  if (opts.ca) out.ca = read(opts.ca);
  if (opts.cert) out.cert = read(opts.cert);
  if (opts.key) out.key = read(opts.key);
  return out;
}

if (mode === 'server') {
  const options = tlsOptions();
  if (opts.requestCert) {
    options.requestCert = true;
    options.rejectUnauthorized = true;
  }
  if (opts.sniOnly) {
    // A server with certificates only for named hosts: Node calls SNICallback only when the
    // ClientHello carries server_name, so a hello without it meets a server with no certificate.
    const byName = new Map(
      opts.sniOnly.names.map((name) => [
        name,
        tls.createSecureContext({ cert: read(opts.sniOnly.cert), key: read(opts.sniOnly.key) }),
      ]),
    );
    options.SNICallback = (name, done) => {
      const context = byName.get(name);
      if (context) done(null, context);
      else done(new Error(`no certificate for ${name}`));
    };
  }
  const server = tls.createServer(options, (socket) => {
    socket.once('data', (request) => {
      socket.end(`hello from node ${String(request).split('\r')[0].slice(0, 16)}\n`);
    });
    socket.on('error', (err) => console.log('socket error', err.code ?? err.message));
  });
  server.on('tlsClientError', (err) => console.log('tlsClientError', err.code ?? err.message));
  server.listen(opts.port ?? 443, opts.host ?? '127.0.0.1', () => console.log('listening'));
} else if (mode === 'client') {
  const options = { ...tlsOptions(), host: opts.host ?? '127.0.0.1', port: opts.port ?? 443 };
  const socket = tls.connect(options, () => {
    console.log('secureConnect', socket.getProtocol(), socket.getCipher().name);
    socket.write('GET / HTTP/1.0\r\n\r\n');
  });
  socket.setTimeout(5000, () => socket.destroy(new Error('timeout')));
  socket.on('data', (data) => {
    console.log('data', JSON.stringify(String(data)));
    socket.end();
  });
  socket.on('error', (err) => {
    console.log('error', err.code ?? '', err.message);
    process.exitCode = 1;
  });
  socket.on('end', () => socket.end());
} else {
  console.error('usage: node node_tls.mjs server|client <json>');
  process.exit(2);
}
