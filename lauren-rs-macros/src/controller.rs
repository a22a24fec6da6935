//! `#[controller("/prefix")]`: parse the impl block, check every route, emit the route table.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::spanned::Spanned;
use syn::{ImplItem, ItemImpl, LitStr};

use crate::errors::Errors;
use crate::interceptor::Kind;
use crate::route::{self, Handler, verb_of};
use crate::stacked::is_stacking;
use crate::template::{PathLit, normalize};

const USAGE: &str = "put `#[controller(\"/prefix\")]` on an inherent impl block: `#[controller(\"/orders\")] impl OrdersController { .. }`";

/// What the attribute was given.
struct Model<'a> {
    item: &'a ItemImpl,
    prefix: PathLit,
    /// The path of the `#[ws]` method its socket handlers serve.
    gateway: Option<PathLit>,
    handlers: Vec<Handler<'a>>,
    interceptors: Vec<syn::Type>,
    guards: Vec<syn::Type>,
    pre_interceptors: Vec<syn::Type>,
    exception_handlers: Vec<syn::Type>,
    middleware: Vec<syn::Type>,
    bundles: Vec<syn::Type>,
    metadata: Vec<crate::metadata::Entry>,
}

pub(crate) fn expand(args: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let prefix = parse_args(args)?;
    let item: ItemImpl = syn::parse2(item.clone()).map_err(|_| {
        syn::Error::new_spanned(
            first_tokens(&item),
            format!("`#[controller]` goes on an impl block: {USAGE}"),
        )
    })?;
    let mut errors = Errors::default();
    crate::openapi::check_placement(&item, &mut errors);
    let model = parse(&item, prefix, &mut errors);
    check_duplicates(&model, &mut errors);
    let user_item = strip_verbs(&item);
    if !errors.is_empty() {
        // Re-emit the item, and claim the trait, so one mistake does not cascade into "method
        // not found" or "not a controller" errors elsewhere.
        let errors = errors.into_compile_errors();
        let fallback = fallback_impl(&item.self_ty);
        return Ok(quote!(#user_item #fallback #errors));
    }
    let generated = expand_model(&model);
    Ok(quote!(#user_item #generated))
}

fn fallback_impl(self_ty: &syn::Type) -> TokenStream {
    quote! {
        #[automatically_derived]
        impl ::lauren::__private::Controller for #self_ty {
            fn descriptor() -> &'static ::lauren::__private::ControllerDescriptor {
                ::core::unreachable!("this controller failed to compile")
            }
        }
    }
}

fn first_tokens(item: &TokenStream) -> TokenStream {
    item.clone().into_iter().take(3).collect()
}

fn parse_args(args: TokenStream) -> syn::Result<PathLit> {
    if args.is_empty() {
        return Ok(PathLit { value: String::new(), span: proc_macro2::Span::call_site() });
    }
    let lit: LitStr = syn::parse2(args.clone()).map_err(|_| {
        syn::Error::new_spanned(
            &args,
            "expected the controller's path prefix as a string: `#[controller(\"/orders\")]`",
        )
    })?;
    crate::template::check_literal(&lit.value())
        .map_err(|message| syn::Error::new(lit.span(), message))?;
    Ok(PathLit { value: lit.value(), span: lit.span() })
}

fn parse<'a>(item: &'a ItemImpl, prefix: PathLit, errors: &mut Errors) -> Model<'a> {
    if let Some((path, _)) = &item.trait_ {
        errors.spanned(path, format!("`#[controller]` cannot go on a trait impl: {USAGE}"));
    }
    if !item.generics.params.is_empty() {
        errors.spanned(&item.generics, "controllers cannot be generic: remove the type parameters");
    }
    let gateway = gateway_path(item, errors);
    let handlers = item
        .items
        .iter()
        .filter_map(|it| match it {
            ImplItem::Fn(func) => route::parse(func, &prefix, gateway.as_ref(), errors),
            _ => None,
        })
        .collect();
    let interceptors = crate::interceptor::collect(&item.attrs, Kind::Interceptor, errors);
    let guards = crate::interceptor::collect(&item.attrs, Kind::Guard, errors);
    let pre_interceptors = crate::interceptor::collect(&item.attrs, Kind::PreInterceptor, errors);
    let exception_handlers =
        crate::interceptor::collect(&item.attrs, Kind::ExceptionHandler, errors);
    let middleware = crate::interceptor::collect(&item.attrs, Kind::Middleware, errors);
    let bundles = crate::bundle::collect(&item.attrs, errors);
    let metadata = crate::metadata::collect(&item.attrs, errors);
    Model {
        item,
        prefix,
        gateway,
        handlers,
        interceptors,
        guards,
        pre_interceptors,
        exception_handlers,
        middleware,
        bundles,
        metadata,
    }
}

/// The path of the block's `#[ws]` method, which its `#[on_message]` and `#[on_disconnect]`
/// handlers serve. A gateway has one socket: handlers without a `#[ws]`, or two `#[ws]` next
/// to handlers, are compile errors.
fn gateway_path(item: &ItemImpl, errors: &mut Errors) -> Option<PathLit> {
    let attrs = || {
        item.items
            .iter()
            .filter_map(|it| match it {
                ImplItem::Fn(func) => Some(func),
                _ => None,
            })
            .flat_map(|func| func.attrs.iter())
    };
    let upgrades: Vec<&syn::Attribute> =
        attrs().filter(|attr| verb_of(attr) == Some("ws")).collect();
    let socket_handlers: Vec<&syn::Attribute> = attrs()
        .filter(|attr| matches!(verb_of(attr), Some("on_message" | "on_disconnect")))
        .collect();
    if socket_handlers.is_empty() {
        return None;
    }
    let Some(first) = upgrades.first() else {
        for attr in socket_handlers {
            errors.spanned(
                attr,
                "this handler belongs to a WebSocket gateway: add `#[ws(\"/path\")]` to the method of this impl block that accepts the connection",
            );
        }
        return None;
    };
    for extra in &upgrades[1..] {
        errors.spanned(
            extra,
            "a controller with `#[on_message]` handlers is one gateway with one `#[ws]`: move the other socket to a controller of its own",
        );
    }
    match &first.meta {
        syn::Meta::Path(_) => Some(PathLit { value: String::new(), span: first.span() }),
        syn::Meta::List(list) => syn::parse2::<LitStr>(list.tokens.clone())
            .ok()
            .map(|lit| PathLit { value: lit.value(), span: lit.span() }),
        syn::Meta::NameValue(_) => None,
    }
}

/// The same method and path twice in one controller is a compile error, at the second one.
fn check_duplicates(model: &Model<'_>, errors: &mut Errors) {
    let mut seen: Vec<(&str, String, &syn::Ident)> = Vec::new();
    for handler in &model.handlers {
        for verb in &handler.verbs {
            let name = &handler.func.sig.ident;
            if verb.is_socket_handler() {
                let event = &verb.path.value;
                if let Some((_, _, first)) =
                    seen.iter().find(|(m, p, _)| *m == verb.method && p == event)
                {
                    let what = match (verb.method, event.as_str()) {
                        ("on_disconnect", _) => "`#[on_disconnect]`".to_owned(),
                        (_, "") => "`#[on_message]` (every message)".to_owned(),
                        (_, event) => format!("`#[on_message(\"{event}\")]`"),
                    };
                    errors.spanned(
                        verb.attr,
                        format!("{what} is already handled by `{first}`: a gateway has one handler per event"),
                    );
                } else {
                    seen.push((verb.method, event.clone(), name));
                }
                continue;
            }
            // A `#[ws]` is a GET of its path.
            let method = if verb.method == "ws" { "get" } else { verb.method };
            let path = normalize(&model.prefix.value, &verb.path.value);
            if let Some((_, _, first)) = seen.iter().find(|(m, p, _)| *m == method && *p == path) {
                errors.spanned(
                    verb.attr,
                    format!(
                        "duplicate route {} {path}: `{first}` already serves it; change one path or method",
                        method.to_ascii_uppercase()
                    ),
                );
            } else {
                seen.push((method, path, name));
            }
        }
    }
}

/// The user's impl without the attributes `#[controller]` consumed.
fn strip_verbs(item: &ItemImpl) -> ItemImpl {
    let mut item = item.clone();
    item.attrs.retain(|attr| !is_stacking(attr) && !crate::openapi::is_openapi_attr(attr));
    for it in &mut item.items {
        if let ImplItem::Fn(func) = it {
            let routed = func.attrs.iter().any(|attr| verb_of(attr).is_some());
            func.attrs.retain(|attr| {
                verb_of(attr).is_none()
                    && !is_stacking(attr)
                    && !crate::openapi::is_openapi_attr(attr)
            });
            if !routed {
                continue;
            }
            for input in &mut func.sig.inputs {
                if let syn::FnArg::Typed(typed) = input {
                    typed.attrs.retain(|attr| !crate::bounds::is_bound_attr(attr));
                }
            }
        }
    }
    item
}

fn expand_model(model: &Model<'_>) -> TokenStream {
    let private = quote!(::lauren::__private);
    let self_ty = &model.item.self_ty;
    let type_name = quote!(#self_ty).to_string().replace(' ', "");
    let prefix = &model.prefix.value;

    let mut entries = Vec::new();
    let mut routes = Vec::new();
    for (h, handler) in model.handlers.iter().enumerate() {
        let entry = format_ident!("__lauren_entry_{}", h);
        let entry_boxed = format_ident!("__lauren_entry_{}_boxed", h);
        entries.push(route::expand_entry(handler, self_ty, &entry));
        entries.push(route::expand_checks(handler));
        let (pattern_statics, patterns) = route::expand_patterns(handler, &entry);
        entries.push(pattern_statics);
        let handler_name = handler.func.sig.ident.to_string();
        let path_vars = &handler.path_vars;
        let body = route::expand_body(handler);
        let dependencies = route::expand_dependencies(handler);
        let interceptors =
            crate::interceptor::expand_refs(&handler.interceptors, Kind::Interceptor);
        let guards = crate::interceptor::expand_refs(&handler.guards, Kind::Guard);
        let pre_interceptors =
            crate::interceptor::expand_refs(&handler.pre_interceptors, Kind::PreInterceptor);
        let exception_handlers =
            crate::interceptor::expand_refs(&handler.exception_handlers, Kind::ExceptionHandler);
        let middleware = crate::interceptor::expand_refs(&handler.middleware, Kind::Middleware);
        let bundles = crate::bundle::expand_refs(&handler.bundles);
        let metadata = crate::metadata::expand(&handler.metadata);
        let openapi = crate::openapi::expand_operation(handler, self_ty);
        for verb in &handler.verbs {
            let (kind, method, path, openapi) = match verb.method {
                "ws" => (
                    quote!(WebSocket),
                    "GET",
                    &verb.path.value,
                    quote!(::core::option::Option::None),
                ),
                "on_message" | "on_disconnect" => {
                    let kind = if verb.method == "on_disconnect" {
                        quote!(Disconnect)
                    } else if verb.path.value.is_empty() {
                        quote!(Message(::core::option::Option::None))
                    } else {
                        let event = &verb.path.value;
                        quote!(Message(::core::option::Option::Some(#event)))
                    };
                    let gateway = model.gateway.as_ref().map_or(&verb.path.value, |g| &g.value);
                    (kind, "GET", gateway, quote!(::core::option::Option::None))
                }
                other => (quote!(Http), other, &verb.path.value, openapi.clone()),
            };
            let method = format_ident!("{}", method.to_ascii_uppercase());
            routes.push(quote! {
                #private::RouteDescriptor {
                    kind: #private::RouteKind::#kind,
                    method: #private::Method::#method,
                    path: #path,
                    handler_name: #handler_name,
                    handler: #entry,
                    handler_boxed: #entry_boxed,
                    path_vars: &[#(#path_vars),*],
                    body: #body,
                    interceptors: #interceptors,
                    guards: #guards,
                    pre_interceptors: #pre_interceptors,
                    exception_handlers: #exception_handlers,
                    middleware: #middleware,
                    bundles: #bundles,
                    metadata: #metadata,
                    dependencies: #dependencies,
                    patterns: #patterns,
                    openapi: #openapi,
                }
            });
        }
    }

    let interceptors = crate::interceptor::expand_refs(&model.interceptors, Kind::Interceptor);
    let guards = crate::interceptor::expand_refs(&model.guards, Kind::Guard);
    let pre_interceptors =
        crate::interceptor::expand_refs(&model.pre_interceptors, Kind::PreInterceptor);
    let exception_handlers =
        crate::interceptor::expand_refs(&model.exception_handlers, Kind::ExceptionHandler);
    let middleware = crate::interceptor::expand_refs(&model.middleware, Kind::Middleware);
    let bundles = crate::bundle::expand_refs(&model.bundles);
    let metadata = crate::metadata::expand(&model.metadata);
    let doc = crate::openapi::expand_tag(&model.item.attrs);
    quote! {
        #[doc(hidden)]
        #[allow(non_upper_case_globals, non_snake_case, deprecated, clippy::all, clippy::pedantic)]
        const _: () = {
            #(#entries)*

            // `#[injectable]` if the type has it, else a `Default` singleton.
            fn __lauren_provider() -> &'static #private::ProviderDescriptor {
                #[allow(unused_imports)]
                use #private::{ViaDefault as _, ViaInjectable as _};
                (&&#private::Probe::<#self_ty>::new()).provider()
            }

            static __LAUREN_CONTROLLER: #private::ControllerDescriptor = #private::ControllerDescriptor {
                type_name: #type_name,
                prefix: #prefix,
                routes: &[#(#routes),*],
                provider: __lauren_provider,
                interceptors: #interceptors,
                guards: #guards,
                pre_interceptors: #pre_interceptors,
                exception_handlers: #exception_handlers,
                middleware: #middleware,
                bundles: #bundles,
                metadata: #metadata,
                doc: #doc,
            };

            #[automatically_derived]
            impl #private::Controller for #self_ty {
                fn descriptor() -> &'static #private::ControllerDescriptor {
                    &__LAUREN_CONTROLLER
                }
            }

            #private::inventory::submit! {
                #private::ControllerRegistration(&__LAUREN_CONTROLLER)
            }
        };
    }
}
