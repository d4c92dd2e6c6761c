//! The errors a command reports before exiting with status 2.

/// Why a command could not do its job. Printed as one line on stderr; never holds a secret.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Reading input or writing output failed.
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
    /// The input was not what the command takes.
    #[error("bad input: {0}")]
    Input(String),
    /// A required setting (an environment variable, a flag) is missing or wrong.
    #[error("{0}")]
    Config(String),
}
