//! Integration tests of lauren live in this package's `[[test]]` targets.
