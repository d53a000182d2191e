"""`ctsim explore` as a user starts it: prints its URL, serves the page, stops cleanly on Ctrl-C."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import urllib.request

import ctsim


def _env():
    src = os.path.dirname(os.path.dirname(ctsim.__file__))
    return {**os.environ, "PYTHONPATH": src}


def test_explore_serves_and_stops_on_ctrl_c(root):
    proc = subprocess.Popen([sys.executable, "-m", "ctsim", "explore", "scenarios/steel2030.yaml",
                             "--no-browser", "--port", "0"], cwd=root, env=_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+/", line).group(0)
        with urllib.request.urlopen(url, timeout=30) as resp:
            assert resp.status == 200 and b'data-runs="0"' in resp.read()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert "steel2030" in line
    assert proc.returncode == 0
    assert "stopped" in err and "Traceback" not in err


def test_explore_bad_scenario_is_one_line_exit_2(root, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("policy: {carbon_price: -5}\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "ctsim", "explore", str(bad), "--no-browser"],
                          cwd=root, env=_env(), capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "policy.carbon_price" in lines[0]
