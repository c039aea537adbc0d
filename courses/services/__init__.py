"""Course logic shared by views, the command line and tests."""
