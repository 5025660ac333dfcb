//! The operations settings: `[logs]`, `[disk]` and `[alerts]`.

use super::super::{defaults, operations, ranges, ConfigError};
use super::schema::{AlertsSection, Document};
use super::Reader;
use crate::model::{Alerts, Operations};

/// The operations settings (`[logs]`, `[disk]`, `[alerts]`).
impl Reader<'_> {
    pub(super) fn operations(&self, doc: &Document) -> Result<Operations, ConfigError> {
        let mut ops = defaults::operations();
        if let Some(keep) = &doc.logs.keep {
            ops.log_keep = self.check(keep.span(), operations::parse_age(keep.get_ref()))?;
        }
        if let Some(min_free) = &doc.disk.min_free {
            ops.min_free = self.check(
                min_free.span(),
                operations::parse_min_free(min_free.get_ref()),
            )?;
        }
        self.alerts(&doc.alerts, &mut ops.alerts)?;
        Ok(ops)
    }

    fn alerts(&self, a: &AlertsSection, out: &mut Alerts) -> Result<(), ConfigError> {
        if let Some(list) = &a.mail_to {
            for address in list.get_ref() {
                self.check(
                    address.span(),
                    operations::check_mail_address(address.get_ref()),
                )?;
                out.mail_to.push(address.get_ref().clone());
            }
        }
        if let Some(from) = &a.mail_from {
            self.check(from.span(), operations::check_mail_address(from.get_ref()))?;
            out.mail_from = Some(from.get_ref().clone());
        }
        if let Some(sendmail) = &a.sendmail {
            out.sendmail = self.path_value(sendmail)?;
        }
        if let Some(command) = &a.command {
            out.command = self.args(&a.command)?;
            // An empty list is no command (the default).
            if out.command.first().is_some_and(|exe| !exe.starts_with('/')) {
                return Err(self.error(
                    command.span(),
                    "the alert command must start with an absolute path to the executable",
                ));
            }
        }
        if let Some(url) = &a.webhook {
            self.check(url.span(), operations::check_webhook(url.get_ref()))?;
            out.webhook = Some(url.get_ref().clone());
        }
        if let Some(n) = &a.max_per_hour {
            out.max_per_hour = self.count(n, ranges::ALERTS_PER_HOUR)?;
        }
        if let Some(n) = &a.timeout_sec {
            out.timeout_sec = self.count(n, ranges::ALERT_TIMEOUT_SEC)?;
        }
        Ok(())
    }
}
