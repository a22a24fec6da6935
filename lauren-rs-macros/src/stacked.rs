//! Attributes that stack on a controller or a route (`#[use_interceptors]`, `#[set_metadata]`).
//!
//! Written below `#[controller]`, they are read by it in source order. Written above, they
//! expand first: each moves itself just below `#[controller]` (after any already moved there),
//! tagged with a marker, so `#[controller]` still sees every one of them in source order.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::{Attribute, ItemImpl};

/// The tag a moved attribute carries as its first argument.
pub(crate) const MOVED: &str = "__lauren_moved";

/// The names of the stacking attributes.
pub(crate) const STACKING: [&str; 7] = [
    "use_interceptors",
    "use_guards",
    "use_pre_interceptors",
    "use_exception_handlers",
    "use_middleware",
    "set_metadata",
    "apply",
];

fn last_segment(attr: &Attribute) -> Option<String> {
    attr.path().segments.last().map(|s| s.ident.to_string())
}

pub(crate) fn is_stacking(attr: &Attribute) -> bool {
    last_segment(attr).is_some_and(|name| STACKING.contains(&name.as_str()))
}

fn is_moved(attr: &Attribute) -> bool {
    is_stacking(attr)
        && matches!(&attr.meta, syn::Meta::List(list)
            if list.tokens.clone().into_iter().next().is_some_and(|t| t.to_string() == MOVED))
}

/// Splits a moved attribute's arguments from its marker; others are returned as they are.
pub(crate) fn strip_marker(tokens: TokenStream) -> TokenStream {
    let mut iter = tokens.clone().into_iter().peekable();
    if iter.peek().is_some_and(|t| t.to_string() == MOVED) {
        iter.next();
        if iter.peek().is_some_and(|t| t.to_string() == ",") {
            iter.next();
        }
        return iter.collect();
    }
    tokens
}

/// Expands `#[name(args)]` found on an item on its own, i.e. above `#[controller]` or misplaced.
pub(crate) fn expand_standalone(
    name: &str,
    args: TokenStream,
    item: TokenStream,
) -> syn::Result<TokenStream> {
    let usage =
        format!("`#[{name}]` goes on a `#[controller]` impl block or on one of its route methods");
    let Ok(mut item) = syn::parse2::<ItemImpl>(item.clone()) else {
        // On a method, the enclosing `#[controller]` consumes it; reaching here means there is none.
        let error = syn::Error::new(Span::call_site(), usage).to_compile_error();
        return Ok(quote!(#error #item));
    };
    let Some(controller) =
        item.attrs.iter().position(|attr| last_segment(attr).as_deref() == Some("controller"))
    else {
        return Err(syn::Error::new(
            Span::call_site(),
            format!("{usage}: add `#[controller(\"/prefix\")]` to this impl"),
        ));
    };
    let mut at = controller + 1;
    while item.attrs.get(at).is_some_and(is_moved) {
        at += 1;
    }
    let ident = syn::Ident::new(name, Span::call_site());
    let marker = syn::Ident::new(MOVED, Span::call_site());
    let moved: Attribute = syn::parse_quote!(#[::lauren::#ident(#marker, #args)]);
    item.attrs.insert(at, moved);
    Ok(quote!(#item))
}
