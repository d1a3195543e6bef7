"""Instructor tools for the course notebooks (not part of what a student reads).

- ``nnedu.course.build``: write ``exercises/`` from the complete notebooks in ``solutions/``
  (``python -m nnedu course build [--check]``);
- ``nnedu.course.execute``: run notebooks on a fresh kernel and store their outputs and widget
  state (``python -m nnedu course execute [paths …]``).
"""
