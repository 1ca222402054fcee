"""The test suite (a package, so that helpers import as ``tests.helpers.<module>``)."""
