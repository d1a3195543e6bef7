"""Interactive explorers for the lessons (ipywidgets 8), one module per lesson.

Each lesson has its own module here, named after its topic, for example
``nnedu.widgets.weighted_sum`` for lesson 01. A module holds the lesson's explorer
(a function that returns the widget, e.g. ``weighted_sum_explorer()``), the small data and
plotting helpers it draws with, and nothing else. A lesson imports the one it needs::

    from nnedu.widgets.weighted_sum import weighted_sum_explorer
    weighted_sum_explorer()

This package does not import its modules: ``import nnedu`` loads numpy only, and a lesson
loads matplotlib and ipywidgets only when it imports its own explorer.
"""
