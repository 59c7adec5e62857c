import { hash4 } from '../../dist/tcp/connection.js';
const N = Number(process.argv[2] ?? 10000), L = 5_000_000;
const src = [], dst = [], sp = [], dp = [];
for (let i = 0; i < N; i++) { src.push((0x0a000000 + i * 13) >>> 0); dst.push(0xc6120001 + (i % 50)); sp.push(30000 + (i % 30000)); dp.push(443); }
const strMap = new Map(), numMap = new Map(), nested = new Map();
for (let i = 0; i < N; i++) {
  strMap.set(`${src[i]}:${sp[i]}-${dst[i]}:${dp[i]}`, i);
  numMap.set(hash4(src[i], sp[i], dst[i], dp[i]), { a: src[i], b: dst[i], ap: sp[i], bp: dp[i], i });
  let m = nested.get(src[i]); if (!m) nested.set(src[i], m = new Map()); const k = (sp[i] << 16) | dp[i]; let m2 = m.get(k); if (!m2) m.set(k, m2 = new Map()); m2.set(dst[i], i);
}
function bench(name, f) { let s = 0; const t = process.hrtime.bigint(); for (let n = 0; n < L; n++) { const i = (n * 7919) % N; s += f(i); } const ns = Number(process.hrtime.bigint() - t) / L; console.log(name, ns.toFixed(1), 'ns/lookup', s > 0 ? '' : '!'); }
for (let r = 0; r < 2; r++) {
bench('string key ', (i) => strMap.get(`${src[i]}:${sp[i]}-${dst[i]}:${dp[i]}`) + 1);
bench('hash4+verify', (i) => { const c = numMap.get(hash4(src[i], sp[i], dst[i], dp[i])); return c.a === src[i] && c.ap === sp[i] && c.b === dst[i] && c.bp === dp[i] ? c.i + 1 : 0; });
bench('nested maps ', (i) => nested.get(src[i]).get((sp[i] << 16) | dp[i]).get(dst[i]) + 1);
}
