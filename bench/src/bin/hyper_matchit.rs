//! `hyper_raw` routed by matchit, as any real router would be: the floor for a routed framework
//! (lauren routes with matchit too).

fn main() {
    lauren_bench::serve_hyper(lauren_bench::matchit_handle);
}
