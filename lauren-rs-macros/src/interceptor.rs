//! `#[interceptor]` on a struct, and the `#[use_interceptors(A, B)]` lists that attach them.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};

use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Attribute, ItemStruct, Token, Type};

use crate::errors::Errors;
use crate::stacked::strip_marker;

/// The struct a marker attribute (`#[interceptor]`, `#[pre_interceptor]`) goes on: no arguments,
/// a struct, not generic; each mistake reported at the user's tokens with `usage`.
fn marker_struct(
    attr: &str,
    args: TokenStream,
    item: TokenStream,
    usage: &str,
    plural: &str,
) -> syn::Result<ItemStruct> {
    if !args.is_empty() {
        return Err(syn::Error::new_spanned(args, format!("`#[{attr}]` takes no arguments")));
    }
    let item: ItemStruct = syn::parse2(item.clone()).map_err(|_| {
        syn::Error::new_spanned(
            item.clone().into_iter().take(3).collect::<TokenStream>(),
            format!("`#[{attr}]` goes on a struct: {usage}"),
        )
    })?;
    if !item.generics.params.is_empty() {
        return Err(syn::Error::new_spanned(&item.generics, format!("{plural} cannot be generic")));
    }
    Ok(item)
}

pub(crate) fn expand(args: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let item = marker_struct(
        "interceptor",
        args,
        item,
        "`#[interceptor] struct Logging;` then `impl Interceptor for Logging { .. }`",
        "interceptors",
    )?;
    let private = quote!(::lauren::__private);
    let ident = &item.ident;
    let name = ident.to_string();
    Ok(quote! {
        #item

        #[doc(hidden)]
        #[allow(non_upper_case_globals, clippy::all)]
        const _: () = {
            // `#[injectable]` if the type has it, else a `Default` singleton.
            fn __lauren_provider() -> &'static #private::ProviderDescriptor {
                #[allow(unused_imports)]
                use #private::{ViaDefault as _, ViaInjectable as _};
                (&&#private::Probe::<#ident>::new()).provider()
            }

            static __LAUREN_INTERCEPTOR: #private::InterceptorDescriptor = #private::InterceptorDescriptor {
                type_name: #name,
                type_id: #private::type_id_of::<#ident>,
                provider: __lauren_provider,
                adapt: #private::adapt_registered::<#ident>,
                security: #private::no_security,
            };

            #[automatically_derived]
            impl #private::InterceptorType for #ident {
                fn descriptor() -> &'static #private::InterceptorDescriptor {
                    &__LAUREN_INTERCEPTOR
                }
            }

            #private::inventory::submit! {
                #private::InterceptorRegistration(&__LAUREN_INTERCEPTOR)
            }
        };
    })
}

/// What an attachment attribute attaches.
#[derive(Clone, Copy)]
pub(crate) enum Kind {
    /// `#[use_interceptors(..)]`, `interceptors = [..]`.
    Interceptor,
    /// `#[use_guards(..)]`, `guards = [..]`.
    Guard,
    /// `#[use_pre_interceptors(..)]`, `pre_interceptors = [..]`, settings.
    PreInterceptor,
    /// `#[use_exception_handlers(..)]`.
    ExceptionHandler,
    /// `#[use_middleware(..)]`, `middleware = [..]`.
    Middleware,
}

impl Kind {
    fn attr(self) -> &'static str {
        match self {
            Kind::Interceptor => "use_interceptors",
            Kind::Guard => "use_guards",
            Kind::PreInterceptor => "use_pre_interceptors",
            Kind::ExceptionHandler => "use_exception_handlers",
            Kind::Middleware => "use_middleware",
        }
    }

    fn empty_message(self) -> String {
        match self {
            Kind::Interceptor => "`#[use_interceptors]` needs at least one interceptor to attach: `#[use_interceptors(Logging, Timing)]`".to_owned(),
            Kind::Guard => "`#[use_guards]` needs at least one guard to attach: `#[use_guards(ApiKey, Roles)]`".to_owned(),
            Kind::PreInterceptor => "`#[use_pre_interceptors]` needs at least one pre-interceptor to attach: `#[use_pre_interceptors(RequireTenant)]`".to_owned(),
            Kind::ExceptionHandler => "`#[use_exception_handlers]` needs at least one handler to attach: `#[use_exception_handlers(DbDown)]`".to_owned(),
            Kind::Middleware => "`#[use_middleware]` needs at least one middleware to attach: `#[use_middleware(Audit)]`".to_owned(),
        }
    }
}

/// The types of every `#[use_interceptors]` (or `#[use_guards]`) among `attrs`, outermost
/// first: later attributes wrap earlier ones (decorators apply bottom-up), and inside one
/// attribute the first listed is outermost (for guards: runs first).
pub(crate) fn collect(attrs: &[Attribute], kind: Kind, errors: &mut Errors) -> Vec<Type> {
    let mut groups: Vec<Vec<Type>> = Vec::new();
    for attr in
        attrs.iter().filter(|a| a.path().segments.last().is_some_and(|s| s.ident == kind.attr()))
    {
        match &attr.meta {
            syn::Meta::List(list) => {
                let parser = Punctuated::<Type, Token![,]>::parse_terminated;
                match syn::parse::Parser::parse2(parser, strip_marker(list.tokens.clone())) {
                    Ok(types) if types.is_empty() => errors.spanned(attr, kind.empty_message()),
                    Ok(types) => groups.push(types.into_iter().collect()),
                    Err(err) => errors.push(syn::Error::new(
                        err.span(),
                        format!("expected types: `#[{}(A, B)]`", kind.attr()),
                    )),
                }
            }
            _ => errors.spanned(attr, kind.empty_message()),
        }
    }
    groups.into_iter().rev().flatten().collect()
}

/// `&[descriptor_of_A, ..]`: for each attached type a descriptor built where it is named, so any
/// type implementing `Interceptor` can be attached (built by its `#[injectable]` or `Default`),
/// `#[interceptor]` or not. A type that is no interceptor fails at the user's token.
pub(crate) fn expand_refs(types: &[Type], kind: Kind) -> TokenStream {
    let private = quote!(::lauren::__private);
    let (descriptor, adapt) = match kind {
        Kind::Interceptor => (quote!(InterceptorDescriptor), quote!(adapt_interceptor)),
        Kind::Guard | Kind::PreInterceptor => (quote!(GuardDescriptor), quote!(adapt_guard)),
        Kind::ExceptionHandler => {
            (quote!(ExceptionHandlerDescriptor), quote!(adapt_exception_handler))
        }
        Kind::Middleware => (quote!(MiddlewareDescriptor), quote!(adapt_middleware)),
    };
    if let Kind::PreInterceptor = kind {
        let refs = types.iter().map(pre_interceptor_descriptor);
        return quote!(&[#(#refs),*]);
    }
    let refs = types.iter().map(|ty| {
        let name = type_name(ty);
        let security = match kind {
            Kind::Guard => quote!(#private::security_of::<#ty>),
            _ => quote!(#private::no_security),
        };
        quote_spanned! {ty.span()=> {
            fn __lauren_provider() -> &'static #private::ProviderDescriptor {
                #[allow(unused_imports)]
                use #private::{ViaDefault as _, ViaInjectable as _};
                (&&#private::Probe::<#ty>::new()).provider()
            }
            static __LAUREN_ATTACHED: #private::#descriptor =
                #private::#descriptor {
                    type_name: #name,
                    type_id: #private::type_id_of::<#ty>,
                    provider: __lauren_provider,
                    adapt: #private::#adapt::<#ty>,
                    security: #security,
                };
            fn __lauren_interceptor() -> &'static #private::#descriptor {
                &__LAUREN_ATTACHED
            }
            __lauren_interceptor
        }}
    });
    quote!(&[#(#refs),*])
}

/// A block evaluating to a `PreInterceptorRef` for `ty`: built per request with `Default`, or by
/// the container when it is `#[injectable]`.
pub(crate) fn pre_interceptor_descriptor(ty: &Type) -> TokenStream {
    let private = quote!(::lauren::__private);
    let name = type_name(ty);
    quote_spanned! {ty.span()=> {
        #[allow(unused_imports)]
        use #private::{ViaDefault as _, ViaInjectable as _};
        fn __lauren_provider() -> &'static #private::ProviderDescriptor {
            (&&#private::Probe::<#ty>::new()).pre_provider()
        }
        fn __lauren_adapt(
            instance: &#private::Instance,
        ) -> ::core::option::Option<::lauren::PreInterceptorInstance> {
            ((&&#private::Probe::<#ty>::new()).pre_adapt())(instance)
        }
        // A type that is no pre-interceptor is reported here, once.
        fn __lauren_fresh() -> ::core::option::Option<#private::FreshFn> {
            (&&#private::Probe::<#ty>::new()).fresh()
        }
        static __LAUREN_PRE: #private::PreInterceptorDescriptor = #private::PreInterceptorDescriptor {
            component: #private::ComponentDescriptor {
                type_name: #name,
                type_id: #private::type_id_of::<#ty>,
                provider: __lauren_provider,
                adapt: __lauren_adapt,
                security: #private::no_security,
            },
            fresh: __lauren_fresh,
        };
        fn __lauren_pre() -> &'static #private::PreInterceptorDescriptor {
            &__LAUREN_PRE
        }
        __lauren_pre
    }}
}

/// `#[pre_interceptor]` on a struct: registered under its name, so settings may name it.
pub(crate) fn expand_pre(args: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let item = marker_struct(
        "pre_interceptor",
        args,
        item,
        "`#[pre_interceptor] struct RequireTenant;` then `impl PreInterceptor for RequireTenant { .. }`",
        "pre-interceptors",
    )?;
    let private = quote!(::lauren::__private);
    let ident = &item.ident;
    let descriptor = pre_interceptor_descriptor(&syn::parse_quote!(#ident));
    Ok(quote! {
        #item

        #[doc(hidden)]
        #[allow(non_upper_case_globals, clippy::all)]
        const _: () = {
            #private::inventory::submit! {
                #private::PreInterceptorRegistration(#descriptor)
            }
        };
    })
}

/// The type's last path segment, as the user named it (`Logging` for `crate::Logging`).
fn type_name(ty: &Type) -> String {
    match ty {
        Type::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
    .unwrap_or_else(|| quote!(#ty).to_string().replace(' ', ""))
}
