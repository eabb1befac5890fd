"""The users of `make bench-load` (locust, headless; started by bench/load.py, not by hand).

`CatalogueReader`: a member searching the discount catalogue through the API, one search after
the other with no pause (50 of them measure the throughput the portal reaches).

`RushOfficer`: an officer on the last days before the deadline. Each one signs in with the API
token of a distinct officer prepared beforehand and fills their unit's Phụ lục 02 for this
month: opens it (POST /api/v1/submissions/ → a prefilled draft, 201), saves a draft twice as
autosave does (PATCH with If-Match), and submits it (POST …/submit/ with If-Match), pausing
between steps as a person typing does (BENCH_RUSH_THINK seconds, "3-10" by default). Then the
locust user takes the next officer of the pool: there are always as many officers at work as
locust users, each a different account. What each request got is recorded (ids of the reports
opened and submitted) and written at the end to BENCH_LOAD_RESULTS, so that bench/load.py can
count the reports in the database against it.

Bounds: locust's --run-time, and BENCH_LOAD_MAX_REQUESTS requests at most (the users stop).
Requests go to the host locust is given (127.0.0.1 only: bench/load.py refuses anything else).
"""

from __future__ import annotations

import json
import os
import random
from itertools import cycle
from urllib.parse import urlencode

import gevent
from locust import FastHttpUser, constant, events, task
from locust.exception import StopUser

SETUP = json.loads(open(os.environ["BENCH_LOAD_SETUP"], encoding="utf-8").read())
MAX_REQUESTS = int(os.environ.get("BENCH_LOAD_MAX_REQUESTS", "500000"))
THINK = tuple(float(x) for x in os.environ.get("BENCH_RUSH_THINK", "3-10").split("-"))
# Behind the TLS proxy of a deployment: the portal trusts this header (TRUST_X_FORWARDED_PROTO=1).
HTTPS = {"X-Forwarded-Proto": "https"}

sent = 0
searches = cycle(SETUP["searches"])
officers = iter(SETUP["officers"])
record: dict[str, list] = {"opened": [], "reopened": [], "saved": [], "submitted": [], "unexpected": []}


def spend() -> None:
    """One more request, or stop: the whole run sends MAX_REQUESTS at most."""
    global sent
    sent += 1
    if sent > MAX_REQUESTS:
        raise StopUser()


class CatalogueReader(FastHttpUser):
    wait_time = constant(0)

    @task
    def search(self):
        spend()
        text, province = next(searches)
        query = urlencode({"search": text, "province": province})
        with self.client.get(f"/api/v1/offers/?{query}", headers={**HTTPS, "Accept": "application/json"},
                             name="/api/v1/offers/?search=&province=", catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif not response.text.startswith("{"):
                response.failure("not JSON")


class RushOfficer(FastHttpUser):
    wait_time = constant(0)  # the pauses are inside the task, between the steps of one report

    def on_start(self):
        self._next_officer()

    def _next_officer(self):
        try:
            self.officer = next(officers)
        except StopIteration:
            raise StopUser() from None  # every prepared officer has filed
        self.headers = {**HTTPS, "Accept": "application/json", "Content-Type": "application/json",
                        "Authorization": f"Token {self.officer['token']}"}

    def _think(self):
        gevent.sleep(random.uniform(*THINK))

    def _values(self, cells: dict[str, int]) -> str:
        return json.dumps({"values": [{"row": k, "column": "value", "value": str(v)} for k, v in cells.items()]})

    @task
    def file_report(self):
        unit, period = self.officer["unit"], SETUP["period"]
        spend()
        with self.client.post("/api/v1/submissions/", data=json.dumps({"unit": unit, "period": period}),
                              headers=self.headers, name="open (POST /api/v1/submissions/)",
                              catch_response=True) as response:
            if response.status_code not in (200, 201):
                response.failure(f"HTTP {response.status_code}: {response.text[:200]}")
                record["unexpected"].append(["open", unit, response.status_code])
                return self._next_officer()
            submission = response.json()["id"]
            record["opened" if response.status_code == 201 else "reopened"].append(submission)
            etag = response.headers.get("ETag")
        drafts = (
            {"directives": 2, "inspections": 1, "partner_meetings": 1, "culture_sport": random.randint(5, 80),
             "loans": 3, "loans_support_fund": 1, "loans_national_fund": 2},
            {"housing": 2, "housing_new": 1, "housing_repair": 1, "sick_visits_aid": random.randint(1, 30),
             "institution_users": random.randint(0, 50)},
        )
        for cells in drafts:
            self._think()
            spend()
            with self.client.request("PATCH", f"/api/v1/submissions/{submission}/", data=self._values(cells),
                                     headers={**self.headers, "If-Match": etag},
                                     name="save draft (PATCH /api/v1/submissions/{id}/)",
                                     catch_response=True) as response:
                if response.status_code != 200:
                    response.failure(f"HTTP {response.status_code}: {response.text[:200]}")
                    record["unexpected"].append(["save", submission, response.status_code])
                    return self._next_officer()
                record["saved"].append(submission)
                etag = response.headers.get("ETag")
        self._think()
        spend()
        with self.client.post(f"/api/v1/submissions/{submission}/submit/", data="",
                              headers={**self.headers, "If-Match": etag},
                              name="submit (POST /api/v1/submissions/{id}/submit/)",
                              catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}: {response.text[:200]}")
                record["unexpected"].append(["submit", submission, response.status_code])
            else:
                record["submitted"].append(submission)
        self._think()
        self._next_officer()


@events.quitting.add_listener
def _write_record(environment, **kwargs):
    path = os.environ.get("BENCH_LOAD_RESULTS")
    if path:
        with open(path, "w", encoding="utf-8") as out:
            json.dump({**record, "requests": sent}, out)
