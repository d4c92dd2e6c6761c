//! Server secrets: from the environment (checked, a weak value stops the start) or, in the
//! embedded default mode, generated from the OS CSPRNG into `data_dir/secrets/` at first start
//! (files readable by the owner only).

use std::path::Path;

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::error::StartError;

/// A secret byte string: zeroized on drop, never printed.
pub struct Secret(Zeroizing<Vec<u8>>);

impl Secret {
    /// The bytes.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

/// `n` bytes from the OS CSPRNG.
pub fn random_bytes(n: usize) -> Result<Zeroizing<Vec<u8>>, StartError> {
    let mut bytes = Zeroizing::new(vec![0u8; n]);
    getrandom::fill(&mut bytes).map_err(|e| StartError::Secret {
        name: "OS random generator".into(),
        reason: e.to_string(),
    })?;
    Ok(bytes)
}

/// Writes `contents` to `path`, readable by the owner only (on Unix), failing if it exists.
fn write_private(path: &Path, contents: &[u8]) -> Result<(), StartError> {
    use std::io::Write;
    let io = |source| StartError::Io {
        what: format!("writing {}", path.display()),
        source,
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(io)?;
    file.write_all(contents).map_err(io)?;
    file.sync_all().map_err(io)
}

/// Where a secret came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The environment variable.
    Env,
    /// A file generated at an earlier start.
    File,
    /// Generated just now.
    Generated,
}

/// Loads the secret `env_name`: from the environment (validated by `check`), else from
/// `dir/file_name`, else (unless `require_env`) generates `len` random bytes into that file.
pub fn load_or_generate(
    env_name: &str,
    env_value: Option<String>,
    dir: &Path,
    file_name: &str,
    len: usize,
    require_env: bool,
    check: impl Fn(&str, &str) -> Result<(), StartError>,
) -> Result<(Secret, Origin), StartError> {
    if let Some(value) = env_value {
        let value = Zeroizing::new(value);
        check(env_name, &value)?;
        return Ok((
            Secret(Zeroizing::new(value.as_bytes().to_vec())),
            Origin::Env,
        ));
    }
    if require_env {
        return Err(StartError::Secret {
            name: env_name.into(),
            reason: "missing (required by require_env_secrets, and with RAMPART_POSTGRES_URL or RAMPART_REDIS_URL: instances sharing a database or a Redis must share it)".into(),
        });
    }
    let path = dir.join(file_name);
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let text = Zeroizing::new(text);
            let bytes = hex::decode(text.trim()).map_err(|_| StartError::Secret {
                name: path.display().to_string(),
                reason: "not hex; delete the file to generate a new one".into(),
            })?;
            if bytes.len() < len {
                return Err(StartError::Secret {
                    name: path.display().to_string(),
                    reason: format!("shorter than {len} bytes"),
                });
            }
            Ok((Secret(Zeroizing::new(bytes)), Origin::File))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(dir).map_err(|source| StartError::Io {
                what: format!("creating {}", dir.display()),
                source,
            })?;
            let bytes = random_bytes(len)?;
            let encoded = Zeroizing::new(hex::encode(&*bytes));
            write_private(&path, encoded.as_bytes())?;
            Ok((Secret(bytes), Origin::Generated))
        }
        Err(source) => Err(StartError::Io {
            what: format!("reading {}", path.display()),
            source,
        }),
    }
}

/// The admin key's verifier: only its SHA-256 is kept (the key has 256 random bits, so a fast
/// hash is enough), compared in constant time.
pub struct AdminKey {
    hash: [u8; 32],
}

impl std::fmt::Debug for AdminKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AdminKey([redacted])")
    }
}

/// Prefix of generated admin keys (so scanners recognise them).
pub const ADMIN_KEY_PREFIX: &str = "rmpadmin_";

impl AdminKey {
    /// From the environment value (already checked) or the stored hash; generates a new key
    /// (returned once, for printing) when neither exists.
    pub fn load(
        env_value: Option<&str>,
        dir: &Path,
        require_env: bool,
    ) -> Result<(Self, Option<Zeroizing<String>>), StartError> {
        if let Some(value) = env_value {
            return Ok((Self::from_plain(value), None));
        }
        if require_env {
            return Err(StartError::Secret {
                name: "RAMPART_ADMIN_KEY".into(),
                reason: "missing (require_env_secrets is set)".into(),
            });
        }
        let path = dir.join("admin_key.sha256");
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let mut hash = [0u8; 32];
                hex::decode_to_slice(text.trim(), &mut hash).map_err(|_| StartError::Secret {
                    name: path.display().to_string(),
                    reason: "not a SHA-256 hex digest; delete it to generate a new admin key"
                        .into(),
                })?;
                Ok((Self { hash }, None))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::create_dir_all(dir).map_err(|source| StartError::Io {
                    what: format!("creating {}", dir.display()),
                    source,
                })?;
                let bytes = random_bytes(32)?;
                let key = Zeroizing::new(format!("{ADMIN_KEY_PREFIX}{}", hex::encode(&*bytes)));
                let admin = Self::from_plain(&key);
                write_private(&path, hex::encode(admin.hash).as_bytes())?;
                Ok((admin, Some(key)))
            }
            Err(source) => Err(StartError::Io {
                what: format!("reading {}", path.display()),
                source,
            }),
        }
    }

    fn from_plain(value: &str) -> Self {
        Self {
            hash: Sha256::digest(value.as_bytes()).into(),
        }
    }

    /// Constant-time check of a presented admin key.
    pub fn verify(&self, presented: &str) -> bool {
        let hash: [u8; 32] = Sha256::digest(presented.as_bytes()).into();
        bool::from(hash.ct_eq(&self.hash))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_check(_: &str, _: &str) -> Result<(), StartError> {
        Ok(())
    }

    #[test]
    fn generated_once_then_reloaded() {
        let dir = tempfile::tempdir().unwrap();
        let (a, o) = load_or_generate("X", None, dir.path(), "x", 32, false, no_check).unwrap();
        assert_eq!(o, Origin::Generated);
        let (b, o) = load_or_generate("X", None, dir.path(), "x", 32, false, no_check).unwrap();
        assert_eq!(o, Origin::File);
        assert_eq!(a.expose(), b.expose());
        assert_eq!(format!("{a:?}"), "[redacted]");
    }

    #[test]
    fn required_and_missing_stops_the_start() {
        let dir = tempfile::tempdir().unwrap();
        let err =
            load_or_generate("RAMPART_X", None, dir.path(), "x", 32, true, no_check).unwrap_err();
        assert!(err.to_string().contains("RAMPART_X"));
    }

    #[test]
    fn admin_key_generated_once_and_verified() {
        let dir = tempfile::tempdir().unwrap();
        let (admin, shown) = AdminKey::load(None, dir.path(), false).unwrap();
        let shown = shown.unwrap();
        assert!(admin.verify(&shown));
        assert!(!admin.verify("rmpadmin_wrong"));
        let (again, shown_again) = AdminKey::load(None, dir.path(), false).unwrap();
        assert!(shown_again.is_none());
        assert!(again.verify(&shown));
    }
}
