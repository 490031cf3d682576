// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/gui/settings/shoppanel.h"

#include "app/gui/shell/localconfig.h"
#include "core/currency.h"
#include "core/money.h"
#include "services/security/auditlog.h"
#include "services/security/idlelock.h"
#include "services/security/settingsservice.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace kassa::gui {

using security::SettingsService;

namespace {

constexpr int FieldHeight = 36;

QString capitalized(QString text)
{
    if (!text.isEmpty())
        text[0] = text.at(0).toUpper();
    return text;
}

QPlainTextEdit *receiptEdit(const QString &accessibleName, const QString &placeholder, QWidget *parent)
{
    auto *edit = new QPlainTextEdit(parent);
    edit->setAccessibleName(accessibleName);
    edit->setPlaceholderText(placeholder);
    edit->setTabChangesFocus(true);
    edit->setFixedHeight(72);
    return edit;
}

// "20.00" (or "20,00"): an example amount in this till's notation.
QString exampleAmount()
{
    return Money(2000, *Currency::fromCode(u"eur")).formatPlain(QLocale());
}

QString languageName(const QString &locale)
{
    const QLocale l(locale);
    return u"%1 (%2)"_s.arg(capitalized(l.nativeLanguageName()), l.nativeTerritoryName());
}

} // namespace

ShopPanel::ShopPanel(const ConsoleContext &context, const QString &localConfigPath, QWidget *parent)
    : QWidget(parent)
    , m_context(context)
    , m_localConfigPath(localConfigPath)
    , m_thresholdOn(new QCheckBox(u"Cashier refunds up to"_s, this))
    , m_thresholdAmount(new QLineEdit(this))
    , m_thresholdCurrency(new QComboBox(this))
    , m_idleLock(new QSpinBox(this))
    , m_poll(new QSpinBox(this))
    , m_header(receiptEdit(u"Receipt header"_s, u"e.g. the shop's name, address, VAT number"_s, this))
    , m_footer(receiptEdit(u"Receipt footer"_s, u"e.g. Thank you! Returns within 30 days."_s, this))
    , m_locale(new QComboBox(this))
    , m_databaseCurrent(new QLabel(this))
    , m_database(new QLineEdit(this))
    , m_save(new QPushButton(u"Save"_s, this))
    , m_revert(new QPushButton(u"Revert"_s, this))
    , m_message(new QLabel(this))
{
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto *content = new QWidget(scroll);
    auto *layout = new QVBoxLayout(content);
    scroll->setWidget(content);
    outer->addWidget(scroll, 1);

    auto *refunds = new QGroupBox(u"Refunds and the till"_s, content);
    auto *refundsForm = new QFormLayout(refunds);
    auto *thresholdRow = new QHBoxLayout;
    m_thresholdOn->setAccessibleName(u"Let small cashier refunds pass without approval"_s);
    m_thresholdAmount->setAccessibleName(u"Refund approval threshold amount"_s);
    m_thresholdAmount->setPlaceholderText(exampleAmount());
    m_thresholdAmount->setMaximumWidth(140);
    m_thresholdCurrency->setAccessibleName(u"Refund approval threshold currency"_s);
    for (const QString &code : {u"eur"_s, u"usd"_s, u"gbp"_s, u"chf"_s, u"sek"_s, u"dkk"_s, u"nok"_s,
                                u"pln"_s, u"czk"_s, u"cad"_s, u"aud"_s, u"jpy"_s})
        m_thresholdCurrency->addItem(code.toUpper(), code);
    thresholdRow->addWidget(m_thresholdOn);
    thresholdRow->addWidget(m_thresholdAmount);
    thresholdRow->addWidget(m_thresholdCurrency);
    thresholdRow->addWidget(new QLabel(u"need no approval"_s, refunds));
    thresholdRow->addStretch(1);
    refundsForm->addRow(u"Approval:"_s, thresholdRow);
    auto *thresholdNote = new QLabel(u"Unticked: every cashier refund waits for a manager."_s, refunds);
    thresholdNote->setStyleSheet(u"color: palette(mid);"_s);
    refundsForm->addRow(QString(), thresholdNote);
    m_idleLock->setRange(0, SettingsService::MaxIdleLockSeconds);
    m_idleLock->setSingleStep(30);
    m_idleLock->setSuffix(u" s"_s);
    m_idleLock->setSpecialValueText(u"never"_s);
    m_idleLock->setAccessibleName(u"Idle lock in seconds"_s);
    m_idleLock->setToolTip(u"The till locks after this long without input; 0: never"_s);
    refundsForm->addRow(u"&Lock the till after:"_s, m_idleLock);
    m_poll->setRange(SettingsService::MinPollSeconds, SettingsService::MaxPollSeconds);
    m_poll->setSuffix(u" s"_s);
    m_poll->setAccessibleName(u"Events polling interval in seconds"_s);
    m_poll->setToolTip(u"How often the till asks Stripe for new events (from the next start)"_s);
    refundsForm->addRow(u"Ask Stripe for &events every:"_s, m_poll);
    layout->addWidget(refunds);

    auto *receipts = new QGroupBox(u"Receipts"_s, content);
    auto *receiptsForm = new QFormLayout(receipts);
    receiptsForm->addRow(u"&Header:"_s, m_header);
    receiptsForm->addRow(u"&Footer:"_s, m_footer);
    layout->addWidget(receipts);

    auto *startup = new QGroupBox(u"From the next start"_s, content);
    auto *startupForm = new QFormLayout(startup);
    m_locale->setAccessibleName(u"Language"_s);
    m_locale->addItem(u"The system's (%1)"_s.arg(QLocale::system().name()), QString());
    for (const QString &name : SettingsService::supportedLocales())
        m_locale->addItem(languageName(name), name);
    startupForm->addRow(u"L&anguage and formats:"_s, m_locale);
    m_databaseCurrent->setAccessibleName(u"Current database"_s);
    m_databaseCurrent->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_databaseCurrent->setWordWrap(true);
    startupForm->addRow(u"Database now:"_s, m_databaseCurrent);
    m_database->setAccessibleName(u"Database for the next start"_s);
    m_database->setPlaceholderText(u"empty: SQLite in the data folder; or postgresql://user@host/kassa"_s);
    startupForm->addRow(u"&Database next:"_s, m_database);
    auto *restartNote =
        new QLabel(u"The language, the polling interval and the database take effect when Kassa "
                   "starts again. A PostgreSQL password goes to the keychain, never into the "
                   "URL."_s,
                   startup);
    restartNote->setWordWrap(true);
    restartNote->setStyleSheet(u"color: palette(mid);"_s);
    startupForm->addRow(QString(), restartNote);
    layout->addWidget(startup);
    layout->addStretch(1);

    for (QWidget *field :
         {static_cast<QWidget *>(m_thresholdAmount), static_cast<QWidget *>(m_thresholdCurrency),
          static_cast<QWidget *>(m_idleLock), static_cast<QWidget *>(m_poll),
          static_cast<QWidget *>(m_locale), static_cast<QWidget *>(m_database)})
        field->setMinimumHeight(FieldHeight);
    // Numbers and choices need no more room than their longest value.
    m_idleLock->setMaximumWidth(180);
    m_poll->setMaximumWidth(180);
    m_locale->setMaximumWidth(380);

    auto *bottom = new QHBoxLayout;
    m_message->setWordWrap(true);
    m_message->setAccessibleName(u"Settings message"_s);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    bottom->addWidget(m_message, 1);
    m_revert->setAccessibleName(u"Revert the shop settings"_s);
    m_save->setAccessibleName(u"Save the shop settings"_s);
    for (QPushButton *button : {m_revert, m_save}) {
        button->setMinimumSize(110, 44);
        bottom->addWidget(button);
    }
    m_save->setDefault(true);
    outer->addLayout(bottom);

    connect(m_thresholdOn, &QCheckBox::toggled, this, [this](bool on) {
        m_thresholdAmount->setEnabled(on);
        m_thresholdCurrency->setEnabled(on);
    });
    connect(m_save, &QPushButton::clicked, this, [this] { save(); });
    connect(m_revert, &QPushButton::clicked, this, [this] {
        reload();
        setMessage(u"Reverted to what is stored."_s, false);
    });
}

QString ShopPanel::message() const
{
    return m_message->text();
}

void ShopPanel::setMessage(const QString &text, bool error)
{
    m_message->setText(capitalized(text));
    m_message->setStyleSheet(error ? u"color: #b00020; font-weight: bold;"_s : u"color: #1b5e20;"_s);
}

void ShopPanel::setUser(const security::ActingUser &user)
{
    m_user = user;
    setMessage({}, false);
    if (m_user.isValid() && allows(m_user.role, Permission::ManageSettings))
        reload();
}

void ShopPanel::reload()
{
    security::AuditLog audit(*m_context.db, m_context.till);
    SettingsService settings(*m_context.db, audit);
    m_loaded.clear();
    for (const QLatin1StringView key :
         {SettingsService::RefundThresholdKey, SettingsService::ReceiptHeaderKey,
          SettingsService::ReceiptFooterKey, SettingsService::LocaleKey}) {
        const security::SecurityResult<QString> value = settings.value(key);
        m_loaded.insert(QString(key), value.ok() ? value.value() : QString());
    }
    m_loaded.insert(QString(SettingsService::IdleLockKey), QString::number(settings.idleLockSeconds()));
    m_loaded.insert(QString(SettingsService::PollIntervalKey),
                    QString::number(settings.pollIntervalSeconds()));

    // "2000 eur": 20.00 in EUR, written the way this till writes amounts.
    const QStringList threshold = m_loaded.value(QString(SettingsService::RefundThresholdKey)).split(u' ');
    const std::optional<Currency> currency = Currency::fromCode(threshold.value(1));
    const bool on = threshold.size() == 2 && currency;
    m_thresholdOn->setChecked(on);
    m_thresholdAmount->setEnabled(on);
    m_thresholdCurrency->setEnabled(on);
    m_thresholdAmount->setText(on ? Money(threshold.at(0).toLongLong(), *currency).formatPlain(QLocale())
                                  : QString());
    if (on) {
        const QString code = currency->code().toLower();
        if (m_thresholdCurrency->findData(code) < 0)
            m_thresholdCurrency->addItem(code.toUpper(), code);
        m_thresholdCurrency->setCurrentIndex(m_thresholdCurrency->findData(code));
    }
    m_idleLock->setValue(settings.idleLockSeconds());
    m_poll->setValue(settings.pollIntervalSeconds());
    m_header->setPlainText(m_loaded.value(QString(SettingsService::ReceiptHeaderKey)));
    m_footer->setPlainText(m_loaded.value(QString(SettingsService::ReceiptFooterKey)));
    m_locale->setCurrentIndex(
        std::max(0, m_locale->findData(m_loaded.value(QString(SettingsService::LocaleKey)))));

    m_databaseCurrent->setText(m_context.databaseConfig.toDisplayString());
    m_database->setEnabled(!m_localConfigPath.isEmpty());
    if (m_localConfigPath.isEmpty()) {
        m_database->setPlaceholderText(u"The demo keeps its own store"_s);
        m_loadedDatabaseUrl.clear();
    } else {
        m_loadedDatabaseUrl = LocalConfig(m_localConfigPath).databaseUrl();
    }
    m_database->setText(m_loadedDatabaseUrl);
}

bool ShopPanel::collect(QMap<QString, QString> *values, QString *problem) const
{
    QString threshold = u"none"_s;
    if (m_thresholdOn->isChecked()) {
        const std::optional<Currency> currency =
            Currency::fromCode(m_thresholdCurrency->currentData().toString());
        const MoneyParseResult amount =
            currency ? Money::parse(m_thresholdAmount->text().trimmed(), *currency, QLocale())
                     : MoneyParseResult();
        if (!currency || !amount.isValid() || amount.money().isNegative()) {
            *problem = u"The refund threshold: "_s +
                       (amount.message().isEmpty() ? u"type an amount such as %1"_s.arg(exampleAmount())
                                                   : amount.message());
            return false;
        }
        threshold = u"%1 %2"_s.arg(amount.money().minorUnits()).arg(currency->code().toLower());
    }
    values->insert(QString(SettingsService::RefundThresholdKey), threshold);
    values->insert(QString(SettingsService::IdleLockKey), QString::number(m_idleLock->value()));
    values->insert(QString(SettingsService::PollIntervalKey), QString::number(m_poll->value()));
    values->insert(QString(SettingsService::ReceiptHeaderKey), m_header->toPlainText());
    values->insert(QString(SettingsService::ReceiptFooterKey), m_footer->toPlainText());
    values->insert(QString(SettingsService::LocaleKey), m_locale->currentData().toString());
    return true;
}

bool ShopPanel::save()
{
    QMap<QString, QString> values;
    QString problem;
    if (!collect(&values, &problem)) {
        setMessage(problem, true);
        return false;
    }
    security::AuditLog audit(*m_context.db, m_context.till);
    SettingsService settings(*m_context.db, audit);
    int changed = 0;
    for (auto it = values.cbegin(); it != values.cend(); ++it) {
        // An unset threshold reads as "" and is saved as "none" only once somebody sets one.
        const QString before = m_loaded.value(it.key());
        if (before == it.value() || (before.isEmpty() && it.value() == u"none"_s))
            continue;
        if (const security::SecurityError error = settings.setValue(m_user, it.key(), it.value());
            error.isError()) {
            setMessage(error.message, true);
            return false;
        }
        m_loaded.insert(it.key(), it.value());
        ++changed;
    }
    const QString url = m_database->text().trimmed();
    if (!m_localConfigPath.isEmpty() && url != m_loadedDatabaseUrl) {
        if (!allows(m_user.role, Permission::ManageSettings)) {
            setMessage(u"%1 may not manage settings"_s.arg(m_user.describe()), true);
            return false;
        }
        if (const QString why = LocalConfig(m_localConfigPath).setDatabaseUrl(url); !why.isEmpty()) {
            setMessage(u"The database: "_s + why, true);
            return false;
        }
        // The file is this till's, but who pointed it elsewhere belongs in the shared log.
        if (const store::StoreError logged = audit.record(m_user, u"till.database_next"_s, {},
                                                          {{u"url"_s, url}, {u"till"_s, m_context.till}});
            logged.isError())
            setMessage(u"Saved, but the audit log did not take it: "_s + logged.toString(), true);
        m_loadedDatabaseUrl = url;
        ++changed;
    }
    setMessage(changed == 0 ? u"Nothing changed."_s : u"Saved."_s, false);
    return true;
}

} // namespace kassa::gui
