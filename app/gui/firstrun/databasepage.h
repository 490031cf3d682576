// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/gui/firstrun/firstrunpage.h"

class QLabel;
class QLineEdit;
class QPushButton;
class QRadioButton;
class QWidget;

namespace kassa::gui::firstrun {

// Where the store is.
class DatabasePage : public FirstRunPage
{
public:
    explicit DatabasePage(const FirstRunEnvironment &environment);

    bool isComplete() const override;
    int nextId() const override;
    bool validatePage() override;

private:
    static QString urlOf(const store::DatabaseConfig &config);
    void forget();
    void test(bool thenNext);

    FirstRunEnvironment m_environment;
    QRadioButton *m_sqlite;
    QRadioButton *m_postgres;
    QWidget *m_pgBox;
    QLineEdit *m_url;
    QLineEdit *m_password;
    QPushButton *m_test;
    QLabel *m_result;
    bool m_testing = false;
    bool m_tested = false;
    int m_users = 0;
    store::DatabaseConfig m_config;
    QString m_displayUrl;
};

} // namespace kassa::gui::firstrun
