//! `#[exception_handler(DbError, Forbidden)]` on a struct: which errors it catches.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{ItemStruct, Token, Type};

const USAGE: &str =
    "name the error types it catches: `#[exception_handler(DbError, lauren::kinds::Forbidden)]`";

pub(crate) fn expand(args: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let item: ItemStruct = syn::parse2(item.clone()).map_err(|_| {
        syn::Error::new_spanned(
            item.clone().into_iter().take(3).collect::<TokenStream>(),
            "`#[exception_handler(..)]` goes on a struct, then `impl ExceptionHandler for ..`",
        )
    })?;
    let types = syn::parse::Parser::parse2(Punctuated::<Type, Token![,]>::parse_terminated, args)
        .map_err(|err| syn::Error::new(err.span(), format!("{err}: {USAGE}")))?;
    if types.is_empty() {
        return Err(syn::Error::new_spanned(
            &item.ident,
            format!("`#[exception_handler]` catches nothing: {USAGE}"),
        ));
    }
    if !item.generics.params.is_empty() {
        return Err(syn::Error::new_spanned(
            &item.generics,
            "exception handlers cannot be generic",
        ));
    }
    let ident = &item.ident;
    let checks = types.iter().map(|ty| quote_spanned!(ty.span()=> __err.is::<#ty>()));
    Ok(quote! {
        #item

        #[automatically_derived]
        impl ::lauren::Catches for #ident {
            fn catches(__err: &::lauren::HttpError) -> bool {
                #(#checks)||*
            }
        }
    })
}
