import * as fs from 'node:fs';
import * as path from 'node:path';
import { reportJsonSchema } from '../../src/report/json-schema.js';

test('docs/report.schema.json is the JSON Schema of the exported zod schema (npm run docs:schema remakes it)', () => {
  const published = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../docs/report.schema.json'), 'utf8')) as unknown;
  expect(published).toEqual(reportJsonSchema());
});

test('the JSON Schema names the contract fields of DESIGN.md', () => {
  const schema = reportJsonSchema() as { properties: Record<string, unknown>; required: string[] };
  expect(schema.required).toEqual(expect.arrayContaining(['schemaVersion', 'capture', 'connections', 'warnings']));
  const text = JSON.stringify(schema);
  for (const field of ['firstFrame', 'lastFrame', 'outcome', 'cipherSuite', 'clientHello', 'serverHello', 'certificates', 'alerts', 'diagnosis', 'abortedBy', 'remediation', 'alternatives']) {
    expect(text).toContain(`"${field}"`);
  }
});
