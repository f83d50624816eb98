//! A small little-endian binary format for model files: a magic header, then typed fields.
//!
//! Every model file starts with an 8-byte magic (`NGxxxxxx`) and a format version, so that a
//! stale or foreign file is refused with a clear [`ModelError`] instead of misread.

use std::fmt;

/// A model file that cannot be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ModelError {
    /// The file does not start with the expected magic bytes.
    BadMagic {
        /// The magic that was expected.
        expected: String,
    },
    /// The file's format version is not the one this build reads.
    Version {
        /// Version found in the file.
        found: u32,
        /// Version this build reads.
        expected: u32,
    },
    /// The file ended before a field was complete.
    Truncated {
        /// Byte offset at which more data was needed.
        offset: usize,
    },
    /// A field held an impossible value.
    Invalid(String),
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ModelError::BadMagic { expected } => {
                write!(f, "not a {expected} model file (bad magic bytes)")
            }
            ModelError::Version { found, expected } => {
                write!(
                    f,
                    "model format version {found}, this build reads version {expected}"
                )
            }
            ModelError::Truncated { offset } => write!(f, "model file truncated at byte {offset}"),
            ModelError::Invalid(m) => write!(f, "invalid model file: {m}"),
        }
    }
}

impl std::error::Error for ModelError {}

/// Appends fields to a byte buffer.
#[derive(Default, Debug)]
pub struct Writer {
    buf: Vec<u8>,
}

impl Writer {
    /// A buffer that starts with `magic` (8 bytes) and `version`.
    pub fn new(magic: &[u8; 8], version: u32) -> Self {
        let mut w = Self { buf: Vec::new() };
        w.buf.extend_from_slice(magic);
        w.u32(version);
        w
    }

    /// One byte.
    pub fn u8(&mut self, v: u8) {
        self.buf.push(v);
    }

    /// A fixed-width u32.
    pub fn u32(&mut self, v: u32) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    /// A fixed-width u64.
    pub fn u64(&mut self, v: u64) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    /// An unsigned LEB128 varint.
    pub fn varint(&mut self, mut v: u64) {
        loop {
            let byte = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                self.buf.push(byte);
                return;
            }
            self.buf.push(byte | 0x80);
        }
    }

    /// A zig-zag signed varint.
    pub fn svarint(&mut self, v: i64) {
        self.varint(((v << 1) ^ (v >> 63)) as u64);
    }

    /// An f32.
    pub fn f32(&mut self, v: f32) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    /// A length-prefixed UTF-8 string.
    pub fn str(&mut self, s: &str) {
        self.varint(s.len() as u64);
        self.buf.extend_from_slice(s.as_bytes());
    }

    /// A length-prefixed byte string.
    pub fn bytes(&mut self, b: &[u8]) {
        self.varint(b.len() as u64);
        self.buf.extend_from_slice(b);
    }

    /// The finished buffer.
    pub fn finish(self) -> Vec<u8> {
        self.buf
    }
}

/// Reads fields back from a byte slice, checking bounds.
#[derive(Debug)]
pub struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// Checks the magic and version and positions the reader after them.
    pub fn new(data: &'a [u8], magic: &[u8; 8], version: u32) -> Result<Self, ModelError> {
        if data.len() < 8 || &data[..8] != magic {
            return Err(ModelError::BadMagic {
                expected: String::from_utf8_lossy(magic).trim_end().to_owned(),
            });
        }
        let mut r = Self { data, pos: 8 };
        let found = r.u32()?;
        if found != version {
            return Err(ModelError::Version {
                found,
                expected: version,
            });
        }
        Ok(r)
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], ModelError> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.data.len());
        let Some(end) = end else {
            return Err(ModelError::Truncated { offset: self.pos });
        };
        let s = &self.data[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    /// One byte.
    pub fn u8(&mut self) -> Result<u8, ModelError> {
        Ok(self.take(1)?[0])
    }

    /// A fixed-width u32.
    pub fn u32(&mut self) -> Result<u32, ModelError> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// A fixed-width u64.
    pub fn u64(&mut self) -> Result<u64, ModelError> {
        let b = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_le_bytes(a))
    }

    /// An unsigned LEB128 varint.
    pub fn varint(&mut self) -> Result<u64, ModelError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.u8()?;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(ModelError::Invalid(format!(
            "varint too long at byte {}",
            self.pos
        )))
    }

    /// A zig-zag signed varint.
    pub fn svarint(&mut self) -> Result<i64, ModelError> {
        let u = self.varint()?;
        Ok(((u >> 1) as i64) ^ -((u & 1) as i64))
    }

    /// A length, checked against the bytes left so that corrupt files cannot ask for huge buffers.
    #[expect(
        clippy::len_without_is_empty,
        reason = "reads a length field; the reader has no length of its own"
    )]
    pub fn len(&mut self) -> Result<usize, ModelError> {
        let n = self.varint()?;
        usize::try_from(n)
            .ok()
            .filter(|&n| n <= self.data.len() - self.pos)
            .ok_or(ModelError::Truncated { offset: self.pos })
    }

    /// An f32.
    pub fn f32(&mut self) -> Result<f32, ModelError> {
        let b = self.take(4)?;
        Ok(f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// A length-prefixed UTF-8 string.
    pub fn str(&mut self) -> Result<&'a str, ModelError> {
        let n = self.len()?;
        let at = self.pos;
        std::str::from_utf8(self.take(n)?)
            .map_err(|_| ModelError::Invalid(format!("string at byte {at} is not UTF-8")))
    }

    /// A length-prefixed byte string.
    pub fn bytes(&mut self) -> Result<&'a [u8], ModelError> {
        let n = self.len()?;
        self.take(n)
    }

    /// True when every byte has been read.
    pub fn is_at_end(&self) -> bool {
        self.pos == self.data.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_errors() {
        let mut w = Writer::new(b"NGTEST  ", 3);
        w.varint(300);
        w.svarint(-5);
        w.str("héllo");
        w.f32(1.5);
        let bytes = w.finish();
        let mut r = Reader::new(&bytes, b"NGTEST  ", 3).unwrap();
        assert_eq!(r.varint().unwrap(), 300);
        assert_eq!(r.svarint().unwrap(), -5);
        assert_eq!(r.str().unwrap(), "héllo");
        assert_eq!(r.f32().unwrap(), 1.5);
        assert!(r.is_at_end());
        assert_eq!(
            Reader::new(&bytes, b"NGTEST  ", 4).unwrap_err().to_string(),
            "model format version 3, this build reads version 4"
        );
        assert_eq!(
            Reader::new(b"xx", b"NGTEST  ", 3).unwrap_err().to_string(),
            "not a NGTEST model file (bad magic bytes)"
        );
        let mut r = Reader::new(&bytes[..14], b"NGTEST  ", 3).unwrap();
        r.varint().unwrap();
        assert!(matches!(r.svarint(), Err(ModelError::Truncated { .. })));
    }
}
