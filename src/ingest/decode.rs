//! Decoding of compressed payloads: files (`.gz` detected by magic bytes, not by name) and the
//! `awslogs.data` field of subscription deliveries (base64 of gzip, zlib or plain JSON).

use std::io::Read;

use base64::Engine;
use flate2::read::{MultiGzDecoder, ZlibDecoder};

/// Is this the start of a gzip stream?
pub fn is_gzip(bytes: &[u8]) -> bool {
    bytes.len() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b
}

/// Is this the start of a zlib stream (CMF 0x78 with a valid FCHECK)?
pub fn is_zlib(bytes: &[u8]) -> bool {
    bytes.len() >= 2
        && bytes[0] == 0x78
        && matches!(bytes[1], 0x01 | 0x5e | 0x9c | 0xda)
        && (u16::from(bytes[0]) << 8 | u16::from(bytes[1])) % 31 == 0
}

/// Decompresses gzip or zlib bytes; returns the input unchanged when it is neither.
pub fn decompress(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    if is_gzip(bytes) {
        MultiGzDecoder::new(bytes)
            .read_to_end(&mut out)
            .map_err(|e| format!("gzip data is truncated or corrupt ({e})"))?;
    } else if is_zlib(bytes) {
        ZlibDecoder::new(bytes)
            .read_to_end(&mut out)
            .map_err(|e| format!("zlib data is truncated or corrupt ({e})"))?;
    } else {
        out.extend_from_slice(bytes);
    }
    Ok(out)
}

/// `awslogs.data`: base64, then gzip (what CloudWatch sends), zlib (seen in test events), or
/// plain JSON text (seen in documentation examples).
pub fn awslogs_payload(data: &str) -> Result<Vec<u8>, String> {
    let cleaned: String = data.chars().filter(|c| !c.is_whitespace()).collect();
    let raw = base64::engine::general_purpose::STANDARD
        .decode(cleaned.as_bytes())
        .map_err(|e| format!("not valid base64 ({e})"))?;
    decompress(&raw)
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::write::{GzEncoder, ZlibEncoder};
    use flate2::Compression;
    use std::io::Write;

    fn b64(b: &[u8]) -> String {
        base64::engine::general_purpose::STANDARD.encode(b)
    }

    #[test]
    fn gzip_zlib_and_plain_payloads() {
        let json = br#"{"messageType":"DATA_MESSAGE","logEvents":[]}"#;
        let mut gz = GzEncoder::new(Vec::new(), Compression::default());
        gz.write_all(json).unwrap();
        let gz = gz.finish().unwrap();
        let mut zl = ZlibEncoder::new(Vec::new(), Compression::best());
        zl.write_all(json).unwrap();
        let zl = zl.finish().unwrap();
        assert_eq!(awslogs_payload(&b64(&gz)).unwrap(), json);
        assert_eq!(awslogs_payload(&b64(&zl)).unwrap(), json);
        assert_eq!(awslogs_payload(&b64(json)).unwrap(), json);
        assert!(awslogs_payload("not base64!!").is_err());
        let truncated = &gz[..gz.len() / 2];
        assert!(awslogs_payload(&b64(truncated)).is_err());
    }
}
