"""Layout checks of a drawn matplotlib figure (structure, not pixels): every text on the canvas, no
overprinted tick labels, no collapsed or overlapping panels."""

from __future__ import annotations

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text


def undrawn_tick_labels(fig) -> set[int]:
    """Labels of ticks outside their axis' view interval (matplotlib keeps but never draws them)."""
    out = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            lo, hi = sorted(axis.get_view_interval())
            eps = 1e-9 * max(1.0, abs(hi - lo))
            for tick in (*axis.get_major_ticks(), *axis.get_minor_ticks()):
                loc = tick.get_loc()
                if loc is None or not lo - eps <= loc <= hi + eps:
                    out |= {id(tick.label1), id(tick.label2)}
    return out


def shown_texts(fig) -> list[Text]:
    """Every text artist that is drawn (visible, non-empty, in a visible axes, tick in view)."""
    texts = []
    hidden = undrawn_tick_labels(fig)
    for t in fig.findobj(Text):
        if not t.get_visible() or not t.get_text().strip() or id(t) in hidden:
            continue
        if t.axes is not None and not t.axes.get_visible():
            continue
        texts.append(t)
    return texts


def visible_axes(fig):
    return [ax for ax in fig.axes if ax.get_visible()]


def check_layout(fig, name: str = "") -> None:
    """Draw ``fig`` (a layout warning is an error under pytest) and assert the layout rules."""
    if fig.canvas is None or not hasattr(fig.canvas, "get_renderer"):
        FigureCanvasAgg(fig)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    canvas = fig.bbox
    for t in shown_texts(fig):
        box = t.get_window_extent(renderer)
        assert (box.x0 >= canvas.x0 - 1 and box.x1 <= canvas.x1 + 1
                and box.y0 >= canvas.y0 - 1 and box.y1 <= canvas.y1 + 1), (name, t.get_text(), box)
    hidden = undrawn_tick_labels(fig)
    axes = visible_axes(fig)
    for ax in axes:
        for labels in (ax.get_xticklabels(), ax.get_yticklabels()):
            boxes = [t.get_window_extent(renderer) for t in labels
                     if t.get_visible() and t.get_text().strip() and id(t) not in hidden]
            for a, b in zip(boxes, boxes[1:], strict=False):
                assert not a.overlaps(b), (name, "tick labels overprint",
                                           [t.get_text() for t in labels])
    boxes = [ax.get_window_extent(renderer) for ax in axes]
    for i, a in enumerate(boxes):
        assert a.width > 40 and a.height > 40, (name, "collapsed panel")
        for b in boxes[i + 1:]:
            assert not a.overlaps(b), (name, "panels overlap")
