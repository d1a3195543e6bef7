"""Interactive explorers for the lessons (ipywidgets 8), one module per lesson.

Each lesson has its own module here, named after its topic, for example
``nnedu.widgets.weighted_sum`` for lesson 01. A module holds the lesson's maths and drawing:
its explorer is a small class on the shared base ``nnedu.widgets.explorer.Explorer`` (read
that module first: it is the whole pattern, about 240 lines). Where a lesson also has many
still figures, they sit next to it in ``<topic>_figures.py`` (e.g. ``xor_figures``), so that
no module grows past ~400 lines. A lesson imports what it needs::

    from nnedu.widgets.weighted_sum import weighted_sum_explorer
    weighted_sum_explorer()

This package does not import its modules: ``import nnedu`` loads numpy only, and a lesson
loads matplotlib and ipywidgets only when it imports its own explorer.

How an explorer shows its picture, and why
------------------------------------------
Every explorer draws into a figure built once, moves its artists in place on a change, and
renders **once** with Agg into PNG bytes that an ``ipywidgets.Image`` displays. Only the
artists that change are drawn per change, on top of a cached background (blitting).
Chosen by measurement in a real kernel (2 cores; ``python bench/widgets.py --display-paths``,
lesson 01's figure, CPU ms per change, median of 20):

=====================================================  ======
Image fed by one Agg render, blitting + PNG             17
Image fed by one Agg render, full draw + PNG            61
ipympl 0.10 canvas (``%matplotlib widget``), full draw  65
  + its diff PNG, after the front end asks for it
the old way: ``Output`` + inline backend, tight bbox    180
=====================================================  ======

The PNG is now written without row filters (``explorer.png_bytes``), which brought the first
two rows to 9 and 41 ms on a quiet machine.

Besides speed: an ``Image`` keeps its PNG bytes in the widget state, so a lesson saved with
its widget state opens drawn without running a cell (ipympl stores a data URL only until a
front end connects); it needs no extra package or JupyterLab extension (ipympl would); and
the cell's stored ``text/plain`` is one fixed sentence, so the notebook tests stay
deterministic. A burst of 30 slider changes sent at once gave 7 renders, not 30: changes
that arrive while one is drawing are coalesced (``python bench/widgets.py --only 01``).
"""
