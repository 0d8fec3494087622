//! The typed error of the PostgreSQL store.
//!
//! It must never carry values of rows: from a database error it keeps the SQLSTATE code and the
//! primary message only, never the DETAIL (which can hold the values of a conflicting key).

/// What can go wrong in the PostgreSQL store.
#[derive(Debug, thiserror::Error)]
pub enum PostgresStoreError {
    /// The server refused a statement (SQLSTATE code and primary message only).
    #[error("PostgreSQL refused a statement ({code}): {message}")]
    Database { code: String, message: String },
    /// The connection failed or a value could not be sent or read.
    #[error("PostgreSQL connection or conversion failed: {0}")]
    Client(String),
    #[error("invalid schema name: use a–z, 0–9 and _ only, starting with a letter, at most 63")]
    InvalidSchemaName,
    #[error("a publication time lies outside the years 1 to 9999 that the partitions cover")]
    PublicationTimeOutOfRange,
    #[error("the workspace {workspace_id} is not registered in the PostgreSQL store")]
    UnknownWorkspace { workspace_id: i64 },
    #[error("the partition {name} does not follow the posts_yYYYYmMM naming")]
    UnexpectedPartition { name: String },
    /// The webcare inbox needs the key store (`PostgresStore::use_key_store`) to open the
    /// answer links, and none was given.
    #[error("the webcare inbox needs the key store, and this PostgreSQL store has none")]
    KeyStoreMissing,
    /// `set_webcare_status` named no webcare message of the workspace.
    #[error("the workspace has no webcare message with that id")]
    WebcareMessageNotFound,
    /// A stored value does not have the form this store writes (which value is never said).
    #[error("a stored {what} does not have the expected form")]
    Corrupt { what: &'static str },
    /// A stored post holds a term the term dictionary lacks (a report would differ from the
    /// embedded store's, so none is given).
    #[error("the term dictionary lacks a term a stored post holds")]
    TermDictionaryIncomplete,
    /// The database belongs to another installation (data directory), or holds posts without
    /// belonging to any: nothing was read or written (which installation is never said).
    #[error("the PostgreSQL database is refused for this data directory: {0:?}")]
    BindingRefused(crate::BindingRefusal),
    /// The k gate and differencing audit shared with the embedded store (`peil_store`) failed.
    #[error(transparent)]
    Gate(#[from] peil_store::StoreError),
}

impl From<postgres::Error> for PostgresStoreError {
    fn from(error: postgres::Error) -> PostgresStoreError {
        if let Some(database_error) = error.as_db_error() {
            return PostgresStoreError::Database {
                code: database_error.code().code().to_string(),
                message: database_error.message().to_string(),
            };
        }
        PostgresStoreError::Client(error.to_string())
    }
}
