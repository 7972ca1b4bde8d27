//! The key-value stores the definition grants (`"capabilities": {"kv": ["default"]}`,
//! docs/kv.md), as plain functions. A module that uses them without a grant is refused at deploy.

/// Why the store did not do what was asked; nothing was changed. The codes of `valor.h`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Error {
    NotGranted = -2,
    NoSuchStore = -3,
    InvalidKey = -4,
    ValueTooLarge = -5,
    QuotaExceeded = -6,
    NotANumber = -7,
    InvalidArgument = -8,
    Unavailable = -9,
}

impl Error {
    fn of(code: i32) -> Error {
        match code {
            -2 => Error::NotGranted,
            -3 => Error::NoSuchStore,
            -4 => Error::InvalidKey,
            -5 => Error::ValueTooLarge,
            -6 => Error::QuotaExceeded,
            -7 => Error::NotANumber,
            -8 => Error::InvalidArgument,
            _ => Error::Unavailable,
        }
    }
}

const ABSENT: i32 = -1;

mod host {
    #[link(wasm_import_module = "valor")]
    extern "C" {
        pub fn kv_get(store: *const u8, store_len: usize, key: *const u8, key_len: usize, buf: *mut u8, cap: usize) -> i32;
        pub fn kv_put(
            store: *const u8,
            store_len: usize,
            key: *const u8,
            key_len: usize,
            value: *const u8,
            value_len: usize,
            ttl_seconds: i64,
        ) -> i32;
        pub fn kv_delete(store: *const u8, store_len: usize, key: *const u8, key_len: usize) -> i32;
        pub fn kv_increment(store: *const u8, store_len: usize, key: *const u8, key_len: usize, delta: i64, out: *mut i64) -> i32;
        pub fn kv_cas(
            store: *const u8,
            store_len: usize,
            key: *const u8,
            key_len: usize,
            expected: *const u8,
            expected_len: i32,
            value: *const u8,
            value_len: usize,
            ttl_seconds: i64,
        ) -> i32;
        pub fn kv_list(
            store: *const u8,
            store_len: usize,
            prefix: *const u8,
            prefix_len: usize,
            cursor: *const u8,
            cursor_len: usize,
            limit: i32,
            buf: *mut u8,
            cap: usize,
        ) -> i32;
    }
}

fn checked(code: i32) -> Result<i32, Error> {
    if code < 0 {
        Err(Error::of(code))
    } else {
        Ok(code)
    }
}

/// The value, or `None` when the key is absent (or expired).
pub fn get(store: &str, key: &str) -> Result<Option<Vec<u8>>, Error> {
    let mut buf = vec![0u8; 256];
    loop {
        let n = unsafe { host::kv_get(store.as_ptr(), store.len(), key.as_ptr(), key.len(), buf.as_mut_ptr(), buf.len()) };
        if n == ABSENT {
            return Ok(None);
        }
        let n = checked(n)? as usize;
        if n <= buf.len() {
            buf.truncate(n);
            return Ok(Some(buf));
        }
        buf = vec![0u8; n]; // it grew between the calls: ask again with its new size
    }
}

/// Sets the value; `ttl_seconds` 0 keeps it until deleted.
pub fn put(store: &str, key: &str, value: &[u8], ttl_seconds: i64) -> Result<(), Error> {
    checked(unsafe {
        host::kv_put(store.as_ptr(), store.len(), key.as_ptr(), key.len(), value.as_ptr(), value.len(), ttl_seconds)
    })
    .map(|_| ())
}

/// Removes the key; true if it was there.
pub fn delete(store: &str, key: &str) -> Result<bool, Error> {
    checked(unsafe { host::kv_delete(store.as_ptr(), store.len(), key.as_ptr(), key.len()) }).map(|n| n == 1)
}

/// Adds `delta` to the key's value (absent counts as 0), atomically; the new value.
pub fn increment(store: &str, key: &str, delta: i64) -> Result<i64, Error> {
    let mut out = 0i64;
    checked(unsafe { host::kv_increment(store.as_ptr(), store.len(), key.as_ptr(), key.len(), delta, &mut out) })?;
    Ok(out)
}

/// Sets the value only if the current one is `expected` (`None`: only if absent); true if set.
pub fn compare_and_swap(store: &str, key: &str, expected: Option<&[u8]>, value: &[u8], ttl_seconds: i64) -> Result<bool, Error> {
    let (e, e_len) = match expected {
        Some(e) => (e.as_ptr(), e.len() as i32),
        None => (std::ptr::null(), -1),
    };
    checked(unsafe {
        host::kv_cas(store.as_ptr(), store.len(), key.as_ptr(), key.len(), e, e_len, value.as_ptr(), value.len(), ttl_seconds)
    })
    .map(|n| n == 1)
}

/// A page of [`list`]: the keys with their expiry (epoch seconds, 0 for none), and where the next
/// page starts (`None` on the last).
pub struct Page {
    pub keys: Vec<(String, i64)>,
    pub cursor: Option<String>,
}

/// Keys starting with `prefix`, in byte order, at most `limit` (1 to 1000), after `cursor`.
pub fn list(store: &str, prefix: &str, cursor: Option<&str>, limit: i32) -> Result<Page, Error> {
    let c = cursor.unwrap_or("");
    let call = |buf: &mut Vec<u8>| unsafe {
        host::kv_list(
            store.as_ptr(),
            store.len(),
            prefix.as_ptr(),
            prefix.len(),
            c.as_ptr(),
            c.len(),
            limit,
            buf.as_mut_ptr(),
            buf.len(),
        )
    };
    let mut buf = vec![0u8; 4096];
    let mut n = checked(call(&mut buf))? as usize;
    while n > buf.len() {
        buf = vec![0u8; n];
        n = checked(call(&mut buf))? as usize;
    }
    buf.truncate(n);
    Ok(decode_page(&buf))
}

fn u32_at(b: &[u8], at: usize) -> usize {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]) as usize
}

fn decode_page(b: &[u8]) -> Page {
    let count = u32_at(b, 0);
    let cursor_len = u32_at(b, 4);
    let cursor = String::from_utf8_lossy(&b[8..8 + cursor_len]).into_owned();
    let mut at = 8 + cursor_len;
    let mut keys = Vec::with_capacity(count);
    for _ in 0..count {
        let n = u32_at(b, at);
        let name = String::from_utf8_lossy(&b[at + 4..at + 4 + n]).into_owned();
        let mut e = [0u8; 8];
        e.copy_from_slice(&b[at + 4 + n..at + 12 + n]);
        keys.push((name, i64::from_le_bytes(e)));
        at += 12 + n;
    }
    Page { keys, cursor: if cursor.is_empty() { None } else { Some(cursor) } }
}
