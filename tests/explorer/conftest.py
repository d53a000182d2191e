"""A live explorer server for the module's tests: steel2030 on a free port of 127.0.0.1."""

from __future__ import annotations

import threading

import pytest

from ctsim.explorer.server import make_server


@pytest.fixture(scope="module")
def server(root):
    srv = make_server(root / "scenarios" / "steel2030.yaml", port=0)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()
    thread.join(timeout=5)
