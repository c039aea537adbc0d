"""Demo case studies, loaded by `flask demo`."""


def load() -> str:
    """Load the demo practices and return a one-line summary."""
    return "no demo practices yet"
