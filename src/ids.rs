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
        IdSource { seeded: Some(Mutex::new(StdRng::seed_from_u64(seed))) }
    }

    fn random_bytes<const N: usize>(&self) -> [u8; N] {
        let mut bytes = [0u8; N];
        match &self.seeded {
            None => rand::thread_rng().fill_bytes(&mut bytes),
            Some(rng) => rng.lock().fill_bytes(&mut bytes),
        }
        bytes
    }

    /// A random (version 4) UUID.
    pub fn uuid4(&self) -> Uuid {
        uuid::Builder::from_random_bytes(self.random_bytes()).into_uuid()
    }

    /// A ULID: 48 bits of milliseconds since the epoch, then 80 random bits, in Crockford base32
    /// (26 characters, sortable by time).
    pub fn ulid(&self, now_millis: u64) -> String {
        let random: [u8; 10] = self.random_bytes();
        let mut value = u128::from(now_millis & 0xFFFF_FFFF_FFFF) << 80;
        for (i, byte) in random.iter().enumerate() {
            value |= u128::from(*byte) << (8 * (9 - i));
        }
        encode_crockford(value)
    }
}

const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

fn encode_crockford(value: u128) -> String {
    (0..26).rev().map(|i| CROCKFORD[((value >> (5 * i)) & 31) as usize] as char).collect()
}

#[cfg(test)]
/// Whether `text` is a ULID as [`IdSource::ulid`] writes them.
pub fn is_ulid(text: &str) -> bool {
    text.len() == 26 && text.as_bytes()[0] <= b'7' && text.bytes().all(|b| CROCKFORD.contains(&b))
}

/// A workspace id that is the same for the same name on every run and machine (a UUID v5).
pub fn stable_uuid(name: &str) -> Uuid {
    const NAMESPACE: Uuid = Uuid::from_u128(0x6f1c_2a9e_3b1d_4c7a_9e2f_6a8b_0c1d_2e3f);
    Uuid::new_v5(&NAMESPACE, name.as_bytes())
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

    #[test]
    fn ulids_encode_time_first_and_sort_by_it() {
        let ids = IdSource::seeded(1);
        let early = ids.ulid(1_700_000_000_000);
        let late = ids.ulid(1_700_000_000_001);
        assert_eq!(early.len(), 26);
        assert!(is_ulid(&early) && is_ulid(&late));
        assert!(early < late);
        // 0 ms and all-zero randomness is the zero ULID.
        assert_eq!(encode_crockford(0), "00000000000000000000000000");
        assert_eq!(encode_crockford(u128::MAX), "7ZZZZZZZZZZZZZZZZZZZZZZZZZ");
        assert!(!is_ulid("8ZZZZZZZZZZZZZZZZZZZZZZZZZ"));
        assert!(!is_ulid("01ARZ3NDEKTSV4RRFFQ69G5FAU"));
    }

    #[test]
    fn stable_uuids_depend_only_on_the_name() {
        assert_eq!(stable_uuid("key-a"), stable_uuid("key-a"));
        assert_ne!(stable_uuid("key-a"), stable_uuid("key-b"));
        assert_eq!(stable_uuid("key-a").get_version_num(), 5);
    }
}
