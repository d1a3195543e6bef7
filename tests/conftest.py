"""Settings shared by every test in tests/.

- Plots drawn by unit tests use matplotlib's Agg backend (no window, no display needed).
- Hypothesis has no deadline (a slow machine must not fail a correct test); under CI
  (``CI=true``) its examples are derandomized, so a CI failure reproduces exactly.
"""

import os

# Must happen before anything imports matplotlib.pyplot.
os.environ.setdefault("MPLBACKEND", "Agg")

try:
    from hypothesis import HealthCheck, settings
except ImportError:  # the [test] extra is not installed; pytest reports the failing imports
    pass
else:
    settings.register_profile("default", deadline=None)
    settings.register_profile(
        "ci",
        deadline=None,
        derandomize=True,
        print_blob=True,
        suppress_health_check=[HealthCheck.too_slow],
    )
    in_ci = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if in_ci else "default"))
