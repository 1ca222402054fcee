"""Helpers shared by test modules: paths, libraries, file builders, the app driver."""
