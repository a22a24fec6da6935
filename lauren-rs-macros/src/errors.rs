//! One entry-point wrapper for every attribute, and an accumulator so one build reports every
//! mistake.

use proc_macro2::TokenStream;

/// Runs an expansion, turning its error into `compile_error!`s; prints the expansion when
/// `LAUREN_MACROS_DEBUG` is set.
pub(crate) fn expand_attr(
    args: proc_macro::TokenStream,
    item: proc_macro::TokenStream,
    expand: impl FnOnce(TokenStream, TokenStream) -> syn::Result<TokenStream>,
) -> proc_macro::TokenStream {
    let output = match expand(args.into(), item.into()) {
        Ok(tokens) => tokens,
        Err(err) => err.to_compile_error(),
    };
    if std::env::var_os("LAUREN_MACROS_DEBUG").is_some() {
        eprintln!("{output}");
    }
    output.into()
}

/// Collects spanned errors; `finish` combines them into one.
#[derive(Default)]
pub(crate) struct Errors {
    first: Option<syn::Error>,
}

impl Errors {
    pub(crate) fn push(&mut self, err: syn::Error) {
        match &mut self.first {
            Some(first) => first.combine(err),
            None => self.first = Some(err),
        }
    }

    pub(crate) fn spanned(
        &mut self,
        tokens: impl quote::ToTokens,
        message: impl std::fmt::Display,
    ) {
        self.push(syn::Error::new_spanned(tokens, message));
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.first.is_none()
    }

    /// Every error as `compile_error!` tokens (empty if there are none).
    pub(crate) fn into_compile_errors(self) -> TokenStream {
        self.first.map(|e| e.to_compile_error()).unwrap_or_default()
    }
}
