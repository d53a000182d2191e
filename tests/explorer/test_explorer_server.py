"""The explorer's HTTP server without a browser: Host check, its own assets only, one-line errors."""

from __future__ import annotations

import http.client
import json

import pytest

import ctsim
from ctsim.explorer.server import ASSETS, make_server
from ctsim.explorer.session import variable_names

IAMC = {name: v[0] for name, v in variable_names().items()}  # internal -> IAMC name (one place)


def _get(server, path, host=None, method="GET", headers=None):
    port = server.server_address[1]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.putrequest(method, path, skip_host=True)
    conn.putheader("Host", f"127.0.0.1:{port}" if host is None else host)
    for k, v in (headers or {}).items():
        conn.putheader(k, v)
    conn.endheaders()
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp, body


def test_binds_the_loopback_address_only(server):
    assert server.server_address[0] == "127.0.0.1"


@pytest.mark.parametrize("path", sorted(ASSETS))
def test_serves_its_assets_with_a_strict_policy(server, path):
    resp, body = _get(server, path)
    assert resp.status == 200 and body
    csp = resp.getheader("Content-Security-Policy")
    assert "default-src 'none'" in csp and "connect-src 'self'" in csp
    assert resp.getheader("X-Content-Type-Options") == "nosniff"


@pytest.mark.parametrize("host", ["evil.example:{port}", "127.0.0.1.evil.example:{port}", "127.0.0.1",
                                  "localhost:1", "[::1]:{port}", ""])
def test_rejects_a_foreign_host(server, host):
    resp, body = _get(server, "/api/meta", host=host.format(port=server.server_address[1]))
    assert resp.status == 403
    assert b"steel2030" not in body


@pytest.mark.parametrize("headers, status", [
    ({"Origin": "http://evil.example"}, 403),
    ({"Origin": "http://127.0.0.1:1"}, 403),
    ({"Sec-Fetch-Site": "cross-site"}, 403),
    ({"Sec-Fetch-Site": "same-site"}, 403),
    ({"Sec-Fetch-Site": "same-origin", "Origin": "http://127.0.0.1:{port}"}, 200),
    ({"Sec-Fetch-Site": "none"}, 200),
])
def test_rejects_requests_from_other_sites_pages(server, headers, status):
    port = server.server_address[1]
    resp, _ = _get(server, "/api/run", headers={k: v.format(port=port) for k, v in headers.items()})
    assert resp.status == status


def test_accepts_localhost_by_name(server):
    resp, _ = _get(server, "/", host=f"localhost:{server.server_address[1]}")
    assert resp.status == 200


@pytest.mark.parametrize("path", ["/../pyproject.toml", "/static/app.js", "/app.js/../../../etc/passwd",
                                  "/%2e%2e/%2e%2e/README.md", "/vendor/", "/scenarios/steel2030.yaml",
                                  "/api/../app.js", "//etc/passwd"])
def test_serves_nothing_else(server, path):
    resp, body = _get(server, path)
    assert resp.status == 404, path
    assert body == b"not found\n"


def test_only_get_and_head(server):
    resp, _ = _get(server, "/api/run", method="POST")
    assert resp.status == 405


def test_bad_state_is_a_message_not_a_traceback(server):
    resp, body = _get(server, "/api/run?power.coal_lifetime_yr=500")
    assert resp.status == 400
    error = json.loads(body)["error"]
    assert "power.coal_lifetime_yr: expected a value in [20, 80] yr (got 500)" in error
    assert "Traceback" not in error


def test_run_answers_the_page_state(server):
    resp, body = _get(server, "/api/run?policy.carbon_price=2")
    data = json.loads(body)
    assert resp.status == 200
    assert data["scenario"] == "steel2030-explored"
    base = server.meta["baseline"]["series"][IAMC["co2_total_mt"]]
    assert data["series"][IAMC["co2_total_mt"]][-1] < base[-1]


def test_downloads(server):
    resp, body = _get(server, "/download/scenario.yaml?no_new_coal=1")
    assert resp.status == 200
    assert 'filename="steel2030-explored.yaml"' in resp.getheader("Content-Disposition")
    assert b"coal_additions_gw" in body
    resp, body = _get(server, "/download/data.csv")
    assert resp.status == 200 and body.startswith(b"model,scenario,region,variable,unit,year,value")


def test_a_bad_scenario_fails_before_listening(tmp_path):
    with pytest.raises(ctsim.ScenarioError):
        make_server(tmp_path / "missing.yaml", port=0)


def test_a_busy_port_is_a_usage_error(server, root):
    with pytest.raises(ctsim.UsageError, match=r"explore: cannot listen on 127\.0\.0\.1:\d+"):
        make_server(root / "scenarios" / "steel2030.yaml", port=server.server_address[1])
