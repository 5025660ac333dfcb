//! Importers: other tools' configs turned into a `cluster.toml`. They
//! only write TOML text; the config core reads it like any other config.

pub mod zeekctl;
