// SPDX-License-Identifier: GPL-3.0-or-later
#include "services/security/settingsservice.h"

#include "core/currency.h"
#include "services/security/auditlog.h"
#include "services/security/idlelock.h"
#include "services/store/settingsrepository.h"
#include "services/store/transaction.h"

#include <QHostAddress>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace kassa::security {

namespace {

// 0 .. max, in decimal digits only (no sign, no spaces): what the setting's readers parse.
bool isWholeNumber(const QString &text, qint64 max, qint64 *out = nullptr)
{
    if (text.isEmpty() || text.size() > 12)
        return false;
    for (const QChar c : text) {
        if (!c.isDigit() || c.unicode() > 0x7f)
            return false;
    }
    const qint64 value = text.toLongLong();
    if (out)
        *out = value;
    return value <= max;
}

QString checkThreshold(const QString &value)
{
    if (value == u"none"_s)
        return {};
    const QStringList parts = value.split(u' ');
    qint64 minor = 0;
    if (parts.size() != 2 || !isWholeNumber(parts.at(0), 99'999'999'999, &minor) ||
        !Currency::fromCode(parts.at(1)) || parts.at(1) != parts.at(1).toLower())
        return u"the refund approval threshold is \"none\" or \"<minor units> <currency>\", e.g. \"2000 eur\""_s;
    return {};
}

QString checkListen(const QString &value)
{
    if (value.isEmpty())
        return {};
    const qsizetype colon = value.lastIndexOf(u':');
    bool portOk = false;
    const uint port = colon < 0 ? 0 : value.mid(colon + 1).toUInt(&portOk);
    if (colon < 0 || !portOk || port == 0 || port > 65535 || QHostAddress(value.left(colon)).isNull())
        return u"the webhook listen address is ADDRESS:PORT, e.g. 127.0.0.1:8787"_s;
    return {};
}

} // namespace

SettingsService::SettingsService(store::Database &db, AuditLog &audit)
    : m_db(db)
    , m_audit(audit)
{
}

QStringList SettingsService::supportedLocales()
{
    return {u"en_US"_s, u"de_DE"_s, u"fr_FR"_s};
}

QString SettingsService::check(const QString &key, const QString &value)
{
    if (key == RefundThresholdKey)
        return checkThreshold(value);
    if (key == IdleLockKey) {
        if (!isWholeNumber(value, MaxIdleLockSeconds))
            return u"the idle lock is a number of seconds from 0 (never) to %1"_s.arg(MaxIdleLockSeconds);
        return {};
    }
    if (key == ReceiptHeaderKey || key == ReceiptFooterKey) {
        if (value.size() > MaxReceiptTextLength)
            return u"a receipt text has at most %1 characters"_s.arg(MaxReceiptTextLength);
        return {};
    }
    if (key == LocaleKey) {
        if (!value.isEmpty() && !supportedLocales().contains(value))
            return u"the language is one of %1"_s.arg(supportedLocales().join(u", "_s));
        return {};
    }
    if (key == PollIntervalKey) {
        qint64 seconds = 0;
        if (!isWholeNumber(value, MaxPollSeconds, &seconds) || seconds < MinPollSeconds)
            return u"the polling interval is %1 to %2 seconds"_s.arg(MinPollSeconds).arg(MaxPollSeconds);
        return {};
    }
    if (key == WebhookListenKey)
        return checkListen(value);
    if (key == WebhookEndpointUrlKey) {
        if (!value.isEmpty() && !value.startsWith(u"https://"_s) && !value.startsWith(u"http://"_s))
            return u"a webhook endpoint is an http:// or https:// URL"_s;
        return {};
    }
    return {};
}

SecurityResult<QString> SettingsService::value(const QString &key, const QString &fallback)
{
    const store::StoreResult<std::optional<store::Setting>> found = store::SettingsRepository(m_db).find(key);
    if (!found.ok())
        return SecurityError::fromStore(found.error());
    return found.value() ? found.value()->value : fallback;
}

SecurityError SettingsService::setValue(const ActingUser &actor, const QString &key, const QString &value)
{
    if (SecurityError refused = require(actor, Permission::ManageSettings); refused.isError())
        return refused;
    if (key.isEmpty())
        return SecurityError::make(SecurityError::Kind::Invalid, u"a setting needs a key"_s);
    if (const QString why = check(key, value); !why.isEmpty())
        return SecurityError::make(SecurityError::Kind::Invalid, why);
    const store::StoreError error = store::Transaction::run(m_db, [&]() -> store::StoreError {
        store::SettingsRepository settings(m_db);
        const store::StoreResult<std::optional<store::Setting>> before = settings.find(key);
        if (!before.ok())
            return before.error();
        if (before.value() && before.value()->value == value)
            return {};
        if (const store::StoreError written = settings.setValue(key, value, actor.name); written.isError())
            return written;
        QJsonObject details{{u"key"_s, key}, {u"value"_s, value}};
        if (before.value())
            details.insert(u"previous"_s, before.value()->value);
        return m_audit.record(actor, u"setting.set"_s, {u"setting:"_s + key}, details);
    });
    return error.isError() ? SecurityError::fromStore(error) : SecurityError();
}

int SettingsService::idleLockSeconds()
{
    const SecurityResult<QString> text = value(IdleLock::SettingKey);
    if (!text.ok())
        return IdleLock::DefaultSeconds;
    bool ok = false;
    const int seconds = text.value().toInt(&ok);
    return ok && seconds >= 0 ? seconds : IdleLock::DefaultSeconds;
}

int SettingsService::pollIntervalSeconds()
{
    const SecurityResult<QString> text = value(PollIntervalKey);
    if (!text.ok() || !check(PollIntervalKey, text.value()).isEmpty())
        return DefaultPollSeconds;
    return text.value().toInt();
}

QString SettingsService::locale()
{
    const SecurityResult<QString> text = value(LocaleKey);
    if (!text.ok() || !supportedLocales().contains(text.value()))
        return {};
    return text.value();
}

} // namespace kassa::security
