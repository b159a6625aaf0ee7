"""While `alambic demo` serves, its simulated sources answer, so a sync on the demo works (issue #12.15)."""

from __future__ import annotations

import json
import re
from datetime import date

import httpx
import pytest

from alambic.config import load_config
from flows.connect import make_client
from sandbox.demo import serving_demo_sources
from sandbox.demo_config import write_demo_config
from sandbox.generate import generate
from sandbox.sources import append_sources


@pytest.fixture
def built_demo(tmp_path):
    """A demo folder as `alambic demo` leaves it: its configuration still naming the servers of
    the build, which are gone."""
    org = generate(seed=3, scale=0.2, today=date(2026, 11, 27))
    path = write_demo_config(org, tmp_path, tmp_path / "alambic.duckdb")
    append_sources(path, {"tibillet": {"url": "http://127.0.0.1:9", "host": "x"},
                          "oceco": {"url": "http://127.0.0.1:9", "org_id": "0" * 24, "email": "a@b.c"}})
    (tmp_path / "demo.json").write_text(json.dumps({"seed": 3, "scale": 0.2}))
    return tmp_path


def test_the_demo_sources_run_while_the_demo_serves(built_demo):
    with serving_demo_sources(built_demo) as config:
        assert load_config(built_demo / "alambic.toml").sources == config.sources
        text = (built_demo / "alambic.toml").read_text()
        # one table of the sources, pointing at the running ones (the example's comments may name it too)
        assert len(re.findall(r"^\[sources\.tibillet\]", text, re.MULTILINE)) == 1 and "127.0.0.1:9\"" not in text
        batch = make_client(config, "tibillet").fetch("events")
        assert batch.records
        url = config.sources["tibillet"]["url"]
        assert httpx.get(url + "/api/v2/events/", timeout=5).status_code in (200, 401, 403, 404)
    with pytest.raises(httpx.HTTPError):
        httpx.get(url + "/api/v2/events/", timeout=2)
    # served again later: one set of sources in the file, never piled up
    with serving_demo_sources(built_demo):
        assert (built_demo / "alambic.toml").read_text().count("[sources.oceco]") == 1
