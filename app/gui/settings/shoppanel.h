// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/gui/shell/consolecontext.h"
#include "services/security/actinguser.h"

#include <QMap>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;

namespace kassa::gui {

// The shop's settings, shared by every till, through SettingsService (ManageSettings): the refund
// approval threshold, the idle lock, the receipt header and footer, the language and the polling
// interval; and this till's database for its next start (LocalConfig). Save stores what changed, each
// value checked by the service; Revert reads them all again.
class ShopPanel : public QWidget
{
    Q_OBJECT
public:
    // `localConfigPath` empty: the database cannot be changed here.
    ShopPanel(const ConsoleContext &context, const QString &localConfigPath, QWidget *parent = nullptr);

    void setUser(const security::ActingUser &user);
    // Reads every value again, dropping what was not saved.
    void reload();
    // Stores what changed. False (and the message says why) when something was refused; what came before
    // it is kept.
    bool save();

    QCheckBox *thresholdBox() const { return m_thresholdOn; }
    QLineEdit *thresholdAmount() const { return m_thresholdAmount; }
    QComboBox *thresholdCurrency() const { return m_thresholdCurrency; }
    QSpinBox *idleLockBox() const { return m_idleLock; }
    QSpinBox *pollBox() const { return m_poll; }
    QPlainTextEdit *receiptHeader() const { return m_header; }
    QPlainTextEdit *receiptFooter() const { return m_footer; }
    QComboBox *localeBox() const { return m_locale; }
    QLineEdit *databaseField() const { return m_database; }
    QLabel *databaseCurrent() const { return m_databaseCurrent; }
    QPushButton *saveButton() const { return m_save; }
    QPushButton *revertButton() const { return m_revert; }
    QString message() const;

private:
    // The setting values the fields hold now, by key; nullopt-like empty map and a message when a field
    // does not parse.
    bool collect(QMap<QString, QString> *values, QString *problem) const;
    void setMessage(const QString &text, bool error);

    ConsoleContext m_context;
    QString m_localConfigPath;
    security::ActingUser m_user;
    QMap<QString, QString> m_loaded;
    QString m_loadedDatabaseUrl;
    QCheckBox *m_thresholdOn;
    QLineEdit *m_thresholdAmount;
    QComboBox *m_thresholdCurrency;
    QSpinBox *m_idleLock;
    QSpinBox *m_poll;
    QPlainTextEdit *m_header;
    QPlainTextEdit *m_footer;
    QComboBox *m_locale;
    QLabel *m_databaseCurrent;
    QLineEdit *m_database;
    QPushButton *m_save;
    QPushButton *m_revert;
    QLabel *m_message;
};

} // namespace kassa::gui
