// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/gui/pages/addmethoddialog.h"

#include "app/gui/widgets/qrcodewidget.h"
#include "services/customers/methodsetup.h"
#include "services/customers/savedmethodservice.h"
#include "services/stripe/resources/terminalreaders.h"
#include "services/stripe/stripeclient.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QLabel>
#include <QPointer>
#include <QPushButton>
#include <QTabBar>
#include <QTabWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace kassa::gui {

namespace {

constexpr int TouchSize = 44;

QPushButton *bigButton(const QString &text, const QString &accessibleName, QWidget *parent)
{
    auto *button = new QPushButton(text, parent);
    button->setMinimumHeight(TouchSize);
    button->setAccessibleName(accessibleName);
    return button;
}

QLabel *wrapped(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    label->setWordWrap(true);
    return label;
}

} // namespace

AddMethodDialog::AddMethodDialog(customers::SavedMethodService &service, const security::ActingUser &user,
                                 const QString &customerId, const QString &customerName, QWidget *parent)
    : QDialog(parent)
    , m_service(service)
    , m_user(user)
    , m_customerId(customerId)
    , m_tabs(new QTabWidget(this))
    , m_showQr(bigButton(u"Show QR code"_s, u"Show a QR code for the customer's phone"_s, this))
    , m_qr(new QrCodeWidget(this))
    , m_qrLink(new QLabel(this))
    , m_reader(new QComboBox(this))
    , m_useReader(bigButton(u"Read card on reader"_s, u"Save a card read on the chosen reader"_s, this))
    , m_status(new QLabel(this))
    , m_cancel(bigButton(u"Cancel waiting"_s, u"Stop waiting for the customer"_s, this))
    , m_close(bigButton(u"Close"_s, u"Close this dialog"_s, this))
{
    setObjectName(u"addMethodDialog"_s);
    setWindowTitle(u"Add a payment method"_s);
    setMinimumWidth(460);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(u"<b>New payment method for %1</b>"_s.arg(
                                     (customerName.isEmpty() ? customerId : customerName).toHtmlEscaped()),
                                 this));

    // QR code: the customer types the card on their own phone, so it never passes through the till.
    auto *qrTab = new QWidget(m_tabs);
    auto *qrLayout = new QVBoxLayout(qrTab);
    qrLayout->addWidget(wrapped(u"The customer scans the code with their phone and enters the card on "
                                "Stripe's page. The code stays valid for %1 minutes."_s.arg(
                                    m_service.options().checkoutLifetimeSeconds / 60),
                                qrTab));
    qrLayout->addWidget(m_showQr);
    m_qr->setObjectName(u"addMethodQr"_s);
    m_qr->setMinimumSize(220, 220);
    m_qr->setVisible(false);
    qrLayout->addWidget(m_qr, 1, Qt::AlignHCenter);
    m_qrLink->setObjectName(u"addMethodLink"_s);
    m_qrLink->setTextInteractionFlags(Qt::TextBrowserInteraction);
    m_qrLink->setOpenExternalLinks(true);
    m_qrLink->setVisible(false);
    qrLayout->addWidget(m_qrLink);
    qrLayout->addStretch(1);
    m_tabs->addTab(qrTab, u"QR code"_s);

    auto *readerTab = new QWidget(m_tabs);
    auto *readerLayout = new QVBoxLayout(readerTab);
    readerLayout->addWidget(
        wrapped(u"The customer taps or inserts the card on the reader; nothing is charged."_s, readerTab));
    auto *readerLabel = new QLabel(u"Card reader:"_s, readerTab);
    m_reader->setAccessibleName(u"Card reader"_s);
    m_reader->setMinimumHeight(36);
    readerLabel->setBuddy(m_reader);
    readerLayout->addWidget(readerLabel);
    readerLayout->addWidget(m_reader);
    readerLayout->addWidget(m_useReader);
    readerLayout->addStretch(1);
    m_tabs->addTab(readerTab, u"Card reader"_s);

    if (m_service.options().testMode) {
        auto *testTab = new QWidget(m_tabs);
        auto *testLayout = new QVBoxLayout(testTab);
        testLayout->addWidget(wrapped(u"Test mode: save one of Stripe's test cards."_s, testTab));
        m_testToken = new QComboBox(testTab);
        m_testToken->setAccessibleName(u"Test card"_s);
        m_testToken->setMinimumHeight(36);
        for (const customers::SavedMethodService::TestToken &token :
             customers::SavedMethodService::testTokens())
            m_testToken->addItem(token.label, token.token);
        auto *testLabel = new QLabel(u"Test card:"_s, testTab);
        testLabel->setBuddy(m_testToken);
        testLayout->addWidget(testLabel);
        testLayout->addWidget(m_testToken);
        m_saveTestCard = bigButton(u"Save test card"_s, u"Save the chosen test card"_s, testTab);
        testLayout->addWidget(m_saveTestCard);
        testLayout->addStretch(1);
        m_tabs->addTab(testTab, u"Test card"_s);
        connect(m_saveTestCard, &QPushButton::clicked, this, &AddMethodDialog::saveTestCard);
        // In test mode the test card is the quickest way and needs nobody at the counter.
        m_tabs->setCurrentWidget(testTab);
    }
    layout->addWidget(m_tabs, 1);

    m_status->setObjectName(u"addMethodStatus"_s);
    m_status->setAccessibleName(u"What is happening"_s);
    m_status->setWordWrap(true);
    m_status->setMinimumHeight(40);
    layout->addWidget(m_status);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_cancel);
    buttons->addStretch(1);
    buttons->addWidget(m_close);
    layout->addLayout(buttons);

    connect(m_showQr, &QPushButton::clicked, this, &AddMethodDialog::showQrCode);
    connect(m_useReader, &QPushButton::clicked, this, &AddMethodDialog::useReader);
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        if (m_setup)
            m_setup->cancel();
    });
    connect(m_close, &QPushButton::clicked, this, &AddMethodDialog::reject);
    connect(m_reader, &QComboBox::currentIndexChanged, this, &AddMethodDialog::updateButtons);
    refreshReaders();
    updateButtons();
}

AddMethodDialog::~AddMethodDialog()
{
    // A page or a reader still waiting for this customer would outlive the dialog that shows it.
    if (m_setup && !m_setup->isFinished())
        m_setup->cancel();
}

QString AddMethodDialog::statusText() const
{
    return m_status->text();
}

bool AddMethodDialog::isBusy() const
{
    return m_attaching || (m_setup && !m_setup->isFinished());
}

void AddMethodDialog::setStatus(const QString &text, bool error)
{
    m_status->setText(text);
    m_status->setStyleSheet(error ? u"color: #b00020; font-weight: bold;"_s : QString());
}

void AddMethodDialog::updateButtons()
{
    const bool busy = isBusy();
    if (m_saveTestCard)
        m_saveTestCard->setEnabled(!busy);
    m_showQr->setEnabled(!busy);
    m_useReader->setEnabled(!busy && !m_reader->currentData().toString().isEmpty());
    m_cancel->setVisible(m_setup && !m_setup->isFinished());
    m_cancel->setEnabled(m_setup && !m_setup->isFinished() &&
                         m_setup->state() != customers::MethodSetup::State::Canceling);
    m_tabs->tabBar()->setEnabled(!busy);
}

void AddMethodDialog::refreshReaders()
{
    m_reader->setPlaceholderText(u"Looking for readers…"_s);
    m_service.client().send(
        stripe::TerminalReaders::list(), this, [this](const stripe::StripeResponse &response) {
            QComboBox *box = m_reader;
            box->clear();
            if (!response.ok()) {
                box->setPlaceholderText(u"Readers unavailable: "_s + response.error.message);
                return updateButtons();
            }
            for (const QJsonValue &value : response.json.value(u"data"_s).toArray()) {
                const QJsonObject reader = value.toObject();
                QString label = reader.value(u"label"_s).toString();
                if (label.isEmpty())
                    label = reader.value(u"id"_s).toString();
                if (reader.value(u"status"_s).toString() == u"offline"_s)
                    label += u" (offline)"_s;
                box->addItem(label, reader.value(u"id"_s).toString());
            }
            if (box->count() == 0)
                box->setPlaceholderText(u"No card reader registered"_s);
            // With a placeholder text a combo box picks nothing by itself: the first reader it is.
            box->setCurrentIndex(box->count() > 0 ? 0 : -1);
            updateButtons();
        });
}

void AddMethodDialog::saveTestCard()
{
    if (isBusy() || !m_testToken)
        return;
    m_attaching = true;
    setStatus(u"Saving the test card…"_s);
    updateButtons();
    QPointer<AddMethodDialog> self(this);
    m_service.attach(m_user, m_customerId, m_testToken->currentData().toString(),
                     [self](const customers::SavedMethodOutcome &outcome) {
                         if (self)
                             self->onAttached(outcome);
                     });
}

void AddMethodDialog::onAttached(const customers::SavedMethodOutcome &outcome)
{
    m_attaching = false;
    if (outcome.ok()) {
        const QJsonObject card = outcome.object.value(u"card"_s).toObject();
        setStatus(u"Saved: %1 •••• %2."_s.arg(card.value(u"brand"_s).toString(),
                                              card.value(u"last4"_s).toString()));
        emit saved(outcome.object.value(u"id"_s).toString());
    } else {
        setStatus(u"Not saved: "_s + outcome.message, true);
    }
    updateButtons();
}

void AddMethodDialog::showQrCode()
{
    QString refusal;
    std::unique_ptr<customers::MethodSetup> setup = m_service.startCheckout(m_user, m_customerId, &refusal);
    startSetup(std::move(setup), refusal);
}

void AddMethodDialog::useReader()
{
    QString refusal;
    std::unique_ptr<customers::MethodSetup> setup =
        m_service.startReader(m_user, m_customerId, m_reader->currentData().toString(), &refusal);
    startSetup(std::move(setup), refusal);
}

void AddMethodDialog::startSetup(std::unique_ptr<customers::MethodSetup> setup, const QString &refusal)
{
    if (isBusy())
        return;
    if (!setup) {
        setStatus(u"Not started: "_s + refusal, true);
        return;
    }
    m_setup = std::move(setup);
    connect(m_setup.get(), &customers::MethodSetup::changed, this, &AddMethodDialog::onSetupChanged);
    setStatus(m_setup->kind() == customers::MethodSetup::Kind::Checkout ? u"Preparing the QR code…"_s
                                                                        : u"Sending to the reader…"_s);
    m_setup->start();
    updateButtons();
}

void AddMethodDialog::onSetupChanged()
{
    using State = customers::MethodSetup::State;
    customers::MethodSetup *setup = m_setup.get();
    if (!setup)
        return;
    const bool showQr = setup->state() == State::WaitingForCustomer && setup->url().isValid();
    m_qr->setText(showQr ? setup->url().toString() : QString());
    m_qr->setVisible(showQr);
    m_qrLink->setText(showQr ? u"<a href=\"%1\">Open the page on this screen</a>"_s.arg(
                                   setup->url().toString().toHtmlEscaped())
                             : QString());
    m_qrLink->setVisible(showQr);
    switch (setup->state()) {
    case State::Starting:
        break;
    case State::WaitingForCustomer:
        setStatus(u"Waiting for the customer to save their card on their phone…"_s);
        break;
    case State::WaitingForReader:
        setStatus(u"Waiting for the customer to tap or insert their card on the reader…"_s);
        break;
    case State::Canceling:
        setStatus(u"Canceling…"_s);
        break;
    case State::Saved: {
        const QJsonObject pm = setup->paymentMethod();
        const QJsonObject card = pm.value(u"card"_s).toObject();
        setStatus(u"Saved: %1 •••• %2."_s.arg(card.value(u"brand"_s).toString(),
                                              card.value(u"last4"_s).toString()));
        emit saved(pm.value(u"id"_s).toString());
        break;
    }
    case State::Failed:
        setStatus(u"Not saved: "_s + setup->message(), true);
        break;
    case State::Canceled:
        setStatus(setup->message());
        break;
    }
    updateButtons();
}

void AddMethodDialog::reject()
{
    if (m_setup && !m_setup->isFinished())
        m_setup->cancel();
    QDialog::reject();
}

} // namespace kassa::gui
