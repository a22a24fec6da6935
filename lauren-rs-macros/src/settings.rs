//! `#[settings(pre_interceptors = [RequireTenant, "AuditLog"])]` on a unit struct: an app's (or a
//! child app module's) pre-interceptors, by type or by registered name.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, ItemStruct, Lit, Token, bracketed};

mod kw {
    syn::custom_keyword!(pre_interceptors);
}

const USAGE: &str =
    "`#[settings(pre_interceptors = [RequireTenant, \"AuditLog\"])] struct AppSettings;`";

/// A listed pre-interceptor.
enum Entry {
    Type(Box<syn::Type>),
    Name(syn::LitStr),
}

struct Args {
    pre_interceptors: Vec<Entry>,
}

impl Parse for Args {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut pre_interceptors = None;
        while !input.is_empty() {
            let key: kw::pre_interceptors = input.parse().map_err(|err| {
                syn::Error::new(err.span(), format!("expected `pre_interceptors = [..]`: {USAGE}"))
            })?;
            if pre_interceptors.is_some() {
                return Err(syn::Error::new_spanned(
                    key,
                    "`pre_interceptors` specified more than once",
                ));
            }
            input.parse::<Token![=]>()?;
            let content;
            bracketed!(content in input);
            let exprs = Punctuated::<Expr, Token![,]>::parse_terminated(&content)?;
            let entries = exprs.into_iter().map(entry).collect::<syn::Result<Vec<_>>>()?;
            pre_interceptors = Some(entries);
            if !input.is_empty() {
                input.parse::<Token![,]>()?;
            }
        }
        Ok(Self { pre_interceptors: pre_interceptors.unwrap_or_default() })
    }
}

/// A type path, or a name as a string literal; anything else is an error at the entry.
fn entry(expr: Expr) -> syn::Result<Entry> {
    match expr {
        Expr::Path(path) if path.qself.is_none() && path.attrs.is_empty() => {
            let path = path.path;
            Ok(Entry::Type(Box::new(syn::parse_quote!(#path))))
        }
        Expr::Lit(syn::ExprLit { lit: Lit::Str(name), .. }) => Ok(Entry::Name(name)),
        other => Err(syn::Error::new_spanned(
            other,
            "a settings entry is a pre-interceptor type (`RequireTenant`) or its registered name as a string literal (`\"RequireTenant\"`)",
        )),
    }
}

pub(crate) fn expand(args: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let args: Args = syn::parse2(args)?;
    let item: ItemStruct = syn::parse2(item.clone()).map_err(|_| {
        syn::Error::new_spanned(
            item.clone().into_iter().take(3).collect::<TokenStream>(),
            format!("`#[settings]` goes on a struct: {USAGE}"),
        )
    })?;
    if !item.generics.params.is_empty() {
        return Err(syn::Error::new_spanned(&item.generics, "settings types cannot be generic"));
    }
    // A settings type is often named only by `LAUREN_SETTINGS`, never constructed.
    let mut item = item;
    item.attrs.push(syn::parse_quote!(#[allow(dead_code)]));
    let private = quote!(::lauren::__private);
    let ident = &item.ident;
    let name = ident.to_string();
    let entries = args.pre_interceptors.iter().map(|entry| match entry {
        Entry::Type(ty) => {
            let descriptor = crate::interceptor::pre_interceptor_descriptor(ty);
            quote_spanned!(ty.span()=> #private::SettingsEntry::Type(#descriptor))
        }
        Entry::Name(name) => quote!(#private::SettingsEntry::Name(#name)),
    });
    Ok(quote! {
        #item

        #[doc(hidden)]
        #[allow(non_upper_case_globals, clippy::all)]
        const _: () = {
            static __LAUREN_SETTINGS: #private::SettingsDescriptor = #private::SettingsDescriptor {
                type_name: #name,
                pre_interceptors: &[#(#entries),*],
            };

            #[automatically_derived]
            impl #private::Settings for #ident {
                fn descriptor() -> &'static #private::SettingsDescriptor {
                    &__LAUREN_SETTINGS
                }
            }

            #private::inventory::submit! {
                #private::SettingsRegistration(&__LAUREN_SETTINGS)
            }
        };
    })
}
