"""Administration of accounts and roles."""
