"""Renderers: each draws a :class:`prozesskette.layout.geometry.Layout` and decides no position."""
