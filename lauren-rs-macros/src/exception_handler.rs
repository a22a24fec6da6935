//! `#[exception_handler(DbError, Forbidden)]` on a struct: which errors it catches.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{ItemFn, ItemStruct, Token, Type};

const USAGE: &str =
    "name the error types it catches: `#[exception_handler(DbError, lauren::kinds::Forbidden)]`";

pub(crate) fn expand(args: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    if let Ok(func) = syn::parse2::<ItemFn>(item.clone()) {
        let types = parse_types(args, &func.sig.ident)?;
        return Ok(expand_fn(&func, &types));
    }
    let item: ItemStruct = syn::parse2(item.clone()).map_err(|_| {
        syn::Error::new_spanned(
            item.clone().into_iter().take(3).collect::<TokenStream>(),
            "`#[exception_handler(..)]` goes on a struct (then `impl ExceptionHandler for ..`) or on an `async fn(err: &HttpError, ctx: &mut ExecutionContext<'_>) -> lauren::Result<Reply>`",
        )
    })?;
    let types = parse_types(args, &item.ident)?;
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

fn parse_types(args: TokenStream, at: &syn::Ident) -> syn::Result<Punctuated<Type, Token![,]>> {
    let types = syn::parse::Parser::parse2(Punctuated::<Type, Token![,]>::parse_terminated, args)
        .map_err(|err| syn::Error::new(err.span(), format!("{err}: {USAGE}")))?;
    if types.is_empty() {
        return Err(syn::Error::new_spanned(
            at,
            format!("`#[exception_handler]` catches nothing: {USAGE}"),
        ));
    }
    Ok(types)
}

/// The function form: a unit type of the function's name (types and functions live in
/// different namespaces) that `#[use_exception_handlers(name)]` attaches.
fn expand_fn(func: &ItemFn, types: &Punctuated<Type, Token![,]>) -> TokenStream {
    let ident = &func.sig.ident;
    let vis = &func.vis;
    let checks = types.iter().map(|ty| quote_spanned!(ty.span()=> __err.is::<#ty>()));
    let call = quote_spanned!(func.sig.span()=> #ident(__err, __ctx));
    quote! {
        #func

        #[doc(hidden)]
        #[allow(non_camel_case_types)]
        #[derive(Default)]
        // Braced, so it takes the type name only and leaves the value name to the function.
        #vis struct #ident {}

        #[automatically_derived]
        impl ::lauren::Catches for #ident {
            fn catches(__err: &::lauren::HttpError) -> bool {
                #(#checks)||*
            }
        }

        #[automatically_derived]
        impl ::lauren::ExceptionHandler for #ident {
            async fn catch(
                &self,
                __err: &::lauren::HttpError,
                __ctx: &mut ::lauren::ExecutionContext<'_>,
            ) -> ::lauren::Result<::lauren::Reply> {
                #call.await
            }
        }
    }
}
