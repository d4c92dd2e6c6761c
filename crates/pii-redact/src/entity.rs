//! The kinds of sensitive values this crate finds.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use crate::Error;

/// A kind of sensitive value.
///
/// Built-in kinds have fixed names (`EMAIL`, `CPF`, …, used by the CLI and in JSON output) and
/// placeholder labels (`[CC_REDACTED]` for [`Entity::CreditCard`], `[IP_REDACTED]` for
/// [`Entity::IpAddress`], `[<NAME>_REDACTED]` for the others). Custom detectors carry their own
/// name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Entity {
    /// An email address.
    Email,
    /// A Brazilian individual taxpayer number (check digits validated).
    Cpf,
    /// A Brazilian company number, numeric or alphanumeric (check digits validated).
    Cnpj,
    /// A payment card number (Luhn and issuer range validated).
    CreditCard,
    /// A telephone number (E.164, North American, Brazilian and grouped national forms).
    Phone,
    /// A US social security number (area, group and serial rules).
    Ssn,
    /// An IPv4 or IPv6 address (parsed by `std::net`).
    IpAddress,
    /// An international bank account number (country length and mod-97).
    Iban,
    /// A JSON Web Token (base64url JSON header with `alg`).
    Jwt,
    /// An API key or bearer credential (GitHub with CRC-32, Stripe, Slack, Google, OpenAI-style,
    /// `Authorization: Bearer …`).
    ApiKey,
    /// An AWS access key id (`AKIA…`, `ASIA…`).
    AwsKey,
    /// A PEM private-key block.
    PrivateKey,
    /// A password: the value of `password=…`-style keys and the password of URL credentials.
    Password,
    /// The value of another sensitive key (`secret`, `token`, `api_key`, `client_secret`, …).
    Secret,
    /// A custom detector's entity (its name is upper-case ASCII, digits and `_`).
    Custom(Arc<str>),
}

/// Number of built-in entities (the bits of [`EntitySet`]).
pub(crate) const BUILTIN: [Entity; 14] = [
    Entity::Email,
    Entity::Cpf,
    Entity::Cnpj,
    Entity::CreditCard,
    Entity::Phone,
    Entity::Ssn,
    Entity::IpAddress,
    Entity::Iban,
    Entity::Jwt,
    Entity::ApiKey,
    Entity::AwsKey,
    Entity::PrivateKey,
    Entity::Password,
    Entity::Secret,
];

impl Entity {
    /// Every built-in entity, in a stable order.
    pub fn builtins() -> &'static [Entity] {
        &BUILTIN
    }

    /// The canonical name (`EMAIL`, `CREDIT_CARD`, `IP_ADDRESS`, …, or the custom name).
    pub fn name(&self) -> &str {
        match self {
            Entity::Email => "EMAIL",
            Entity::Cpf => "CPF",
            Entity::Cnpj => "CNPJ",
            Entity::CreditCard => "CREDIT_CARD",
            Entity::Phone => "PHONE",
            Entity::Ssn => "SSN",
            Entity::IpAddress => "IP_ADDRESS",
            Entity::Iban => "IBAN",
            Entity::Jwt => "JWT",
            Entity::ApiKey => "API_KEY",
            Entity::AwsKey => "AWS_KEY",
            Entity::PrivateKey => "PRIVATE_KEY",
            Entity::Password => "PASSWORD",
            Entity::Secret => "SECRET",
            Entity::Custom(name) => name,
        }
    }

    /// The label used in placeholders: OmniRoute's `CC` and `IP`, otherwise the name.
    pub fn label(&self) -> &str {
        match self {
            Entity::CreditCard => "CC",
            Entity::IpAddress => "IP",
            other => other.name(),
        }
    }

    /// The redact-mode placeholder, e.g. `[EMAIL_REDACTED]`.
    pub fn placeholder(&self) -> String {
        format!("[{}_REDACTED]", self.label())
    }

    /// Whether the value is a credential rather than personal data (such values are never
    /// partially shown by mask mode).
    pub fn is_secret(&self) -> bool {
        matches!(
            self,
            Entity::Jwt
                | Entity::ApiKey
                | Entity::AwsKey
                | Entity::PrivateKey
                | Entity::Password
                | Entity::Secret
                | Entity::Custom(_)
        )
    }

    pub(crate) fn bit(&self) -> u32 {
        BUILTIN
            .iter()
            .position(|e| e == self)
            .map_or(0, |p| 1u32 << p)
    }
}

impl fmt::Display for Entity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Entity {
    type Err = Error;

    /// Parses a built-in name, case-insensitively, with the aliases `CC`, `CARD`, `IP`,
    /// `EMAIL_ADDRESS`, `PHONE_NUMBER`, `US_SSN`, `IBAN_CODE` and `AWS_ACCESS_KEY`.
    fn from_str(s: &str) -> Result<Self, Error> {
        let upper = s.trim().to_ascii_uppercase();
        let e = match upper.as_str() {
            "EMAIL" | "EMAIL_ADDRESS" => Entity::Email,
            "CPF" => Entity::Cpf,
            "CNPJ" => Entity::Cnpj,
            "CREDIT_CARD" | "CC" | "CARD" => Entity::CreditCard,
            "PHONE" | "PHONE_NUMBER" => Entity::Phone,
            "SSN" | "US_SSN" => Entity::Ssn,
            "IP_ADDRESS" | "IP" => Entity::IpAddress,
            "IBAN" | "IBAN_CODE" => Entity::Iban,
            "JWT" => Entity::Jwt,
            "API_KEY" => Entity::ApiKey,
            "AWS_KEY" | "AWS_ACCESS_KEY" => Entity::AwsKey,
            "PRIVATE_KEY" => Entity::PrivateKey,
            "PASSWORD" => Entity::Password,
            "SECRET" => Entity::Secret,
            _ => {
                return Err(Error::UnknownEntity {
                    name: s.chars().take(40).collect(),
                });
            }
        };
        Ok(e)
    }
}

/// A set of built-in entities (custom detectors are switched on by adding them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EntitySet(pub(crate) u32);

impl EntitySet {
    /// Every built-in entity.
    pub fn all() -> Self {
        EntitySet((1u32 << BUILTIN.len()) - 1)
    }

    /// No built-in entity.
    pub fn none() -> Self {
        EntitySet(0)
    }

    /// This set plus `entity` (custom entities are ignored).
    #[must_use]
    pub fn with(self, entity: &Entity) -> Self {
        EntitySet(self.0 | entity.bit())
    }

    /// This set without `entity`.
    #[must_use]
    pub fn without(self, entity: &Entity) -> Self {
        EntitySet(self.0 & !entity.bit())
    }

    /// Whether `entity` is in the set (custom entities: always true; they are on when added).
    pub fn contains(&self, entity: &Entity) -> bool {
        matches!(entity, Entity::Custom(_)) || self.0 & entity.bit() != 0
    }
}

impl Default for EntitySet {
    fn default() -> Self {
        Self::all()
    }
}

impl<'a> FromIterator<&'a Entity> for EntitySet {
    fn from_iter<I: IntoIterator<Item = &'a Entity>>(iter: I) -> Self {
        iter.into_iter().fold(EntitySet::none(), |s, e| s.with(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_placeholders() {
        for e in Entity::builtins() {
            assert_eq!(&e.name().parse::<Entity>().unwrap(), e);
        }
        assert_eq!(Entity::CreditCard.placeholder(), "[CC_REDACTED]");
        assert_eq!(Entity::IpAddress.placeholder(), "[IP_REDACTED]");
        assert_eq!(Entity::AwsKey.placeholder(), "[AWS_KEY_REDACTED]");
        assert!("nope".parse::<Entity>().is_err());
        let s = EntitySet::none().with(&Entity::Email);
        assert!(s.contains(&Entity::Email) && !s.contains(&Entity::Phone));
        assert!(
            !EntitySet::all()
                .without(&Entity::Phone)
                .contains(&Entity::Phone)
        );
    }
}
