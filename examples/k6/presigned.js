// k6 over a pre-signed batch in CSV: each iteration of the whole test (across every VU) takes
// its own row, exec.scenario.iterationInTest, so no signature is sent twice (`__ITER` counts
// per VU: with 5 VUs it would send each row 5 times). No network imports: the CSV is parsed by
// k6's own k6/experimental/csv module.
//
//   xsig batch --key pub.pem --input tokens.txt --output signed.csv --format csv \
//       --base-url http://127.0.0.1:8080 --client-id C --device-fingerprint FP \
//       --os-version "Android 14" --agent app/1.0
//   XSIG_CSV=signed.csv k6 run --vus 5 --iterations 200 examples/k6/presigned.js
//   (XSIG_BASE_URL and XSIG_PATH name the route; default http://127.0.0.1:8080 and the logout path)
//
// --iterations must not exceed the rows; sign the batch just before the run (servers reject
// stale timestamps), or send the requests through the signing proxy (docs/sidecar.md).
import http from 'k6/http';
import exec from 'k6/execution';
import { check } from 'k6';
import csv from 'k6/experimental/csv';
import { open } from 'k6/experimental/fs';

const file = await open(__ENV.XSIG_CSV || 'signed.csv');
const rows = await csv.parse(file, { asObjects: true });
const baseURL = __ENV.XSIG_BASE_URL || 'http://127.0.0.1:8080';
const path = __ENV.XSIG_PATH || '/api/v2/sdk/logout';

// Columns of `xsig batch --format csv` and the headers they become.
const headerOf = {
  os_version: 'X-operating-sys-version', device_fingerprint: 'X-device-fingerprint', agent: 'X-agent',
  client_id: 'X-client-id', signature: 'X-signature', device_ip: 'X-device-ip', lang: 'X-L', tenant_id: 'X-tenant-id',
};

export default function () {
  const i = exec.scenario.iterationInTest;
  if (i >= rows.length) {
    exec.test.abort(`only ${rows.length} signed rows: lower --iterations or sign more`);
  }
  const row = rows[i];
  const headers = {};
  for (const [column, name] of Object.entries(headerOf)) {
    if (row[column]) headers[name] = row[column];
  }
  const response = http.get(baseURL + path, { headers });
  check(response, { 'status 200': (r) => r.status === 200 });
}
