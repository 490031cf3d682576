// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "services/security/actinguser.h"
#include "services/security/idlelock.h"
#include "services/security/securityerror.h"

#include <QLatin1StringView>
#include <QString>
#include <QStringList>

namespace kassa::store {
class Database;
}

namespace kassa::security {

class AuditLog;

// The shop's settings, shared by every till: anyone may read them, Permission::ManageSettings (the
// owner) changes them, and every change is audited with its old and new value.
//
// The keys below are checked on the way in (check()), so that a till never reads back something it
// cannot use; other keys are stored as given.
class SettingsService
{
public:
    // "<minor units> <currency>" ("2000 eur") or "none": cashier refunds up to it need no approval
    // (RefundRequestService reads it).
    static constexpr QLatin1StringView RefundThresholdKey{"refunds.approval_threshold"};
    // Seconds without input before the till locks; 0: never (IdleLock::SettingKey).
    static constexpr QLatin1StringView IdleLockKey = IdleLock::SettingKey;
    // Free text printed above and below every receipt (the receipt printer reads them), at most
    // MaxReceiptTextLength characters each, several lines allowed.
    static constexpr QLatin1StringView ReceiptHeaderKey{"receipt.header"};
    static constexpr QLatin1StringView ReceiptFooterKey{"receipt.footer"};
    static constexpr int MaxReceiptTextLength = 500;
    // The console's language and formats, one of SupportedLocales; applied at the next start.
    static constexpr QLatin1StringView LocaleKey{"ui.locale"};
    // How often the events poller asks Stripe, in seconds (MinPollSeconds to MaxPollSeconds).
    static constexpr QLatin1StringView PollIntervalKey{"sync.poll_interval_seconds"};
    static constexpr int DefaultPollSeconds = 15;
    static constexpr int MinPollSeconds = 5;
    static constexpr int MaxPollSeconds = 3600;
    // How the tills hear of Stripe's events: "poll" (the events poller alone) or "webhook" (a receiver
    // too, on WebhookListenKey).
    static constexpr QLatin1StringView EventsSourceKey{"events.source"};
    // Where a till's webhook receiver listens ("127.0.0.1:8787"), and the endpoint registered at Stripe.
    static constexpr QLatin1StringView WebhookListenKey{"webhook.listen"};
    static constexpr QLatin1StringView WebhookEndpointUrlKey{"webhook.endpoint_url"};
    static constexpr QLatin1StringView WebhookEndpointIdKey{"webhook.endpoint_id"};
    static constexpr int MaxIdleLockSeconds = 24 * 3600;

    // `audit` must write to `db`.
    SettingsService(store::Database &db, AuditLog &audit);

    // "en_US", "de_DE", "fr_FR".
    static QStringList supportedLocales();
    // Why `value` cannot be stored under `key`, or empty. Unknown keys take anything.
    static QString check(const QString &key, const QString &value);

    // The stored value, or `fallback` when it was never set.
    SecurityResult<QString> value(const QString &key, const QString &fallback = {});
    // Refused without ManageSettings; Invalid when check() says no (nothing is stored then).
    SecurityError setValue(const ActingUser &actor, const QString &key, const QString &value);

    // IdleLock's time: the setting IdleLock::SettingKey in seconds, IdleLock::DefaultSeconds when unset or
    // unreadable; 0 turns the lock off.
    int idleLockSeconds();
    // The poller's interval in seconds: DefaultPollSeconds when unset or unreadable.
    int pollIntervalSeconds();
    // LocaleKey's value, empty when unset or not one of supportedLocales().
    QString locale();

private:
    store::Database &m_db;
    AuditLog &m_audit;
};

} // namespace kassa::security
