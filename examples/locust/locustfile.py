"""Locust over a pre-signed batch: each request takes the next record of `xsig batch --format
ndjson` (its method, url and headers), so no signature is sent twice across users; when the
records run out, the run stops. Sign the batch just before the run, with --base-url of the
server under test (servers reject stale timestamps; for long runs use xsig sidecar).

    xsig batch --key pub.pem --input tokens.txt --output signed.ndjson --base-url http://127.0.0.1:8080 \
        --client-id C --device-fingerprint FP --os-version "Android 14" --agent app/1.0
    XSIG_NDJSON=signed.ndjson locust -f examples/locust/locustfile.py --headless -u 8 -r 8 -t 60s \
        --host http://127.0.0.1:8080

A response counts as a failure unless it is 200 (the mock answers "success").
"""
import json
import os

import gevent
from locust import HttpUser, constant, task
from locust.exception import StopUser

_path = os.environ.get("XSIG_NDJSON", "signed.ndjson")
with open(_path, encoding="utf-8") as _file:
    RECORDS = [json.loads(line) for line in _file if line.strip()]
_next = iter(RECORDS)  # one iterator for every user: Locust's users share one process


class SignedRequestUser(HttpUser):
    wait_time = constant(0)

    @task
    def send_next_record(self):
        record = next(_next, None)
        if record is None:
            # quit() from a user's own greenlet would end that greenlet first: run it apart.
            gevent.spawn(self.environment.runner.quit)
            raise StopUser()
        with self.client.request(record["method"], record["url"], headers=record["headers"],
                                 name=record["method"] + " " + record["url"].split("?")[0],
                                 catch_response=True) as response:
            if response.status_code != 200:
                response.failure("%d %s" % (response.status_code, response.text[:200]))
