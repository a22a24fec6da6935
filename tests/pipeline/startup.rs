//! Misconfiguration the macros cannot see fails at `build()`, naming the culprits.

use lauren::ProblemCode;
use lauren::prelude::*;

#[derive(Default)]
struct UsersById;

#[controller("/users")]
impl UsersById {
    #[get("/{id}")]
    async fn by_id(&self, id: u64) -> String {
        id.to_string()
    }
}

#[derive(Default)]
struct UsersByName;

#[controller("/users")]
impl UsersByName {
    #[get("/{name}")]
    async fn by_name(&self, name: String) -> String {
        name
    }
}

#[derive(Default)]
struct AlsoById;

#[controller]
impl AlsoById {
    #[get("/users/{id}")]
    async fn again(&self, id: u64) -> String {
        id.to_string()
    }

    #[post("/users/{id}")]
    async fn update(&self, id: u64) -> String {
        id.to_string()
    }
}

#[module(controllers = [UsersById, AlsoById])]
struct DuplicateRouteModule;

#[module(controllers = [UsersById, UsersByName])]
struct ConflictingParamsModule;

#[module(controllers = [UsersById, UsersById])]
struct TwiceListedModule;

#[tokio::test]
async fn same_method_and_path_across_controllers_names_both_handlers() {
    let err =
        LaurenFactory::create(DuplicateRouteModule).build().await.expect_err("duplicate route");
    assert_eq!(err.code(), "route_conflict");
    assert_eq!(err.problems().len(), 1);
    assert_eq!(err.problems()[0].code(), ProblemCode::RouteConflict);
    assert_eq!(err.problems()[0].culprit(), "AlsoById::again");
    assert_eq!(
        err.to_string(),
        "route conflict: GET /users/{id} is served by both UsersById::by_id and AlsoById::again"
    );
}

#[tokio::test]
async fn conflicting_parameter_names_at_one_position_name_the_routes() {
    let err =
        LaurenFactory::create(ConflictingParamsModule).build().await.expect_err("param conflict");
    assert_eq!(err.code(), "route_conflict");
    assert_eq!(
        err.to_string(),
        "route conflict: GET /users/{name} (UsersByName::by_name) conflicts with /users/{id} (UsersById::by_id): two routes may not use different parameter names at the same position"
    );
}

#[tokio::test]
async fn a_controller_listed_twice_is_reported() {
    let err = LaurenFactory::create(TwiceListedModule).build().await.expect_err("listed twice");
    assert_eq!(err.code(), "duplicate_registration");
    assert_eq!(
        err.to_string(),
        "controller UsersById is listed twice in module TwiceListedModule: list it once"
    );
}

#[tokio::test]
async fn listen_reports_startup_errors_instead_of_serving() {
    let err = LaurenFactory::create(DuplicateRouteModule)
        .listen("127.0.0.1:0")
        .await
        .expect_err("must not serve");
    assert!(matches!(err, lauren::ServeError::Startup(_)));
    assert!(err.to_string().starts_with("startup failed: route conflict"));
}

#[derive(Default)]
struct Stamp;

impl Interceptor for Stamp {
    async fn intercept(
        &self,
        ctx: &mut ExecutionContext<'_>,
        next: CallHandler<'_>,
    ) -> lauren::Result<Reply> {
        next.handle(ctx).await
    }
}

#[module(controllers = [UsersById])]
struct UsersModule;

// Esmerald's `Include` would apply these to the imported routes; a module's apply to its own.
#[module(imports = [UsersModule], interceptors = [Stamp])]
struct ParentWithoutControllersModule;

#[tokio::test]
async fn a_module_with_stages_but_no_controllers_is_reported() {
    let err = LaurenFactory::create(ParentWithoutControllersModule)
        .build()
        .await
        .expect_err("stages that never run");
    assert_eq!(err.problems().len(), 1, "{err}");
    assert_eq!(err.problems()[0].code(), ProblemCode::InvalidModule);
    assert_eq!(err.problems()[0].culprit(), "ParentWithoutControllersModule");
    assert!(
        err.to_string().contains(
            "ParentWithoutControllersModule lists interceptors but has no controllers: a module's stages apply to its own controllers only"
        ),
        "{err}"
    );
}
