//! Files and static directories (feature `fs`).
//!
//! A handler returns a [`File`]: it streams from disk with its content type (from the
//! extension), `ETag` and `Last-Modified`, and answers conditional requests (`304`) and
//! single `Range` requests (`206`, `416`) by itself. [`StaticDir`] serves a directory under a
//! prefix with [`AppBuilder::serve_dir`](crate::AppBuilder::serve_dir): dotfiles hidden, no way
//! out of the root (`..`, encoded or not, and symlinks that lead outside answer 404).
//!
//! ```no_run
//! use lauren::prelude::*;
//! use lauren::files::File;
//!
//! #[derive(Default)]
//! struct Reports;
//!
//! #[controller("/reports")]
//! impl Reports {
//!     /// The latest report, resumable (`Range`) and cacheable (`ETag`).
//!     #[get("/latest")]
//!     async fn latest(&self) -> Result<File, HttpError> {
//!         Ok(File::open("reports/latest.pdf").await?.attachment("report.pdf"))
//!     }
//! }
//!
//! #[module(controllers = [Reports])]
//! struct AppModule;
//!
//! # async fn run() -> Result<(), lauren::ServeError> {
//! LaurenFactory::create(AppModule)
//!     .serve_dir("/static", "./public")
//!     .listen("127.0.0.1:3000")
//!     .await
//! # }
//! ```

mod body;
mod file;
mod preconditions;
mod static_dir;

pub use self::file::File;
pub use self::static_dir::StaticDir;
