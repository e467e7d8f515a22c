"""Report writers: each turns a `Report` into one output format."""
