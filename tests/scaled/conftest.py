"""One scaled deployment (PostgreSQL, Redis, two nodes, nginx + Nchan) per test session (its tests share one xdist group).

Starting it takes seconds, so the tests of a module share it, in one xdist
group; each test leaves it as it found it (nodes running).
"""

from __future__ import annotations

import pytest

from deploy.services import Cluster


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
    )
    try:
        yield scaled.start()
    finally:
        scaled.stop()


@pytest.fixture
def running(cluster):
    """The cluster with every node up again after the test."""
    yield cluster
    for node in cluster.nodes:
        if not node.alive():
            node.start()
