// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/gui/firstrun/firstrunpage.h"

class QCheckBox;
class QLabel;
class QLineEdit;
class QRadioButton;
class QSpinBox;
class QWidget;

namespace kassa::gui::firstrun {

// How the till hears of Stripe's events.
class EventsPage : public FirstRunPage
{
public:
    EventsPage();

    bool validatePage() override;
    bool useWebhook() const;
    int intervalSeconds() const;
    QString listen() const;
    QString registerUrl() const;

private:
    QRadioButton *m_poll;
    QSpinBox *m_interval;
    QRadioButton *m_webhook;
    QWidget *m_webhookBox;
    QLineEdit *m_listen;
    QCheckBox *m_register;
    QLineEdit *m_publicUrl;
    QLabel *m_problem;
};

} // namespace kassa::gui::firstrun
