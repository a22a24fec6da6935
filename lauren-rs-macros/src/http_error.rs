//! `#[http_error]` on `impl IntoHttpError for MyError { .. }`: registers the type so `?` renders
//! it as the impl says.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::ItemImpl;
use syn::spanned::Spanned;

const USAGE: &str = "`#[http_error]` goes on `impl IntoHttpError for MyError { fn to_http_error(&self) -> HttpError { .. } }`";

pub(crate) fn expand(args: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    if !args.is_empty() {
        return Err(syn::Error::new_spanned(args, "`#[http_error]` takes no arguments"));
    }
    let item: ItemImpl = syn::parse2(item.clone()).map_err(|_| {
        syn::Error::new_spanned(item.clone().into_iter().take(3).collect::<TokenStream>(), USAGE)
    })?;
    let Some((path, _)) = &item.trait_ else {
        return Err(syn::Error::new_spanned(&item.self_ty, USAGE));
    };
    if path.segments.last().is_none_or(|s| s.ident != "IntoHttpError") {
        return Err(syn::Error::new_spanned(path, USAGE));
    }
    if !item.generics.params.is_empty() {
        return Err(syn::Error::new_spanned(
            &item.generics,
            "`#[http_error]` registers one concrete type: remove the type parameters",
        ));
    }
    let private = quote!(::lauren::__private);
    let ty = &item.self_ty;
    let marker = quote_spanned!(ty.span()=> impl ::lauren::MappedError for #ty {});
    Ok(quote! {
        #item

        #[automatically_derived]
        #marker

        #private::inventory::submit! {
            #private::ErrorMapping {
                type_id: #private::type_id_of::<#ty>,
                map: #private::map_as::<#ty>,
            }
        }
    })
}
