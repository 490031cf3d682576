// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/gui/firstrun/eventspage.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QRadioButton>
#include <QSpinBox>
#include <QVBoxLayout>
#include <QWidget>

using namespace Qt::StringLiterals;

namespace kassa::gui::firstrun {

EventsPage::EventsPage()
{
    setTitle(u"News from Stripe"_s);
    setSubTitle(u"How Kassa hears of what changes at Stripe."_s);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(wrapped(u"Payments and refunds also change at Stripe (a refund from the Dashboard, "
                              "a payment that settles later). Kassa keeps its records up to date by "
                              "asking Stripe regularly, or by receiving Stripe's webhooks."_s,
                              this));
    m_poll = new QRadioButton(u"Ask Stripe regularly (recommended: works behind any router)"_s, this);
    m_poll->setObjectName(u"eventsPoll"_s);
    layout->addWidget(m_poll);
    auto *pollRow = new QHBoxLayout;
    pollRow->setContentsMargins(24, 0, 0, 8);
    pollRow->addWidget(new QLabel(u"Every"_s, this));
    m_interval = new QSpinBox(this);
    m_interval->setObjectName(u"pollInterval"_s);
    m_interval->setAccessibleName(u"Seconds between two questions to Stripe"_s);
    m_interval->setRange(5, 3600);
    m_interval->setValue(15);
    m_interval->setSuffix(u" seconds"_s);
    pollRow->addWidget(m_interval);
    pollRow->addStretch();
    layout->addLayout(pollRow);
    m_webhook = new QRadioButton(u"Receive Stripe's webhooks (needs an address Stripe can reach)"_s, this);
    m_webhook->setObjectName(u"eventsWebhook"_s);
    layout->addWidget(m_webhook);
    auto *group = new QButtonGroup(this);
    group->addButton(m_poll);
    group->addButton(m_webhook);
    m_webhookBox = new QWidget(this);
    auto *form = new QFormLayout(m_webhookBox);
    form->setContentsMargins(24, 0, 0, 0);
    m_listen = new QLineEdit(u"127.0.0.1:8787"_s, m_webhookBox);
    m_listen->setObjectName(u"webhookListen"_s);
    m_listen->setAccessibleName(u"Address the webhook receiver listens on"_s);
    form->addRow(u"Listen on:"_s, m_listen);
    m_register = new QCheckBox(u"Register this endpoint with Stripe now"_s, m_webhookBox);
    m_register->setObjectName(u"webhookRegister"_s);
    form->addRow(QString(), m_register);
    m_publicUrl = new QLineEdit(m_webhookBox);
    m_publicUrl->setObjectName(u"webhookUrl"_s);
    m_publicUrl->setAccessibleName(u"Public address of the webhook endpoint"_s);
    m_publicUrl->setPlaceholderText(u"https://till.example.com/webhook"_s);
    form->addRow(u"Public address:"_s, m_publicUrl);
    form->addRow(QString(), wrapped(u"Start the receiver with kassa-cli webhook serve --listen ADDRESS. "
                                    "The console keeps asking Stripe as well, so nothing is missed "
                                    "while the receiver is down."_s,
                                    m_webhookBox));
    layout->addWidget(m_webhookBox);
    m_problem = wrapped(QString(), this);
    m_problem->hide();
    layout->addWidget(m_problem);
    layout->addStretch();
    m_poll->setChecked(true);
    m_webhookBox->setEnabled(false);
    m_publicUrl->setEnabled(false);
    connect(m_webhook, &QRadioButton::toggled, m_webhookBox, &QWidget::setEnabled);
    connect(m_register, &QCheckBox::toggled, m_publicUrl, &QWidget::setEnabled);
    // A message about the last Next goes as soon as the fields change.
    for (QLineEdit *edited : {m_listen, m_publicUrl})
        connect(edited, &QLineEdit::textChanged, this, [this] { showMessage(m_problem, QString(), false); });
}

bool EventsPage::validatePage()
{
    if (!useWebhook())
        return true;
    const QString listen = m_listen->text().trimmed();
    const qsizetype colon = listen.lastIndexOf(u':');
    bool portOk = false;
    const uint port = colon < 0 ? 0 : listen.mid(colon + 1).toUInt(&portOk);
    if (colon <= 0 || !portOk || port == 0 || port > 65535) {
        showMessage(m_problem, u"Listen on needs an address and a port, e.g. 127.0.0.1:8787."_s, true);
        return false;
    }
    const QUrl url(m_publicUrl->text().trimmed());
    if (m_register->isChecked() && (!url.isValid() || url.host().isEmpty() ||
                                    (url.scheme() != u"https"_s && url.scheme() != u"http"_s))) {
        showMessage(
            m_problem,
            u"Stripe needs the public address as a full URL, e.g. https://till.example.com/webhook."_s, true);
        return false;
    }
    showMessage(m_problem, QString(), false);
    return true;
}

QString EventsPage::registerUrl() const
{
    return m_register->isChecked() ? m_publicUrl->text().trimmed() : QString();
}

bool EventsPage::useWebhook() const
{
    return m_webhook->isChecked();
}

int EventsPage::intervalSeconds() const
{
    return m_interval->value();
}

QString EventsPage::listen() const
{
    return m_listen->text().trimmed();
}

} // namespace kassa::gui::firstrun
