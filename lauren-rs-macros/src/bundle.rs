//! `#[bundle]` on a unit struct with `#[use_guards]`, `#[use_interceptors]` and
//! `#[set_metadata]` below it: a reusable set applied with `#[apply(Bundle)]`.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Attribute, ItemStruct, Token, Type};

use crate::errors::Errors;
use crate::interceptor::Kind;

const USAGE: &str = "`#[bundle]` goes first on a unit struct, above the attributes it bundles: `#[bundle] #[use_guards(Admin)] #[use_interceptors(Audit)] #[set_metadata(\"roles\", [\"admin\"])] struct AdminOnly;`";

pub(crate) fn expand(args: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    if !args.is_empty() {
        return Err(syn::Error::new_spanned(args, "`#[bundle]` takes no arguments"));
    }
    let mut item: ItemStruct = syn::parse2(item.clone()).map_err(|_| {
        syn::Error::new_spanned(item.clone().into_iter().take(3).collect::<TokenStream>(), USAGE)
    })?;
    let mut errors = Errors::default();
    let guards = crate::interceptor::collect(&item.attrs, Kind::Guard, &mut errors);
    let interceptors = crate::interceptor::collect(&item.attrs, Kind::Interceptor, &mut errors);
    let metadata = crate::metadata::collect(&item.attrs, &mut errors);
    if guards.is_empty() && interceptors.is_empty() && metadata.is_empty() {
        errors.spanned(&item.ident, format!("this bundle holds nothing: {USAGE}"));
    }
    item.attrs.retain(|attr| !is_bundled(attr));
    if !errors.is_empty() {
        return Ok(errors.into_compile_errors());
    }
    let private = quote!(::lauren::__private);
    let ident = &item.ident;
    let name = ident.to_string();
    let guards = crate::interceptor::expand_refs(&guards, Kind::Guard);
    let interceptors = crate::interceptor::expand_refs(&interceptors, Kind::Interceptor);
    let metadata = crate::metadata::expand(&metadata);
    Ok(quote! {
        #item

        #[doc(hidden)]
        #[allow(non_upper_case_globals, clippy::all)]
        const _: () = {
            static __LAUREN_BUNDLE: #private::BundleDescriptor = #private::BundleDescriptor {
                type_name: #name,
                guards: #guards,
                interceptors: #interceptors,
                metadata: #metadata,
            };

            #[automatically_derived]
            impl #private::Bundle for #ident {
                fn descriptor() -> &'static #private::BundleDescriptor {
                    &__LAUREN_BUNDLE
                }
            }
        };
    })
}

fn is_bundled(attr: &Attribute) -> bool {
    attr.path().segments.last().is_some_and(|s| {
        s.ident == "use_guards" || s.ident == "use_interceptors" || s.ident == "set_metadata"
    })
}

/// The bundles of every `#[apply(..)]` among `attrs`, in order.
pub(crate) fn collect(attrs: &[Attribute], errors: &mut Errors) -> Vec<Type> {
    let mut bundles = Vec::new();
    for attr in
        attrs.iter().filter(|a| a.path().segments.last().is_some_and(|s| s.ident == "apply"))
    {
        let tokens = match &attr.meta {
            syn::Meta::List(list) => crate::stacked::strip_marker(list.tokens.clone()),
            _ => TokenStream::new(),
        };
        match syn::parse::Parser::parse2(Punctuated::<Type, Token![,]>::parse_terminated, tokens) {
            Ok(types) if !types.is_empty() => bundles.extend(types),
            _ => {
                errors.spanned(attr, "`#[apply]` names the bundles to apply: `#[apply(AdminOnly)]`")
            }
        }
    }
    bundles
}

/// `&[<A as Bundle>::descriptor, ..]`, each checked at the user's token.
pub(crate) fn expand_refs(types: &[Type]) -> TokenStream {
    let refs = types
        .iter()
        .map(|ty| quote_spanned!(ty.span()=> <#ty as ::lauren::__private::Bundle>::descriptor));
    quote!(&[#(#refs),*])
}
