"""ctsim explore: a local interactive page that re-runs a scenario as sliders move (docs/explorer.md).

session.py turns the page's state into a scenario document and runs it through the public API;
server.py serves the page, its vendored assets and the session's answers on 127.0.0.1 only.
"""
