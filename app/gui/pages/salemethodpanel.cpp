// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/gui/pages/salemethodpanel.h"

#include "app/gui/models/paymentmethodsmodel.h"
#include "app/gui/pages/saleui.h"
#include "services/stripe/resources/terminalreaders.h"
#include "services/stripe/stripeclient.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QLabel>
#include <QPushButton>
#include <QStandardItemModel>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace kassa::gui {

namespace {

QComboBox *touchCombo(const QString &objectName, const QString &accessibleName, QWidget *parent)
{
    auto *box = new QComboBox(parent);
    box->setObjectName(objectName);
    box->setAccessibleName(accessibleName);
    box->setMinimumHeight(saleui::TouchMinimumPx);
    return box;
}

QLabel *sectionLabel(const QString &text, QWidget *buddy, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    label->setBuddy(buddy);
    return label;
}

} // namespace

SaleMethodPanel::SaleMethodPanel(stripe::StripeClient &client, store::Database &db, const Options &options,
                                 QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_options(options)
    , m_methods(new PaymentMethodsModel(db, this))
{
    setObjectName(u"saleMethodPanel"_s);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(new QLabel(u"<b>Pay by</b>"_s, this));

    // A saved card of the chosen customer: shown only once there is a customer.
    m_savedSection = new QWidget(this);
    m_savedSection->setObjectName(u"saleSavedCardSection"_s);
    auto *saved = new QVBoxLayout(m_savedSection);
    saved->setContentsMargins(0, 0, 0, 0);
    m_savedCard = touchCombo(u"saleSavedCard"_s, u"Saved card"_s, m_savedSection);
    saved->addWidget(sectionLabel(u"The customer's saved card:"_s, m_savedCard, m_savedSection));
    saved->addWidget(m_savedCard);
    m_paySavedCard = saleui::bigButton(u"Saved card  (F6)"_s, u"salePaySavedCard"_s, m_savedSection);
    m_paySavedCard->setAccessibleName(u"Pay by the customer's saved card"_s);
    m_paySavedCard->setToolTip(u"Charge the saved card chosen above; the customer need not be present."_s);
    connect(m_paySavedCard, &QPushButton::clicked, this, &SaleMethodPanel::savedCardRequested);
    saved->addWidget(m_paySavedCard);
    saved->addSpacing(12);
    m_savedSection->hide();
    layout->addWidget(m_savedSection);
    connect(m_methods, &QAbstractItemModel::modelReset, this, &SaleMethodPanel::fillSavedCards);

    m_testCard = touchCombo(u"saleTestCard"_s, u"Test card"_s, this);
    for (const auto &[token, words] : testCards())
        m_testCard->addItem(words, token);
    m_payTestCard = saleui::bigButton(u"Test card  (F2)"_s, u"salePayTestCard"_s, this);
    m_payTestCard->setAccessibleName(u"Pay by the test card"_s);
    m_payTestCard->setToolTip(u"Charge the test card chosen above. Test mode only: no real money moves."_s);
    connect(m_payTestCard, &QPushButton::clicked, this, &SaleMethodPanel::testCardRequested);
    if (m_options.testMode) {
        layout->addWidget(
            sectionLabel(u"Test card to charge (test mode, no real money):"_s, m_testCard, this));
        layout->addWidget(m_testCard);
        layout->addWidget(m_payTestCard);
        layout->addSpacing(12);
    } else {
        m_testCard->hide();
        m_payTestCard->hide();
    }

    m_reader = touchCombo(u"saleReader"_s, u"Card reader"_s, this);
    layout->addWidget(sectionLabel(u"Card reader:"_s, m_reader, this));
    auto *readerRow = new QHBoxLayout;
    readerRow->addWidget(m_reader, 1);
    m_refreshReaders = new QPushButton(u"↻"_s, this);
    m_refreshReaders->setObjectName(u"saleRefreshReaders"_s);
    m_refreshReaders->setAccessibleName(u"Look for card readers again"_s);
    m_refreshReaders->setToolTip(u"Look for card readers again (F5)"_s);
    m_refreshReaders->setMinimumSize(saleui::TouchMinimumPx, saleui::TouchMinimumPx);
    connect(m_refreshReaders, &QPushButton::clicked, this, &SaleMethodPanel::refreshReaders);
    readerRow->addWidget(m_refreshReaders);
    layout->addLayout(readerRow);
    m_payReader = saleui::bigButton(u"Card reader  (F3)"_s, u"salePayReader"_s, this);
    m_payReader->setAccessibleName(u"Pay on the card reader"_s);
    m_payReader->setToolTip(
        u"Send the amount to the chosen reader; the customer taps or inserts the card."_s);
    connect(m_payReader, &QPushButton::clicked, this, &SaleMethodPanel::readerRequested);
    layout->addWidget(m_payReader);
    layout->addSpacing(12);

    m_payCheckout = saleui::bigButton(u"QR code  (F4)"_s, u"salePayCheckout"_s, this);
    m_payCheckout->setAccessibleName(u"Pay by QR code on the customer's phone"_s);
    m_payCheckout->setToolTip(
        m_options.checkoutConfigured
            ? u"Show a QR code; the customer pays on their phone (Stripe Checkout)."_s
            : u"No page to send the customer to after paying: set KASSA_CHECKOUT_SUCCESS_URL "
              "to the shop's thank-you page to take payments by QR code."_s);
    connect(m_payCheckout, &QPushButton::clicked, this, &SaleMethodPanel::checkoutRequested);
    layout->addWidget(m_payCheckout);

    m_message = new QLabel(this);
    m_message->setObjectName(u"saleEntryMessage"_s);
    m_message->setWordWrap(true);
    m_message->setAccessibleName(u"Sale message"_s);
    layout->addWidget(m_message);
    layout->addStretch(1);

    m_help = new QLabel(this);
    m_help->setObjectName(u"saleHelp"_s);
    m_help->setAccessibleName(u"Keys"_s);
    m_help->setTextFormat(Qt::RichText);
    m_help->setWordWrap(true);
    m_help->setText(u"<b>Keys</b><br>0–9 amount · Backspace: last digit · Esc: clear<br>"
                    "Enter: pay (the saved card when a customer is chosen, else the %1)<br>"
                    "F2 test card · F3 card reader · F4 QR code<br>"
                    "F6 saved card · F7 choose the customer<br>"
                    "F5 look for readers again · F8 resume an interrupted sale<br>"
                    "Ctrl+P print the receipt · F1 hide this"_s.arg(m_options.testMode ? u"test card"_s
                                                                                       : u"card reader"_s));
    m_help->setFrameShape(QFrame::StyledPanel);
    m_help->setMargin(8);
    m_help->hide();
    layout->addWidget(m_help);
    auto *hint = new QLabel(u"F1: keys"_s, this);
    hint->setObjectName(u"saleHelpHint"_s);
    layout->addWidget(hint);

    // Tab through the methods top to bottom, each choice before its button.
    setTabOrder(m_savedCard, m_paySavedCard);
    setTabOrder(m_paySavedCard, m_testCard);
    setTabOrder(m_testCard, m_payTestCard);
    setTabOrder(m_payTestCard, m_reader);
    setTabOrder(m_reader, m_refreshReaders);
    setTabOrder(m_refreshReaders, m_payReader);
    setTabOrder(m_payReader, m_payCheckout);
}

SaleMethodPanel::~SaleMethodPanel() = default;

QList<std::pair<QString, QString>> SaleMethodPanel::testCards()
{
    // The three cards of the plan (succeeds, declined, 3-D Secure), insufficient funds, and a second
    // brand that succeeds.
    QList<std::pair<QString, QString>> cards;
    cards.emplaceBack(u"pm_card_visa"_s, u"Visa •••• 4242 (succeeds)"_s);
    cards.emplaceBack(u"pm_card_mastercard"_s, u"Mastercard •••• 4444 (succeeds)"_s);
    cards.emplaceBack(u"pm_card_visa_chargeDeclined"_s, u"Visa •••• 0002 (is declined)"_s);
    cards.emplaceBack(u"pm_card_visa_chargeDeclinedInsufficientFunds"_s,
                      u"Visa •••• 9995 (declined: insufficient funds)"_s);
    cards.emplaceBack(u"pm_card_authenticationRequired"_s, u"Visa •••• 3184 (asks for 3-D Secure)"_s);
    return cards;
}

QString SaleMethodPanel::savedCardId() const
{
    const int index = m_savedCard->currentIndex();
    if (index < 0 || m_customerId.isEmpty())
        return {};
    const auto *items = qobject_cast<const QStandardItemModel *>(m_savedCard->model());
    if (items && items->item(index) && !items->item(index)->isEnabled())
        return {};
    return m_savedCard->currentData().toString();
}

QString SaleMethodPanel::testCardToken() const
{
    return m_testCard->currentData().toString();
}

QString SaleMethodPanel::readerId() const
{
    return m_reader->currentData().toString();
}

QString SaleMethodPanel::readerName() const
{
    return m_reader->currentText();
}

bool SaleMethodPanel::hasReaders() const
{
    return m_reader->count() > 0;
}

void SaleMethodPanel::setCustomerId(const QString &customerId)
{
    m_customerId = customerId;
    m_savedSection->setVisible(!customerId.isEmpty());
    m_methods->setCustomerId(customerId);
}

void SaleMethodPanel::fillSavedCards()
{
    // Cards only (what a PaymentIntent off the counter can charge), the customer's default first; an
    // expired card stays in the list, greyed, so that the cashier sees why it is not offered.
    m_savedCard->clear();
    auto *items = qobject_cast<QStandardItemModel *>(m_savedCard->model());
    int firstUsable = -1;
    QList<int> rows;
    for (int row = 0; row < m_methods->rowCount(); ++row) {
        if (m_methods->methodAt(row).type != u"card"_s)
            continue;
        if (m_methods->index(row, 0).data(PaymentMethodsModel::IsDefaultRole).toBool())
            rows.prepend(row);
        else
            rows.append(row);
    }
    for (const int row : std::as_const(rows)) {
        const store::PaymentMethodRow &method = m_methods->methodAt(row);
        const bool isDefault = m_methods->index(row, 0).data(PaymentMethodsModel::IsDefaultRole).toBool();
        const bool expired = m_methods->index(row, 0).data(PaymentMethodsModel::IsExpiredRole).toBool();
        const QString expiry = m_methods->index(row, PaymentMethodsModel::ExpiryColumn).data().toString();
        QStringList words{saleui::brandName(method.cardBrand) + u" •••• "_s + method.cardLast4};
        if (!expiry.isEmpty())
            words << (expired ? u"expired "_s : u"exp. "_s) + expiry;
        if (isDefault)
            words << u"default"_s;
        m_savedCard->addItem(words.join(u" · "_s), method.id);
        if (items && expired)
            items->item(m_savedCard->count() - 1)->setEnabled(false);
        if (!expired && firstUsable < 0)
            firstUsable = m_savedCard->count() - 1;
    }
    if (!m_methods->errorString().isEmpty())
        m_savedCard->setPlaceholderText(u"Saved cards unavailable: "_s + m_methods->errorString());
    else
        m_savedCard->setPlaceholderText(u"No saved card"_s);
    m_savedCard->setCurrentIndex(firstUsable);
}

void SaleMethodPanel::updateButtons(bool hasAmount, bool busy)
{
    m_paySavedCard->setEnabled(hasAmount && !busy && !savedCardId().isEmpty());
    m_savedCard->setEnabled(!busy);
    m_payTestCard->setEnabled(m_options.testMode && hasAmount && !busy);
    m_testCard->setEnabled(!busy);
    m_payReader->setEnabled(hasAmount && !busy && hasReaders());
    m_payCheckout->setEnabled(hasAmount && !busy && m_options.checkoutConfigured);
}

void SaleMethodPanel::setMessage(const QString &text)
{
    m_message->setText(text);
}

void SaleMethodPanel::toggleHelp()
{
    m_help->setVisible(!m_help->isVisible());
}

void SaleMethodPanel::refreshReaders()
{
    m_reader->setPlaceholderText(u"Looking for readers…"_s);
    m_client.send(stripe::TerminalReaders::list(), this, [this](const stripe::StripeResponse &response) {
        const QString current = m_reader->currentData().toString();
        m_reader->clear();
        if (!response.ok()) {
            m_reader->setPlaceholderText(u"Readers unavailable: "_s + response.error.message);
            emit readersChanged();
            return;
        }
        for (const QJsonValue &value : response.json.value(u"data"_s).toArray()) {
            const QJsonObject reader = value.toObject();
            QString label = reader.value(u"label"_s).toString();
            if (label.isEmpty())
                label = reader.value(u"id"_s).toString();
            if (reader.value(u"status"_s).toString() == u"offline"_s)
                label += u" (offline)"_s;
            m_reader->addItem(label, reader.value(u"id"_s).toString());
        }
        if (m_reader->count() == 0)
            m_reader->setPlaceholderText(u"No card reader registered"_s);
        m_reader->setCurrentIndex(qMax(0, m_reader->findData(current)));
        emit readersChanged();
    });
}

} // namespace kassa::gui
