//! Every DI startup error, with its exact message and culprit.

use lauren::di::{Inject, provide};
use lauren::prelude::*;
use lauren::{ProblemCode, StartupError};

async fn startup_error(builder: lauren::AppBuilder) -> StartupError {
    builder.build().await.expect_err("the app must not start")
}

// Missing provider, reported with the chain that needs it.
struct Database;

#[injectable]
struct OrderService {
    database: Inject<Database>,
}

#[injectable]
struct OrdersController {
    orders: Inject<OrderService>,
}

#[controller("/orders")]
impl OrdersController {
    #[get]
    async fn list(&self) {
        let _ = &self.orders.database;
    }
}

#[module(controllers = [OrdersController], providers = [OrderService])]
struct MissingModule;

#[tokio::test]
async fn missing_provider_names_the_chain() {
    let err = startup_error(LaurenFactory::create(MissingModule)).await;
    assert_eq!(err.code(), "missing_provider");
    assert_eq!(err.problems()[0].code(), ProblemCode::MissingProvider);
    assert_eq!(
        err.to_string(),
        "No provider for Database (OrdersController -> OrderService -> Database)"
    );
    assert_eq!(err.problems()[0].culprit(), "OrderService");
}

// A provider that exists but is not exported to the consumer's module.
#[derive(Default)]
#[injectable]
struct HiddenRepository;

#[module(providers = [HiddenRepository])]
struct HidingModule;

#[injectable]
struct NeedsHidden {
    repository: Inject<HiddenRepository>,
}

#[controller("/hidden")]
impl NeedsHidden {
    #[get]
    async fn show(&self) {
        let _ = &self.repository;
    }
}

#[module(imports = [HidingModule], controllers = [NeedsHidden])]
struct ConsumerModule;

#[tokio::test]
async fn a_provider_not_exported_names_the_module() {
    let err = startup_error(LaurenFactory::create(ConsumerModule)).await;
    assert_eq!(err.code(), "provider_not_visible");
    assert_eq!(
        err.to_string(),
        "No provider for HiddenRepository visible from module ConsumerModule. Either declare it in this module or import a module that exports it. (NeedsHidden -> HiddenRepository)"
    );
}

// Circular dependency. Neither is ever built: the cycle stops startup.
#[allow(dead_code)]
#[injectable]
struct Chicken {
    egg: Inject<Egg>,
}

#[allow(dead_code)]
#[injectable]
struct Egg {
    chicken: Inject<Chicken>,
}

#[module(providers = [Chicken, Egg])]
struct CircularModule;

#[tokio::test]
async fn circular_dependencies_show_the_cycle() {
    let err = startup_error(LaurenFactory::create(CircularModule)).await;
    assert_eq!(err.code(), "circular_dependency");
    assert_eq!(err.to_string(), "Circular dependency: Chicken -> Egg -> Chicken");
}

// Circular module import.
#[module(imports = [SecondModule])]
struct FirstModule;

#[module(imports = [FirstModule])]
struct SecondModule;

#[module(imports = [FirstModule])]
struct LoopRootModule;

#[tokio::test]
async fn circular_module_imports_show_the_cycle() {
    let err = startup_error(LaurenFactory::create(LoopRootModule)).await;
    assert_eq!(err.code(), "circular_import");
    assert_eq!(
        err.to_string(),
        "Circular module import: FirstModule -> SecondModule -> FirstModule"
    );
}

// Scope violation: a singleton controller depending on a request-scoped service.
#[derive(Default)]
#[injectable(scope = Request)]
struct ReqSvc;

#[injectable]
struct SingletonController {
    per_request: Inject<ReqSvc>,
}

#[controller("/scoped")]
impl SingletonController {
    #[get]
    async fn show(&self) {
        let _ = &self.per_request;
    }
}

#[module(controllers = [SingletonController], providers = [ReqSvc])]
struct ScopeViolationModule;

#[tokio::test]
async fn a_singleton_may_not_depend_on_a_request_scoped_provider() {
    let err = startup_error(LaurenFactory::create(ScopeViolationModule)).await;
    assert_eq!(err.code(), "scope_violation");
    assert_eq!(
        err.to_string(),
        "Singleton depends on request-scoped ReqSvc (SingletonController -> ReqSvc): a dependent may not outlive its dependency; narrow the dependent's scope or widen the dependency's"
    );
}

// Exporting a provider the module does not declare.
#[module(exports = [HiddenRepository])]
struct OverExportingModule;

#[tokio::test]
async fn exporting_an_undeclared_provider_is_an_error() {
    let err = startup_error(LaurenFactory::create(OverExportingModule)).await;
    assert_eq!(err.code(), "export_violation");
    assert_eq!(
        err.to_string(),
        "OverExportingModule exports HiddenRepository which it neither declares nor imports"
    );
}

// Two bindings of one token without multi, and one provider in two modules.
#[module(providers = [provide::<u16>().use_value(1), provide::<u16>().use_value(2)])]
struct TwiceBoundModule;

trait Notifier: Send + Sync {}

#[derive(Default)]
#[injectable]
struct Mailer;

impl Notifier for Mailer {}

#[derive(Default)]
#[injectable]
struct Texter;

impl Notifier for Texter {}

#[module(providers = [
    provide::<dyn Notifier>().use_class::<Mailer>(|m| m),
    provide::<dyn Notifier>().use_class::<Texter>(|t| t),
])]
struct TwoClassesModule;

#[module(providers = [HiddenRepository], exports = [HiddenRepository])]
struct DeclaringModule;

#[module(providers = [HiddenRepository])]
struct OtherOwnerModule;

#[module(imports = [HidingModule, OtherOwnerModule])]
struct TwoOwnersModule;

#[tokio::test]
async fn a_token_bound_twice_without_multi_is_an_error() {
    let err = startup_error(LaurenFactory::create(TwiceBoundModule)).await;
    assert_eq!(err.code(), "ambiguous_binding");
    assert_eq!(
        err.to_string(),
        "u16 is bound to both a value (TwiceBoundModule) and a value (TwiceBoundModule): bind it once, or mark every binding `.multi()` to inject them all as a Vec"
    );
    let err = startup_error(LaurenFactory::create(TwoClassesModule)).await;
    assert_eq!(err.code(), "ambiguous_binding");
    assert_eq!(
        err.to_string(),
        "Notifier is bound to both Mailer (TwoClassesModule) and Texter (TwoClassesModule): bind it once, or mark every binding `.multi()` to inject them all as a Vec"
    );
    let err = startup_error(LaurenFactory::create(TwoOwnersModule)).await;
    assert_eq!(err.code(), "duplicate_binding");
    assert_eq!(
        err.to_string(),
        "Provider HiddenRepository is declared in both HidingModule and OtherOwnerModule; a provider may only belong to one module: declare it once and export it"
    );
}

// A transient provider with teardown.
#[derive(Default)]
#[injectable(scope = Transient, pre_destruct = close)]
struct Scratch;

impl Scratch {
    async fn close(&self) {}
}

#[module(providers = [Scratch])]
struct TransientTeardownModule;

#[tokio::test]
async fn a_transient_provider_cannot_have_teardown() {
    let err = startup_error(LaurenFactory::create(TransientTeardownModule)).await;
    assert_eq!(err.code(), "transient_teardown");
    assert_eq!(
        err.to_string(),
        "Scratch is transient but has a pre_destruct hook: nothing owns a transient instance to tear it down; make it request-scoped or a singleton"
    );
}

#[tokio::test]
async fn the_same_provider_in_a_module_and_among_the_global_providers_is_one_binding() {
    let builder = LaurenFactory::create(DeclaringModule)
        .global_providers([lauren::di::Provider::of::<HiddenRepository>()]);
    let app = builder.build().await.expect("an identical registration is deduplicated");
    app.shutdown().await;
}

// A guard whose dependency nobody provides.
struct Vault;

#[injectable]
struct VaultGuard {
    vault: Inject<Vault>,
}

impl Guard for VaultGuard {
    async fn can_activate(&self, _: &mut ExecutionContext<'_>) -> lauren::Result<bool> {
        let _ = &self.vault;
        Ok(true)
    }
}

#[derive(Default)]
struct VaultController;

#[controller("/vault")]
impl VaultController {
    #[use_guards(VaultGuard)]
    #[get]
    async fn open(&self) -> &'static str {
        "open"
    }
}

#[module(controllers = [VaultController])]
struct VaultModule;

#[tokio::test]
async fn a_guard_needing_a_missing_provider_is_a_startup_error_naming_the_chain() {
    let err = startup_error(LaurenFactory::create(VaultModule)).await;
    assert_eq!(err.code(), "missing_provider");
    assert_eq!(err.to_string(), "No provider for Vault (VaultGuard -> Vault)");
}

// A handler parameter injecting a provider another module keeps to itself.
#[derive(Default)]
struct HandlerNeedsHidden;

#[controller("/handler-hidden")]
impl HandlerNeedsHidden {
    #[get]
    async fn show(&self, repository: Inject<HiddenRepository>) {
        let _ = repository;
    }
}

#[module(imports = [HidingModule], controllers = [HandlerNeedsHidden])]
struct HandlerConsumerModule;

#[tokio::test]
async fn a_handler_parameter_not_exported_to_it_names_the_module() {
    let err = startup_error(LaurenFactory::create(HandlerConsumerModule)).await;
    assert_eq!(err.code(), "provider_not_visible");
    assert_eq!(
        err.to_string(),
        "No provider for HiddenRepository visible from module HandlerConsumerModule. Either declare it in this module or import a module that exports it. (HandlerNeedsHidden::show -> HiddenRepository)"
    );
}
