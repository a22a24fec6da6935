//! `#[module(imports = [..], controllers = [..], providers = [..], exports = [..],
//! interceptors = [..], guards = [..], pre_interceptors = [..], settings = S, prefix = "/api")]`:
//! a module's descriptor.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, ItemStruct, LitStr, Token, Type, bracketed};

mod kw {
    syn::custom_keyword!(imports);
    syn::custom_keyword!(controllers);
    syn::custom_keyword!(providers);
    syn::custom_keyword!(exports);
    syn::custom_keyword!(interceptors);
    syn::custom_keyword!(guards);
    syn::custom_keyword!(middleware);
    syn::custom_keyword!(prefix);
    syn::custom_keyword!(pre_interceptors);
    syn::custom_keyword!(settings);
}

/// The parsed attribute arguments.
#[derive(Default)]
struct Args {
    imports: Option<Vec<Type>>,
    controllers: Option<Vec<Type>>,
    providers: Option<Vec<Expr>>,
    exports: Option<Vec<Expr>>,
    interceptors: Option<Vec<Type>>,
    guards: Option<Vec<Type>>,
    middleware: Option<Vec<Type>>,
    pre_interceptors: Option<Vec<Type>>,
    settings: Option<Type>,
    prefix: Option<LitStr>,
}

fn once<T>(slot: &Option<T>, key: &impl quote::ToTokens, name: &str) -> syn::Result<()> {
    match slot {
        Some(_) => Err(syn::Error::new_spanned(key, format!("`{name}` specified more than once"))),
        None => Ok(()),
    }
}

fn list<T: Parse>(input: ParseStream<'_>) -> syn::Result<Vec<T>> {
    input.parse::<Token![=]>()?;
    let content;
    bracketed!(content in input);
    Ok(Punctuated::<T, Token![,]>::parse_terminated(&content)?.into_iter().collect())
}

impl Parse for Args {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut args = Args::default();
        while !input.is_empty() {
            let lookahead = input.lookahead1();
            if lookahead.peek(kw::imports) {
                let key: kw::imports = input.parse()?;
                once(&args.imports, &key, "imports")?;
                args.imports = Some(list(input)?);
            } else if lookahead.peek(kw::controllers) {
                let key: kw::controllers = input.parse()?;
                once(&args.controllers, &key, "controllers")?;
                args.controllers = Some(list(input)?);
            } else if lookahead.peek(kw::providers) {
                let key: kw::providers = input.parse()?;
                once(&args.providers, &key, "providers")?;
                args.providers = Some(list(input)?);
            } else if lookahead.peek(kw::exports) {
                let key: kw::exports = input.parse()?;
                once(&args.exports, &key, "exports")?;
                args.exports = Some(list(input)?);
            } else if lookahead.peek(kw::middleware) {
                let key: kw::middleware = input.parse()?;
                once(&args.middleware, &key, "middleware")?;
                args.middleware = Some(list(input)?);
            } else if lookahead.peek(kw::guards) {
                let key: kw::guards = input.parse()?;
                once(&args.guards, &key, "guards")?;
                args.guards = Some(list(input)?);
            } else if lookahead.peek(kw::interceptors) {
                let key: kw::interceptors = input.parse()?;
                once(&args.interceptors, &key, "interceptors")?;
                args.interceptors = Some(list(input)?);
            } else if lookahead.peek(kw::pre_interceptors) {
                let key: kw::pre_interceptors = input.parse()?;
                once(&args.pre_interceptors, &key, "pre_interceptors")?;
                args.pre_interceptors = Some(list(input)?);
            } else if lookahead.peek(kw::settings) {
                let key: kw::settings = input.parse()?;
                once(&args.settings, &key, "settings")?;
                input.parse::<Token![=]>()?;
                args.settings = Some(input.parse()?);
            } else if lookahead.peek(kw::prefix) {
                let key: kw::prefix = input.parse()?;
                once(&args.prefix, &key, "prefix")?;
                input.parse::<Token![=]>()?;
                let prefix: LitStr = input.parse()?;
                crate::template::check_literal(&prefix.value())
                    .map_err(|message| syn::Error::new(prefix.span(), message))?;
                args.prefix = Some(prefix);
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

/// `token(URL)` in `exports`: the token constant `URL`. Told apart from a type by this syntax,
/// never by how a name is spelled (`struct DB;` is a type like any other).
fn token_in(expr: &Expr) -> Option<&Expr> {
    let Expr::Call(call) = expr else { return None };
    let Expr::Path(func) = &*call.func else { return None };
    (func.path.is_ident("token") && call.args.len() == 1).then(|| &call.args[0])
}

/// A provider entry: a path is an injectable type; anything else is an expression evaluating
/// to a `Provider` (`provide::<T>().use_value(..)` and friends).
fn provider_entry(expr: &Expr) -> TokenStream {
    let private = quote!(::lauren::__private);
    match expr {
        Expr::Path(path) => {
            // Only the probe carries the user's span: errors point at their type, and the
            // helper imports never produce a lint there.
            let probe =
                quote_spanned!(path.span()=> (&&#private::Probe::<#path>::new()).provider());
            quote! {
                #private::Provider::from_descriptor({
                    #[allow(unused_imports)]
                    use #private::{ViaDefault as _, ViaInjectable as _};
                    #probe
                })
            }
        }
        other => {
            quote_spanned!(other.span()=> ::core::convert::Into::<#private::Provider>::into(#other))
        }
    }
}

/// An export entry: a type, or `token(CONST)`.
fn export_entry(expr: &Expr) -> TokenStream {
    let private = quote!(::lauren::__private);
    match token_in(expr) {
        Some(token) => {
            quote_spanned!(token.span()=> { fn __key() -> #private::Key { (#token).key() } __key })
        }
        None => quote_spanned!(expr.span()=> #private::key_of::<#expr>),
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
    let imports = args.imports.unwrap_or_default();
    let imports =
        imports.iter().map(|ty| quote_spanned!(ty.span()=> <#ty as #private::Module>::descriptor));
    let controllers = args.controllers.unwrap_or_default();
    let controllers = controllers
        .iter()
        .map(|ty| quote_spanned!(ty.span()=> <#ty as #private::Controller>::descriptor));
    let providers = args.providers.unwrap_or_default();
    let providers = providers.iter().map(provider_entry);
    let exports = args.exports.unwrap_or_default();
    let exports = exports.iter().map(export_entry);
    let interceptors = crate::interceptor::expand_refs(
        &args.interceptors.unwrap_or_default(),
        crate::interceptor::Kind::Interceptor,
    );
    let guards = crate::interceptor::expand_refs(
        &args.guards.unwrap_or_default(),
        crate::interceptor::Kind::Guard,
    );
    let middleware = crate::interceptor::expand_refs(
        &args.middleware.unwrap_or_default(),
        crate::interceptor::Kind::Middleware,
    );
    let pre_interceptors = crate::interceptor::expand_refs(
        &args.pre_interceptors.unwrap_or_default(),
        crate::interceptor::Kind::PreInterceptor,
    );
    let settings = match &args.settings {
        Some(ty) => quote_spanned!(ty.span()=>
            ::core::option::Option::Some(<#ty as #private::Settings>::descriptor)),
        None => quote!(::core::option::Option::None),
    };
    let prefix = args.prefix.map_or_else(String::new, |p| p.value());
    Ok(quote! {
        #item

        #[doc(hidden)]
        #[allow(non_upper_case_globals, clippy::all)]
        const _: () = {
            fn __lauren_providers() -> ::std::vec::Vec<#private::Provider> {
                ::std::vec![#(#providers),*]
            }

            static __LAUREN_MODULE: #private::ModuleDescriptor = #private::ModuleDescriptor {
                type_name: #name,
                type_id: #private::type_id_of::<#ident>,
                imports: &[#(#imports),*],
                providers: __lauren_providers,
                exports: &[#(#exports),*],
                prefix: #prefix,
                controllers: &[#(#controllers),*],
                interceptors: #interceptors,
                guards: #guards,
                middleware: #middleware,
                pre_interceptors: #pre_interceptors,
                settings: #settings,
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
