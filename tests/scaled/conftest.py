"""One scaled deployment (PostgreSQL, Redis, two nodes, nginx + Nchan) per test session (its tests share one xdist group).

Starting it takes seconds, so the tests of a module share it, in one xdist
group; each test leaves it as it found it (nodes running).
"""

from __future__ import annotations

import itertools
import time

import pytest
import requests

from deploy.services import Cluster
from tests.conftest import wait_until

FAIL_TIMEOUT_SECONDS = 3
_versions = itertools.count(3 * 10**9)


@pytest.fixture(scope="session")
def cluster():
    scaled = Cluster(
        2,
        extra_env={
            # The submission load test sends far more than a hall's kiosk would.
            "SUNLIGHT_FEEDBACK_RATE_LIMIT_PER_MINUTE": "100000",
            # Short enough that a node reads another's writes quickly in tests.
            "SUNLIGHT_FEED_VERSION_TTL_SECONDS": "1.0",
        },
        # A failed node is out of rotation for less than the 10 s of `make
        # scaled`: long enough for the hung-node test's requests, short enough
        # that each test that takes nodes down hands the next one both.
        fail_timeout=FAIL_TIMEOUT_SECONDS,
    )
    try:
        yield scaled.start()
    finally:
        scaled.stop()


def _nginx_serves_screens(cluster) -> bool:
    try:
        got = requests.get(
            cluster.nginx.url + "/display/wall-1/program.json",
            # A version of its own: past nginx's cache, to a node in rotation.
            headers={
                "X-Terminal-Token": "demo-wall-token",
                "X-Sunlight-Version": str(next(_versions)),
            },
            timeout=5,
        )
    except requests.RequestException:
        return False
    return got.status_code == 200


@pytest.fixture
def running(cluster):
    """The cluster with every node up again after the test, and nginx passing
    screens to them again: after a test that took every node down, nginx keeps
    each out of rotation for its fail_timeout, as it would after a real
    outage; the next test starts once that is over and a request nginx cannot
    answer from its cache (a new pushed version) is answered by a node."""
    yield cluster
    down = [node for node in cluster.nodes if not node.alive()]
    for node in down:
        node.start()
    if down:
        # Each node that failed a request is out of nginx's rotation until then.
        time.sleep(FAIL_TIMEOUT_SECONDS)
    assert wait_until(lambda: _nginx_serves_screens(cluster), timeout=20)
