"""Demo courses, loaded by `flask demo`."""


def load() -> str:
    """Load the demo courses and return a one-line summary."""
    return "no demo courses yet"
