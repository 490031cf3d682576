// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/gui/firstrun/finishpage.h"

#include "app/gui/firstrun/eventspage.h"
#include "app/gui/firstrun/ownerpage.h"
#include "services/security/stripekey.h"

#include <QAbstractButton>
#include <QLabel>
#include <QVBoxLayout>
#include <QWidget>

using namespace Qt::StringLiterals;

namespace kassa::gui::firstrun {

FinishPage::FinishPage()
{
    setTitle(u"Ready"_s);
    setSubTitle(u"Finish saves the following and opens the log-in screen."_s);
    auto *layout = new QVBoxLayout(this);
    m_summary = new QLabel(this);
    m_summary->setObjectName(u"summary"_s);
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::RichText);
    layout->addWidget(m_summary);
    m_status = wrapped(QString(), this);
    m_status->setObjectName(u"finishStatus"_s);
    m_status->hide();
    layout->addWidget(m_status);
    layout->addStretch();
    setFinalPage(true);
}

void FinishPage::initializePage()
{
    auto *wizard = firstRun();
    const auto *owner = static_cast<const OwnerPage *>(wizard->page(FirstRunWizard::OwnerPageId));
    const auto *events = static_cast<const EventsPage *>(wizard->page(FirstRunWizard::EventsPageId));
    const security::StripeKey key = security::StripeKey::parse(wizard->checkedKey());
    QStringList items;
    items << u"Records: "_s + wizard->databaseConfig().toDisplayString().toHtmlEscaped();
    if (wizard->joinedExistingStore()) {
        items << u"This till joins the store another till set up; log in with your own user."_s;
    } else {
        items << u"Owner: %1 (%2)"_s.arg(owner->displayName().toHtmlEscaped(), owner->name().toHtmlEscaped());
        items << (events->useWebhook()
                      ? u"Events: webhooks on %1%2, and asking Stripe every %3 s"_s.arg(
                            events->listen().toHtmlEscaped(),
                            events->registerUrl().isEmpty()
                                ? QString()
                                : QString(u", registered as "_s + events->registerUrl().toHtmlEscaped()),
                            QString::number(events->intervalSeconds()))
                      : u"Events: asking Stripe every %1 seconds"_s.arg(events->intervalSeconds()));
    }
    items << u"Stripe key: %1 %2, %3"_s.arg(security::StripeKey::modeName(key.mode()), key.masked(),
                                            wizard->keyForSessionOnly() ? u"<b>for this session only</b>"_s
                                                                        : u"kept in the keychain"_s);
    m_summary->setText(u"<ul><li>"_s + items.join(u"</li><li>"_s) + u"</li></ul>"_s);
    if (key.isLive())
        m_summary->setText(m_summary->text() +
                           u"<p><b>This is a live key: payments taken with it are real.</b></p>"_s);
    showMessage(m_status, QString(), false);
}

bool FinishPage::validatePage()
{
    if (m_saved)
        return true;
    m_saving = true;
    emit completeChanged();
    // Once the owner is being written, a cancel could no longer take it back: no way out until the
    // save has finished one way or the other.
    setLeaving(false);
    showMessage(m_status, u"Saving…"_s, false);
    firstRun()->save([this](const QString &error) {
        m_saving = false;
        setLeaving(true);
        emit completeChanged();
        if (!error.isEmpty()) {
            showMessage(m_status, error, true);
            return;
        }
        m_saved = true;
        wizard()->accept();
    });
    return false;
}

void FinishPage::setLeaving(bool enabled)
{
    for (const QWizard::WizardButton button : {QWizard::BackButton, QWizard::CancelButton}) {
        if (QAbstractButton *shown = wizard()->button(button))
            shown->setEnabled(enabled);
    }
}

} // namespace kassa::gui::firstrun
