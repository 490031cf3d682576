// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/gui/firstrun/firstrunpage.h"
#include "services/stripe/stripeerror.h"

class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QWidget;

namespace kassa::gui::firstrun {

// The Stripe key.
class KeyPage : public FirstRunPage
{
public:
    explicit KeyPage(const FirstRunEnvironment &environment);

    void initializePage() override { probeKeychain(); }

    int nextId() const override;
    bool isComplete() const override;
    bool validatePage() override;

private:
    static QString refusal(const stripe::StripeError &error);
    void probeKeychain();

    FirstRunEnvironment m_environment;
    QLineEdit *m_key;
    QCheckBox *m_show;
    QLabel *m_result;
    QWidget *m_keychainBox;
    QLabel *m_keychainText;
    QPushButton *m_retry;
    QCheckBox *m_sessionOnly;
    QString m_checked; // the key Stripe accepted
    bool m_checking = false;
    bool m_probing = false;
    bool m_keychainWorks = true;
};

} // namespace kassa::gui::firstrun
