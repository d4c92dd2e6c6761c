//! Wycheproof AES-256-GCM (96-bit IV) vectors through `envelope_encryption::aead`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use envelope_encryption::SecretKey;
use envelope_encryption::aead::Aes256Gcm;
use serde_json::Value;

const VECTORS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/vectors/wycheproof/aes_256_gcm_iv96_test.json"
);

fn h(v: &Value) -> Vec<u8> {
    hex::decode(v.as_str().unwrap()).unwrap()
}

#[test]
fn wycheproof_aes_256_gcm_iv96() {
    let Ok(text) = std::fs::read_to_string(VECTORS) else {
        println!("skipped: ../shared not found");
        return;
    };
    let v: Value = serde_json::from_str(&text).unwrap();
    let (mut valid, mut invalid) = (0, 0);
    for group in v["testGroups"].as_array().unwrap() {
        assert_eq!(group["keySize"], 256);
        assert_eq!(group["ivSize"], 96);
        for t in group["tests"].as_array().unwrap() {
            let id = &t["tcId"];
            let key = SecretKey::from_slice(&h(&t["key"])).unwrap();
            let cipher = Aes256Gcm::new(&key);
            let iv: [u8; 12] = h(&t["iv"]).try_into().unwrap();
            let aad = h(&t["aad"]);
            let msg = h(&t["msg"]);
            let mut sealed = h(&t["ct"]);
            sealed.extend_from_slice(&h(&t["tag"]));
            let opened = cipher.open(&iv, &aad, &sealed);
            match t["result"].as_str().unwrap() {
                "valid" => {
                    assert_eq!(opened.unwrap(), msg, "tcId {id}");
                    assert_eq!(cipher.seal(&iv, &aad, &msg).unwrap(), sealed, "tcId {id}");
                    valid += 1;
                }
                "invalid" => {
                    assert_eq!(
                        opened,
                        Err(envelope_encryption::Error::Decrypt),
                        "tcId {id}"
                    );
                    invalid += 1;
                }
                other => panic!("tcId {id}: unexpected result {other}"),
            }
        }
    }
    assert_eq!((valid, invalid), (39, 27));
}
