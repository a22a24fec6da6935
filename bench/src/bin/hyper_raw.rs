//! hyper 1 + hyper-util `auto` with a hand-written path match: the limit of this stack.

fn main() {
    lauren_bench::serve_hyper(lauren_bench::hyper_handle);
}
