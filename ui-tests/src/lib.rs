//! Compile-fail and compile-pass cases for the lauren macros, run by `tests/ui.rs`.
