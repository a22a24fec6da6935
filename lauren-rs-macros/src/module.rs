//! `#[module(controllers = [..])]`: a module's descriptor.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{ItemStruct, Token, Type, bracketed};

mod kw {
    syn::custom_keyword!(controllers);
    syn::custom_keyword!(interceptors);
}

/// The parsed attribute arguments.
#[derive(Default)]
struct Args {
    controllers: Option<Vec<Type>>,
    interceptors: Option<Vec<Type>>,
}

/// `= [A, B]` after a key; a key given twice is an error at its second use.
fn type_list<K: syn::spanned::Spanned + quote::ToTokens>(
    key: K,
    name: &str,
    slot: &mut Option<Vec<Type>>,
    input: ParseStream<'_>,
) -> syn::Result<()> {
    if slot.is_some() {
        return Err(syn::Error::new_spanned(key, format!("`{name}` specified more than once")));
    }
    input.parse::<Token![=]>()?;
    let content;
    bracketed!(content in input);
    *slot = Some(Punctuated::<Type, Token![,]>::parse_terminated(&content)?.into_iter().collect());
    Ok(())
}

impl Parse for Args {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut args = Args::default();
        while !input.is_empty() {
            let lookahead = input.lookahead1();
            if lookahead.peek(kw::controllers) {
                let key: kw::controllers = input.parse()?;
                type_list(key, "controllers", &mut args.controllers, input)?;
            } else if lookahead.peek(kw::interceptors) {
                let key: kw::interceptors = input.parse()?;
                type_list(key, "interceptors", &mut args.interceptors, input)?;
            } else {
                return Err(lookahead.error());
            }
            if !input.is_empty() {
                input.parse::<Token![,]>()?;
            }
        }
        Ok(args)
    }
}

pub(crate) fn expand(args: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let args: Args = syn::parse2(args)?;
    let item: ItemStruct = syn::parse2(item.clone()).map_err(|_| {
        syn::Error::new_spanned(
            item.clone().into_iter().take(3).collect::<TokenStream>(),
            "`#[module]` goes on a struct: `#[module(controllers = [..])] struct AppModule;`",
        )
    })?;
    if !item.generics.params.is_empty() {
        return Err(syn::Error::new_spanned(&item.generics, "modules cannot be generic"));
    }
    let private = quote!(::lauren::__private);
    let ident = &item.ident;
    let name = ident.to_string();
    let controllers = args.controllers.unwrap_or_default();
    let interceptors = crate::interceptor::expand_refs(&args.interceptors.unwrap_or_default());
    let entries = controllers
        .iter()
        .map(|ty| quote_spanned!(ty.span()=> <#ty as #private::Controller>::descriptor));
    Ok(quote! {
        #item

        #[doc(hidden)]
        #[allow(non_upper_case_globals, clippy::all)]
        const _: () = {
            static __LAUREN_MODULE: #private::ModuleDescriptor = #private::ModuleDescriptor {
                type_name: #name,
                type_id: #private::type_id_of::<#ident>,
                controllers: &[#(#entries),*],
                interceptors: #interceptors,
            };

            #[automatically_derived]
            impl #private::Module for #ident {
                fn descriptor() -> &'static #private::ModuleDescriptor {
                    &__LAUREN_MODULE
                }
            }
        };
    })
}
