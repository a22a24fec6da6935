//! Parameter kinds follow the type's traits, not its spelling: aliases and user scalars work.
use lauren::extract::FromParam;
use lauren::prelude::*;

type UserId = u64;
type Body = Json<Vec<u32>>;
type Ctx<'a> = ExecutionContext<'a>;

struct Sku(String);

impl std::str::FromStr for Sku {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Sku(s.to_owned()))
    }
}

impl FromParam for Sku {}

#[derive(Default)]
struct Orders;

#[controller("/orders")]
impl Orders {
    #[post("/{id}")]
    async fn update(&self, id: UserId, sku: Sku, tags: Vec<String>, body: Body, ctx: &Ctx<'_>) -> String {
        format!("{id} {} {tags:?} {:?} {}", sku.0, body.0, ctx.route_template())
    }
}

fn main() {}
