//! Where identifiers come from: the system's randomness, or a seeded generator for runs that must
//! give the same ids every time.

use parking_lot::Mutex;
use rand::rngs::StdRng;
use rand::{RngCore, SeedableRng};
use uuid::Uuid;

pub struct IdSource {
    seeded: Option<Mutex<StdRng>>,
}

impl IdSource {
    pub fn random() -> IdSource {
        IdSource { seeded: None }
    }

    pub fn seeded(seed: u64) -> IdSource {
        IdSource {
            seeded: Some(Mutex::new(StdRng::seed_from_u64(seed))),
        }
    }

    /// A random (version 4) UUID.
    pub fn uuid4(&self) -> Uuid {
        match &self.seeded {
            None => Uuid::new_v4(),
            Some(rng) => {
                let mut bytes = [0u8; 16];
                rng.lock().fill_bytes(&mut bytes);
                uuid::Builder::from_random_bytes(bytes).into_uuid()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_ids_repeat_and_are_version_4() {
        let a = IdSource::seeded(7);
        let b = IdSource::seeded(7);
        let first = a.uuid4();
        assert_eq!(first, b.uuid4());
        assert_ne!(first, a.uuid4());
        assert_eq!(first.get_version_num(), 4);
        assert_eq!(IdSource::random().uuid4().get_version_num(), 4);
    }
}
