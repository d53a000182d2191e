"""ctsim: a carbon-transition scenario simulator for China."""

__version__ = "0.1.0"
