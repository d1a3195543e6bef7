"""Stored widget state that is the same on every run, so a lesson opens drawn and diffs stay quiet.

When a notebook is executed, every widget (a slider, its layout, an Output, an Image …) is a
model in the kernel with a random id, and the notebook stores

- in each widget cell, a *view* output that names its model: ``{"model_id": "3f2a…"}``;
- in ``metadata.widgets["application/vnd.jupyter.widget-state+json"]["state"]``, every model's
  state, which refers to other models as ``"IPY_MODEL_<id>"`` (a box's children, a widget's
  layout and style) or, inside an Output's stored outputs, as nested views.

JupyterLab and ``jupyter nbconvert --to html`` draw the widgets from this state before any cell
runs. `stabilise` renames every model after where it is shown: the k-th view of a cell gets
``md5("<cell id>:<k>")``, and a model reached from another one gets ``md5("<parent id>/<path>")``
(``path`` like ``children/0`` or ``layout``). Models that no view reaches (closed widgets, links)
are dropped, the state is stored in the order the views reach it, and the one field that records
a kernel message (``msg_id`` of an Output) is emptied. Applied to its own result it changes
nothing, so executing an unchanged notebook twice gives the same file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
REFERENCE = "IPY_MODEL_"


def stabilise(nb: Any) -> None:
    """Give every widget model of ``nb`` a fixed id, keep only the models its views show; in place.

    Removes ``metadata.widgets`` when no stored view refers to a stored model.
    """
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    new_ids: dict[str, str] = {}
    order: list[str] = []

    def visit(old_id: str, new_id: str) -> None:
        if old_id in new_ids:
            return
        new_ids[old_id] = new_id
        order.append(old_id)
        model = state.get(old_id)
        if model is not None:
            for path, child in _references(model.get("state", {})):
                visit(child, _digest(f"{new_id}/{path}"))

    views = list(_cell_views(nb))
    for cell_id, k, view in views:
        visit(view["model_id"], _digest(f"{cell_id}:{k}"))
    for _, _, view in views:
        view["model_id"] = new_ids[view["model_id"]]

    kept = {new_ids[old]: _renamed(state[old], new_ids) for old in order if old in state}
    if not kept:
        nb.metadata.pop("widgets", None)
        return
    for model in kept.values():
        if model.get("model_name") == "OutputModel":
            model["state"]["msg_id"] = ""
    nb.metadata["widgets"] = {
        WIDGET_STATE: {"state": kept, "version_major": 2, "version_minor": 0}
    }


def views_and_models(nb: Any) -> tuple[list[str], dict[str, Any]]:
    """The model ids named by the views in ``nb``'s cell outputs, and the stored models by id."""
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    return [view["model_id"] for _, _, view in _cell_views(nb)], dict(state)


def missing_models(nb: Any) -> list[str]:
    """Ids a view or a stored model refers to that are not in the stored state (empty: complete)."""
    view_ids, state = views_and_models(nb)
    named = list(view_ids)
    for model in state.values():
        named.extend(child for _, child in _references(model.get("state", {})))
    return sorted({model_id for model_id in named if model_id not in state})


def _digest(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


def _cell_views(nb: Any) -> Iterator[tuple[str, int, dict]]:
    """``(cell id, k, view)`` for the k-th widget view among the outputs of each cell."""
    for cell in nb.cells:
        k = 0
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get(WIDGET_VIEW)
            if view is not None and "model_id" in view:
                yield str(cell.get("id")), k, view
                k += 1


def _references(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """``(path, model id)`` for every model that ``value`` (a model's state) refers to, in order."""
    if isinstance(value, str):
        if value.startswith(REFERENCE):
            yield path, value[len(REFERENCE):]
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _references(item, f"{path}/{index}" if path else str(index))
    elif isinstance(value, dict):
        if WIDGET_VIEW in value and isinstance(value[WIDGET_VIEW], dict):
            # an output bundle stored inside an Output widget that shows another widget
            model_id = value[WIDGET_VIEW].get("model_id")
            if model_id:
                yield path, model_id
        for key in sorted(value):
            if key != WIDGET_VIEW:
                yield from _references(value[key], f"{path}/{key}" if path else key)


def _renamed(value: Any, new_ids: dict[str, str]) -> Any:
    """A copy of ``value`` with every model reference renamed through ``new_ids``."""
    if isinstance(value, str):
        if value.startswith(REFERENCE) and value[len(REFERENCE):] in new_ids:
            return REFERENCE + new_ids[value[len(REFERENCE):]]
        return value
    if isinstance(value, list):
        return [_renamed(item, new_ids) for item in value]
    if isinstance(value, dict):
        renamed = {key: _renamed(item, new_ids) for key, item in value.items()}
        view = renamed.get(WIDGET_VIEW)
        if isinstance(view, dict) and view.get("model_id") in new_ids:
            renamed[WIDGET_VIEW] = {**view, "model_id": new_ids[view["model_id"]]}
        return renamed
    return value
