"""The explorer page in a real browser: Playwright driving the system Chromium (Debian `chromium`).

One browser for the module; every request the page makes is intercepted, and any that would leave
127.0.0.1 is aborted and recorded. Skipped (with the reason) only when Chromium or Playwright is
absent locally; with CTSIM_REQUIRE_BROWSER=1 (CI, .ci/run) their absence fails instead.
"""

from __future__ import annotations

import os
import shutil
from urllib.parse import urlsplit

import numpy as np
import pandas as pd
import pytest

import ctsim
from ctsim.explorer.session import variable_names

IAMC = {name: v[0] for name, v in variable_names().items()}  # internal -> IAMC name (one place)

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
REQUIRED = os.environ.get("CTSIM_REQUIRE_BROWSER") == "1"


def _need(ok: bool, reason: str) -> None:
    if not ok:
        if REQUIRED:
            pytest.fail(f"{reason}, and CTSIM_REQUIRE_BROWSER=1 requires the browser tests to run")
        pytest.skip(f"{reason}: install it (apt-get install chromium; pip install playwright) to run "
                    "the explorer's browser tests")


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    _need(sync_playwright is not None, "the playwright Python package is not installed")
    _need(CHROMIUM is not None, "no Chromium found on PATH (chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM)
        yield b
        b.close()


@pytest.fixture(scope="module")
def requests_seen():
    return []


@pytest.fixture
def page(browser, server, requests_seen):
    context = browser.new_context(accept_downloads=True)
    port = server.server_address[1]

    def gate(route):
        url = route.request.url
        requests_seen.append(url)
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and parts.netloc == f"127.0.0.1:{port}":
            route.continue_()
        else:
            route.abort()

    context.route("**/*", gate)
    pg = context.new_page()
    errors = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.errors = errors
    yield pg
    context.close()


def _open(page, server, fragment=""):
    page.goto(server.url + (("#" + fragment) if fragment else ""))
    page.wait_for_function("() => Number(document.body.dataset.runs) >= 1")
    return int(page.evaluate("document.body.dataset.runs"))


def _move(page, param, value):
    """Set a slider as a user would (value + input event) and wait for the re-run it causes."""
    runs = int(page.evaluate("document.body.dataset.runs"))
    page.eval_on_selector(f'input[type=range][data-param="{param}"]',
                          "(el, v) => { el.value = v; el.dispatchEvent(new Event('input', {bubbles: true})); }",
                          str(value))
    page.wait_for_function(f"() => Number(document.body.dataset.runs) > {runs}")
    page.wait_for_function("() => !document.body.dataset.busy")


def _data(page):
    return page.evaluate("window.ctsimExplorer.data")


def test_page_loads_with_registry_sliders_graphs_and_verdicts(page, server):
    _open(page, server)
    params = set(ctsim.parameters().name)
    sliders = page.eval_on_selector_all("input[type=range][data-param]", "els => els.map(e => e.dataset.param)")
    assert len(sliders) >= 20 and set(sliders) <= params
    groups = page.eval_on_selector_all("#levers legend", "els => els.map(e => e.textContent)")
    assert groups[0].startswith("Carbon price") and any("Steel" in g for g in groups)
    assumptions = page.eval_on_selector_all("#assumptions input[data-param]", "els => els.map(e => e.dataset.param)")
    assert "macro.gdp_growth" in assumptions and "macro.gdp_growth" not in page.eval_on_selector_all(
        "#levers input[data-param]", "els => els.map(e => e.dataset.param)")
    assert page.locator("#charts canvas").count() == len(server.meta["charts"])
    verdicts = page.locator("#verdicts li")
    assert verdicts.count() == len(server.meta["baseline"]["verdicts"])
    assert page.locator("#verdicts li.met").count() == verdicts.count()  # steel2030 meets all its targets
    assert _data(page)["series"] == server.meta["baseline"]["series"]
    assert page.locator("#message").is_hidden()
    assert page.errors == []


def test_a_slider_reruns_and_changes_graphs_and_verdicts(page, server):
    _open(page, server)
    canvas = page.locator("#chart-steel canvas").first
    before_png = canvas.screenshot()
    before = _data(page)
    _move(page, "steel.eaf_share", 0)
    after = _data(page)
    assert after["scenario"] == "steel2030-explored"
    eaf, i = IAMC["steel_eaf_mt"], after["years"].index(2030)
    assert after["series"][eaf][i] < before["series"][eaf][i]
    assert canvas.screenshot() != before_png
    drawn = page.evaluate("window.ctsimExplorer.charts.steel.plot.data")
    years = drawn[0]
    assert drawn[2][years.index(2030)] == after["series"][eaf][i]  # the graph shows the new run
    card = page.locator('#verdicts li[data-target="eaf_20pct_2030"]')
    assert card.get_attribute("class") == "missed"
    assert float(card.get_attribute("data-margin")) < 0
    assert "MISSED" in card.inner_text()
    assert "steel.eaf_share=0" in page.evaluate("location.hash")


def test_a_burst_of_moves_is_coalesced(page, server):
    _open(page, server)
    flights = {"now": 0, "max": 0, "runs": 0}

    def started(req):
        if "/api/run" in req.url:
            flights["now"] += 1
            flights["runs"] += 1
            flights["max"] = max(flights["max"], flights["now"])

    def ended(req):
        if "/api/run" in req.url:
            flights["now"] -= 1

    page.on("request", started)
    page.on("requestfinished", ended)
    page.on("requestfailed", ended)
    runs = int(page.evaluate("document.body.dataset.runs"))
    page.eval_on_selector('input[data-param="policy.carbon_price"]', """el => {
        for (let i = 1; i <= 30; i++) { el.value = String(i * 0.1);
            el.dispatchEvent(new Event('input', {bubbles: true})); } }""")
    page.wait_for_function(f"() => Number(document.body.dataset.runs) > {runs} && !document.body.dataset.busy")
    assert flights["max"] == 1
    assert 1 <= flights["runs"] <= 3  # the first move, then one run with the latest state
    data = _data(page)
    assert data["effective"]["policy.carbon_price"]["2060"] == pytest.approx(
        3 * server.session.base_value("policy.carbon_price")[2060])


def _download(page, selector, tmp_path):
    with page.expect_download() as info:
        page.click(selector)
    assert info.value.failure() is None, info.value.failure()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    return path


def test_downloaded_yaml_and_csv_reproduce_the_page(page, server, tmp_path):
    _open(page, server)
    _move(page, "policy.carbon_price", 2.35)
    _move(page, "transport.ev_share", 1.15)
    runs = int(page.evaluate("document.body.dataset.runs"))
    page.check('input[data-shock="drought.on"]')
    page.wait_for_function(f"() => Number(document.body.dataset.runs) > {runs} && !document.body.dataset.busy")
    shown = _data(page)
    scenario = _download(page, "#download-yaml", tmp_path)
    assert scenario.name == "steel2030-explored.yaml"
    run = ctsim.run(scenario)
    assert [int(y) for y in run.results.years] == shown["years"]
    for variable, values in shown["series"].items():
        assert list(map(float, run.results[variable][0])) == values, variable  # to the last bit
    assert [v["met"] for v in run.summary["targets"]] == [v["met"] for v in shown["verdicts"]]
    assert [v["margin"] for v in run.summary["targets"]] == [v["margin"] for v in shown["verdicts"]]
    table = pd.read_csv(_download(page, "#download-csv", tmp_path))
    assert set(table.scenario) == {"steel2030-explored"}
    co2 = table[table.variable == IAMC["co2_total_mt"]].sort_values("year")
    np.testing.assert_array_equal(co2.value.to_numpy(), np.array(shown["series"][IAMC["co2_total_mt"]]))


def test_a_link_restores_the_state(page, server):
    fragment = "no_new_coal=1&policy.carbon_price=1.5&shock.rationing.on=1&shock.rationing.year=2031"
    _open(page, server, fragment)
    page.wait_for_function("() => window.ctsimExplorer.data && window.ctsimExplorer.data.scenario.endsWith('-explored')")
    assert page.input_value('input[data-param="policy.carbon_price"]') == "1.5"
    assert page.input_value('input[data-shock="rationing.year"]') == "2031"
    assert page.is_checked('input[data-switch="no_new_coal"]')
    _doc, run = server.session.run_state(fragment)
    assert _data(page)["series"][IAMC["co2_total_mt"]] == list(map(float, run.results[IAMC["co2_total_mt"]][0]))


def test_a_pasted_link_is_followed(page, server):
    _open(page, server)
    runs = int(page.evaluate("document.body.dataset.runs"))
    page.evaluate("location.hash = 'policy.carbon_price=4'")
    page.wait_for_function(f"() => Number(document.body.dataset.runs) > {runs} && !document.body.dataset.busy")
    assert page.input_value('input[data-param="policy.carbon_price"]') == "4"
    assert _data(page)["effective"]["policy.carbon_price"]["2060"] == 4 * server.session.base_value(
        "policy.carbon_price")[2060]


def test_a_bad_value_is_a_message_on_the_page(page, server):
    _open(page, server, "power.coal_lifetime_yr=5")
    message = page.locator("#message")
    message.wait_for(state="visible")
    text = message.inner_text()
    assert "power.coal_lifetime_yr: expected a value in [20, 80] yr (got 5)" in text
    assert "Traceback" not in text
    assert page.errors == []


def test_no_request_leaves_127_0_0_1(page, server, requests_seen):
    _open(page, server)
    _move(page, "power.solar_additions_gw", 2)
    port = server.server_address[1]
    assert requests_seen, "the route gate saw no requests"
    foreign = [u for u in requests_seen if urlsplit(u).netloc != f"127.0.0.1:{port}"]
    assert foreign == []
