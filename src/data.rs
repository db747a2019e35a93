//! What one namespace holds: each vendor's data.

use crate::letta::model::LettaData;
use crate::orq::model::OrqData;

#[derive(Default)]
pub struct Namespace {
    pub letta: LettaData,
    pub orq: OrqData,
}
