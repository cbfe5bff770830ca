// k6 through the signing proxy (examples/nginx/run.sh): plain requests, nginx adds a fresh
// X-signature and the request fields to each. Runs as long as you like: nothing goes stale.
//
//   k6 run --vus 8 --duration 60s -e XSIG_PROXY=http://127.0.0.1:8088 examples/k6/proxy.js
import http from 'k6/http';
import { check } from 'k6';

const proxy = __ENV.XSIG_PROXY || 'http://127.0.0.1:8088';
const path = __ENV.XSIG_PATH || '/api/v2/sdk/logout';

export default function () {
  check(http.get(proxy + path), { 'status 200': (r) => r.status === 200 });
}
