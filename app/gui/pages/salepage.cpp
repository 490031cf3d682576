// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/gui/pages/salepage.h"

#include "app/gui/widgets/qrcodewidget.h"
#include "core/money.h"
#include "services/sale/saleservice.h"
#include "services/store/database.h"
#include "services/stripe/resources/terminalreaders.h"
#include "services/stripe/stripeclient.h"

#include <QComboBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QKeyEvent>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QShortcut>
#include <QStackedWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace kassa::gui {

namespace {

// Touch targets: a finger needs at least this much.
constexpr int KeyMinimumPx = 56;
constexpr int ButtonMinimumPx = 48;

QString upper(const Currency &currency)
{
    return currency.code().toUpper();
}

QString brandName(const QString &brand)
{
    if (brand == u"amex"_s)
        return u"American Express"_s;
    if (brand == u"mastercard"_s)
        return u"Mastercard"_s;
    if (brand.isEmpty())
        return u"Card"_s;
    return brand.left(1).toUpper() + brand.mid(1);
}

// The system's conventions, except the bare C locale of a server session ("12.50$"): there, US English.
QLocale displayLocale()
{
    const QLocale system;
    return system.language() == QLocale::C ? QLocale(QLocale::English, QLocale::UnitedStates) : system;
}

QPushButton *bigButton(const QString &text, const QString &objectName, QWidget *parent)
{
    auto *button = new QPushButton(text, parent);
    button->setObjectName(objectName);
    button->setMinimumHeight(ButtonMinimumPx);
    button->setAccessibleName(text);
    return button;
}

QLabel *titleLabel(QWidget *parent)
{
    auto *label = new QLabel(parent);
    QFont font = label->font();
    font.setPointSizeF(font.pointSizeF() * 1.8);
    font.setBold(true);
    label->setFont(font);
    label->setAlignment(Qt::AlignCenter);
    label->setWordWrap(true);
    return label;
}

} // namespace

// --- AmountDisplay --------------------------------------------------------------------------------------

AmountDisplay::AmountDisplay(QWidget *parent)
    : QLabel(parent)
    , m_currency(*Currency::fromCode(u"usd"_s))
{
    setObjectName(u"saleAmount"_s);
    setFocusPolicy(Qt::StrongFocus);
    setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    setFrameShape(QFrame::StyledPanel);
    setMinimumHeight(72);
    setMargin(8);
    QFont big = font();
    big.setPointSizeF(big.pointSizeF() * 2.6);
    big.setBold(true);
    setFont(big);
    setAccessibleName(u"Amount"_s);
    setToolTip(u"Type the amount with the digits (1250 is 12.50); Backspace removes the last digit, "
               "Enter pays."_s);
    render();
}

void AmountDisplay::setCurrency(Currency currency)
{
    m_currency = currency;
    render();
}

void AmountDisplay::setMinorUnits(qint64 minorUnits)
{
    m_minorUnits = qBound<qint64>(0, minorUnits, Money::StripeMaximumAmount);
    render();
    emit changed();
}

void AmountDisplay::setLocked(bool locked)
{
    m_locked = locked;
    setForegroundRole(locked ? QPalette::PlaceholderText : QPalette::WindowText);
}

void AmountDisplay::appendDigit(int digit)
{
    if (m_locked)
        return;
    // A ninth digit would be more than Stripe takes: it is ignored, not wrapped.
    if (m_minorUnits > (Money::StripeMaximumAmount - digit) / 10)
        return;
    setMinorUnits(m_minorUnits * 10 + digit);
}

void AmountDisplay::backspace()
{
    if (m_locked)
        return;
    setMinorUnits(m_minorUnits / 10);
}

void AmountDisplay::keyPressEvent(QKeyEvent *event)
{
    const int key = event->key();
    if (key >= Qt::Key_0 && key <= Qt::Key_9 && !(event->modifiers() & Qt::ControlModifier)) {
        appendDigit(key - Qt::Key_0);
        return event->accept();
    }
    switch (key) {
    case Qt::Key_Backspace:
        backspace();
        return event->accept();
    case Qt::Key_Delete:
    case Qt::Key_Escape:
        if (!m_locked)
            clear();
        return event->accept();
    case Qt::Key_Return:
    case Qt::Key_Enter:
        emit submitted();
        return event->accept();
    default:
        QLabel::keyPressEvent(event);
    }
}

void AmountDisplay::render()
{
    const QString text = Money(m_minorUnits, m_currency).format(displayLocale());
    setText(text);
    setAccessibleDescription(text);
}

// --- SalePage -------------------------------------------------------------------------------------------

SalePage::SalePage(sale::SaleService &service, stripe::StripeClient &client, store::Database &db,
                   const Options &options, QWidget *parent)
    : QWidget(parent)
    , m_service(service)
    , m_client(client)
    , m_options(options)
{
    setObjectName(u"salePage"_s);
    auto *layout = new QVBoxLayout(this);
    m_screens = new QStackedWidget(this);
    m_screens->addWidget(buildEntry());
    m_screens->addWidget(buildWaiting());
    m_screens->addWidget(buildResult());
    layout->addWidget(m_screens);

    const Currency currency = defaultCurrency(db);
    m_currency->setCurrentIndex(qMax(0, m_currency->findData(currency.code())));
    m_amount->setCurrency(currency);

    // The keys work wherever the focus is on this page, as long as the page is shown.
    auto shortcut = [this](QKeySequence keys, auto slot) {
        auto *s = new QShortcut(keys, this);
        s->setContext(Qt::WidgetWithChildrenShortcut);
        connect(s, &QShortcut::activated, this, slot);
    };
    shortcut(QKeySequence(Qt::Key_F1), &SalePage::toggleHelp);
    shortcut(QKeySequence(Qt::Key_F2), &SalePage::payWithTestCard);
    shortcut(QKeySequence(Qt::Key_F3), &SalePage::payWithReader);
    shortcut(QKeySequence(Qt::Key_F4), &SalePage::payWithCheckout);
    shortcut(QKeySequence(Qt::Key_F5), &SalePage::refreshReaders);
    updateButtons();
}

SalePage::~SalePage() = default;

QList<std::pair<QString, QString>> SalePage::testCards()
{
    QList<std::pair<QString, QString>> cards;
    cards.emplaceBack(u"pm_card_visa"_s, u"Visa •••• 4242 (succeeds)"_s);
    cards.emplaceBack(u"pm_card_mastercard"_s, u"Mastercard •••• 4444 (succeeds)"_s);
    cards.emplaceBack(u"pm_card_visa_chargeDeclined"_s, u"Visa •••• 0002 (is declined)"_s);
    cards.emplaceBack(u"pm_card_visa_chargeDeclinedInsufficientFunds"_s,
                      u"Visa •••• 9995 (declined: insufficient funds)"_s);
    cards.emplaceBack(u"pm_card_authenticationRequired"_s, u"Visa •••• 3184 (asks for 3-D Secure)"_s);
    return cards;
}

Currency SalePage::defaultCurrency(store::Database &db)
{
    const store::StoreResult<QVariant> usual = db.queryValue(
        u"SELECT currency FROM payments GROUP BY currency ORDER BY COUNT(*) DESC, currency LIMIT 1"_s);
    if (usual.ok() && usual.value().isValid()) {
        if (const std::optional<Currency> currency = Currency::fromCode(usual.value().toString()))
            return *currency;
    }
    return *Currency::fromCode(u"usd"_s);
}

QWidget *SalePage::buildEntry()
{
    auto *entry = new QWidget(this);
    entry->setObjectName(u"saleEntry"_s);
    auto *columns = new QHBoxLayout(entry);

    // Left: what is sold.
    auto *left = new QVBoxLayout;
    m_amount = new AmountDisplay(entry);
    left->addWidget(m_amount);

    auto *form = new QFormLayout;
    m_currency = new QComboBox(entry);
    m_currency->setObjectName(u"saleCurrency"_s);
    m_currency->setAccessibleName(u"Currency"_s);
    m_currency->setMinimumHeight(36);
    for (const Currency &currency : Currency::all())
        m_currency->addItem(upper(currency), currency.code());
    connect(m_currency, &QComboBox::currentIndexChanged, this, [this] {
        if (const std::optional<Currency> c = Currency::fromCode(m_currency->currentData().toString()))
            m_amount->setCurrency(*c);
    });
    form->addRow(u"&Currency"_s, m_currency);
    m_description = new QLineEdit(entry);
    m_description->setObjectName(u"saleDescription"_s);
    m_description->setAccessibleName(u"Description or order reference"_s);
    m_description->setPlaceholderText(u"What is sold, or the order number (optional)"_s);
    m_description->setMinimumHeight(36);
    m_description->setMaxLength(200);
    connect(m_description, &QLineEdit::returnPressed, this, &SalePage::payDefault);
    form->addRow(u"&Description"_s, m_description);
    left->addLayout(form);

    // The keypad never takes the focus: the keyboard keeps typing where it was.
    auto *keys = new QGridLayout;
    const QStringList labels{u"7"_s, u"8"_s, u"9"_s, u"4"_s, u"5"_s, u"6"_s,
                             u"1"_s, u"2"_s, u"3"_s, u"C"_s, u"0"_s, u"⌫"_s};
    for (int i = 0; i < labels.size(); ++i) {
        const QString &label = labels.at(i);
        auto *key = new QPushButton(label, entry);
        key->setFocusPolicy(Qt::NoFocus);
        key->setMinimumSize(KeyMinimumPx, KeyMinimumPx);
        key->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
        QFont f = key->font();
        f.setPointSizeF(f.pointSizeF() * 1.6);
        key->setFont(f);
        if (label == u"C"_s) {
            key->setObjectName(u"saleKeyClear"_s);
            key->setAccessibleName(u"Clear amount"_s);
            connect(key, &QPushButton::clicked, m_amount, &AmountDisplay::clear);
        } else if (label == u"⌫"_s) {
            key->setObjectName(u"saleKeyBackspace"_s);
            key->setAccessibleName(u"Remove last digit"_s);
            connect(key, &QPushButton::clicked, m_amount, &AmountDisplay::backspace);
        } else {
            const int digit = label.toInt();
            key->setObjectName(u"saleKey"_s + label);
            key->setAccessibleName(u"Digit "_s + label);
            connect(key, &QPushButton::clicked, m_amount, [this, digit] { m_amount->appendDigit(digit); });
        }
        keys->addWidget(key, i / 3, i % 3);
        m_keypad.append(key);
    }
    left->addLayout(keys, 1);
    columns->addLayout(left, 3);

    // Right: how it is paid.
    auto *right = new QVBoxLayout;
    auto *methodsTitle = new QLabel(u"<b>Pay by</b>"_s, entry);
    right->addWidget(methodsTitle);

    m_testCard = new QComboBox(entry);
    m_testCard->setObjectName(u"saleTestCard"_s);
    m_testCard->setAccessibleName(u"Test card"_s);
    m_testCard->setMinimumHeight(36);
    for (const auto &[token, words] : testCards())
        m_testCard->addItem(words, token);
    m_payTestCard = bigButton(u"Test card  (F2)"_s, u"salePayTestCard"_s, entry);
    m_payTestCard->setToolTip(u"Charge the test card chosen above. Test mode only: no real money moves."_s);
    connect(m_payTestCard, &QPushButton::clicked, this, &SalePage::payWithTestCard);
    if (m_options.testMode) {
        auto *cardLabel = new QLabel(u"Test card to charge (test mode, no real money):"_s, entry);
        cardLabel->setBuddy(m_testCard);
        right->addWidget(cardLabel);
        right->addWidget(m_testCard);
        right->addWidget(m_payTestCard);
        right->addSpacing(12);
    } else {
        m_testCard->hide();
        m_payTestCard->hide();
    }

    m_reader = new QComboBox(entry);
    m_reader->setObjectName(u"saleReader"_s);
    m_reader->setAccessibleName(u"Card reader"_s);
    m_reader->setMinimumHeight(36);
    auto *readerLabel = new QLabel(u"Card reader:"_s, entry);
    readerLabel->setBuddy(m_reader);
    right->addWidget(readerLabel);
    right->addWidget(m_reader);
    m_payReader = bigButton(u"Card reader  (F3)"_s, u"salePayReader"_s, entry);
    m_payReader->setToolTip(
        u"Send the amount to the chosen reader; the customer taps or inserts the card."_s);
    connect(m_payReader, &QPushButton::clicked, this, &SalePage::payWithReader);
    right->addWidget(m_payReader);
    right->addSpacing(12);

    m_payCheckout = bigButton(u"QR code  (F4)"_s, u"salePayCheckout"_s, entry);
    m_payCheckout->setToolTip(u"Show a QR code; the customer pays on their phone (Stripe Checkout)."_s);
    if (!checkoutConfigured())
        m_payCheckout->setToolTip(
            u"No page to send the customer to after paying: set KASSA_CHECKOUT_SUCCESS_URL "
            "to the shop's thank-you page to take payments by QR code."_s);
    connect(m_payCheckout, &QPushButton::clicked, this, &SalePage::payWithCheckout);
    right->addWidget(m_payCheckout);

    m_entryMessage = new QLabel(entry);
    m_entryMessage->setObjectName(u"saleEntryMessage"_s);
    m_entryMessage->setWordWrap(true);
    m_entryMessage->setAccessibleName(u"Sale message"_s);
    right->addWidget(m_entryMessage);
    right->addStretch(1);

    m_help = new QLabel(entry);
    m_help->setObjectName(u"saleHelp"_s);
    m_help->setAccessibleName(u"Keys"_s);
    m_help->setTextFormat(Qt::RichText);
    m_help->setText(u"<b>Keys</b><br>0–9 amount · Backspace: last digit · Esc: clear<br>"
                    "Enter: pay (%1)<br>F2 test card · F3 card reader · F4 QR code<br>"
                    "F5 look for readers again · F1 hide this"_s.arg(m_options.testMode ? u"test card"_s
                                                                                        : u"card reader"_s));
    m_help->setFrameShape(QFrame::StyledPanel);
    m_help->setMargin(8);
    m_help->hide();
    right->addWidget(m_help);
    auto *hint = new QLabel(u"F1: keys"_s, entry);
    hint->setObjectName(u"saleHelpHint"_s);
    right->addWidget(hint);
    columns->addLayout(right, 2);

    connect(m_amount, &AmountDisplay::submitted, this, &SalePage::payDefault);
    connect(m_amount, &AmountDisplay::changed, this, [this] {
        m_entryMessage->clear();
        updateButtons();
    });
    return entry;
}

QWidget *SalePage::buildWaiting()
{
    auto *waiting = new QWidget(this);
    waiting->setObjectName(u"saleWaiting"_s);
    auto *layout = new QVBoxLayout(waiting);
    m_waitingTitle = titleLabel(waiting);
    m_waitingTitle->setObjectName(u"saleWaitingTitle"_s);
    layout->addWidget(m_waitingTitle);
    m_waitingText = new QLabel(waiting);
    m_waitingText->setObjectName(u"saleWaitingText"_s);
    m_waitingText->setAlignment(Qt::AlignCenter);
    m_waitingText->setWordWrap(true);
    m_waitingText->setAccessibleName(u"What the sale waits for"_s);
    layout->addWidget(m_waitingText);
    m_qr = new QrCodeWidget(waiting);
    m_qr->setObjectName(u"saleQrCode"_s);
    // Square and phone-sized: stretched, the code's white margin filled the page.
    m_qr->setFixedSize(300, 300);
    m_qr->setAccessibleName(u"Payment QR code"_s);
    layout->addWidget(m_qr, 1, Qt::AlignHCenter);
    m_link = new QLabel(waiting);
    m_link->setObjectName(u"saleLink"_s);
    m_link->setAlignment(Qt::AlignCenter);
    m_link->setOpenExternalLinks(true);
    m_link->setTextInteractionFlags(Qt::TextBrowserInteraction);
    m_link->setAccessibleName(u"Payment page link"_s);
    layout->addWidget(m_link);
    m_cancel = bigButton(u"Cancel"_s, u"saleCancel"_s, waiting);
    m_cancel->setAccessibleName(u"Cancel the payment"_s);
    m_cancel->setMinimumWidth(200);
    connect(m_cancel, &QPushButton::clicked, this, &SalePage::cancelSale);
    layout->addWidget(m_cancel, 0, Qt::AlignHCenter);
    layout->addStretch(0);
    return waiting;
}

QWidget *SalePage::buildResult()
{
    auto *result = new QWidget(this);
    result->setObjectName(u"saleResult"_s);
    auto *layout = new QVBoxLayout(result);
    layout->addStretch(1);
    m_resultTitle = titleLabel(result);
    m_resultTitle->setObjectName(u"saleResultTitle"_s);
    m_resultTitle->setAccessibleName(u"Outcome"_s);
    layout->addWidget(m_resultTitle);
    m_resultText = new QLabel(result);
    m_resultText->setObjectName(u"saleResultText"_s);
    m_resultText->setAccessibleName(u"Outcome details"_s);
    m_resultText->setAlignment(Qt::AlignCenter);
    m_resultText->setWordWrap(true);
    QFont f = m_resultText->font();
    f.setPointSizeF(f.pointSizeF() * 1.3);
    m_resultText->setFont(f);
    layout->addWidget(m_resultText);
    auto *buttons = new QHBoxLayout;
    buttons->addStretch(1);
    m_retry = bigButton(u"Try again"_s, u"saleRetry"_s, result);
    m_retry->setAccessibleName(u"Try again with another card or method"_s);
    m_retry->setMinimumWidth(200);
    connect(m_retry, &QPushButton::clicked, this, [this] {
        m_screens->setCurrentIndex(int(Screen::Entry));
        updateButtons();
        m_amount->setFocus();
    });
    buttons->addWidget(m_retry);
    m_recover = bigButton(u"Check again"_s, u"saleRecover"_s, result);
    m_recover->setAccessibleName(u"Ask Stripe again how the payment stands"_s);
    connect(m_recover, &QPushButton::clicked, this, [this] {
        if (m_sale && !m_sale->recover())
            m_resultText->setText(m_sale->lastRefusal());
    });
    buttons->addWidget(m_recover);
    m_newSale = bigButton(u"New sale"_s, u"saleNew"_s, result);
    m_newSale->setMinimumWidth(200);
    connect(m_newSale, &QPushButton::clicked, this, &SalePage::newSale);
    buttons->addWidget(m_newSale);
    buttons->addStretch(1);
    layout->addLayout(buttons);
    layout->addStretch(2);
    return result;
}

SalePage::Screen SalePage::screen() const
{
    return Screen(m_screens->currentIndex());
}

QString SalePage::resultTitle() const
{
    return m_resultTitle->text();
}

QString SalePage::resultText() const
{
    return m_resultText->text();
}

QString SalePage::waitingText() const
{
    return m_waitingText->text();
}

void SalePage::setUser(const security::ActingUser &user)
{
    m_user = user;
}

void SalePage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (m_reader->count() == 0)
        refreshReaders();
    if (screen() == Screen::Entry)
        m_amount->setFocus();
}

void SalePage::refreshReaders()
{
    m_reader->setPlaceholderText(u"Looking for readers…"_s);
    m_client.send(stripe::TerminalReaders::list(), this, [this](const stripe::StripeResponse &response) {
        const QString current = m_reader->currentData().toString();
        m_reader->clear();
        if (!response.ok()) {
            m_reader->setPlaceholderText(u"Readers unavailable: "_s + response.error.message);
            updateButtons();
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
        updateButtons();
    });
}

sale::Sale *SalePage::ensureSale()
{
    if (m_sale)
        return m_sale.get();
    const std::optional<Currency> currency = Currency::fromCode(m_currency->currentData().toString());
    if (!currency || m_amount->minorUnits() <= 0) {
        showRefusal(u"Type the amount first."_s);
        return nullptr;
    }
    sale::SaleContext context;
    context.tillId = m_options.till;
    context.cashier = m_user.name;
    context.user = m_user;
    sale::SaleOrder order;
    order.amount = Money(m_amount->minorUnits(), *currency);
    order.description = m_description->text().trimmed();
    QString refusal;
    m_sale = m_service.start(context, order, &refusal);
    if (!m_sale) {
        showRefusal(refusal);
        return nullptr;
    }
    connect(m_sale.get(), &sale::Sale::stateChanged, this, &SalePage::onStateChanged);
    connect(m_sale.get(), &sale::Sale::actionUrlChanged, this, &SalePage::onStateChanged);
    return m_sale.get();
}

void SalePage::payWithTestCard()
{
    if (m_options.testMode)
        pay(sale::Sale::Method::TestCard);
}

void SalePage::payWithReader()
{
    pay(sale::Sale::Method::Reader);
}

bool SalePage::checkoutConfigured() const
{
    // Stripe sends the customer's phone there after paying: a session is not created without it.
    return !m_service.options().checkoutSuccessUrl.isEmpty();
}

void SalePage::payWithCheckout()
{
    if (checkoutConfigured())
        pay(sale::Sale::Method::Checkout);
}

void SalePage::payDefault()
{
    pay(m_options.testMode ? sale::Sale::Method::TestCard : sale::Sale::Method::Reader);
}

void SalePage::pay(sale::Sale::Method method)
{
    // Only from the entry screen: an Enter or F-key on the waiting or result screen starts nothing.
    if (screen() != Screen::Entry)
        return;
    if (m_sale && !m_sale->canPay())
        return; // busy: the buttons are off, and a second Enter is ignored here too
    QString readerId;
    if (method == sale::Sale::Method::Reader) {
        readerId = m_reader->currentData().toString();
        if (readerId.isEmpty())
            return showRefusal(u"No card reader is chosen. F5 looks for readers again."_s);
    }
    sale::Sale *sale = ensureSale();
    if (!sale)
        return;
    bool accepted = false;
    switch (method) {
    case sale::Sale::Method::TestCard:
        accepted = sale->payWithTestCard(m_testCard->currentData().toString());
        break;
    case sale::Sale::Method::Reader:
        accepted = sale->payWithReader(readerId);
        break;
    case sale::Sale::Method::Checkout:
        accepted = sale->payWithCheckout();
        break;
    default:
        break;
    }
    if (!accepted)
        return showRefusal(sale->lastRefusal());
    onStateChanged();
}

void SalePage::cancelSale()
{
    if (m_sale && !m_sale->cancel())
        m_waitingText->setText(m_sale->lastRefusal());
    updateButtons();
}

void SalePage::newSale()
{
    if (m_sale && !m_sale->isFinal() && m_sale->isBusy())
        return; // still waiting for an answer: the sale must end first
    if (m_sale)
        m_sale->disconnect(this);
    m_sale.reset();
    m_amount->clear();
    m_description->clear();
    m_entryMessage->clear();
    m_qr->setText({});
    m_screens->setCurrentIndex(int(Screen::Entry));
    updateButtons();
    m_amount->setFocus();
}

void SalePage::showRefusal(const QString &why)
{
    m_entryMessage->setText(why);
}

void SalePage::toggleHelp()
{
    m_help->setVisible(!m_help->isVisible());
}

void SalePage::onStateChanged()
{
    if (!m_sale)
        return;
    using State = sale::Sale::State;
    const sale::Sale &sale = *m_sale;
    const sale::SaleResult &result = sale.result();
    const QString amount = sale.order().amount.format(displayLocale());
    const QUrl url = sale.actionUrl();
    m_qr->setText(url.isEmpty() ? QString() : url.toString());
    m_qr->setVisible(!url.isEmpty());
    m_link->setVisible(!url.isEmpty());
    if (!url.isEmpty())
        m_link->setText(u"<a href=\"%1\">%2</a>"_s.arg(url.toString(QUrl::FullyEncoded).toHtmlEscaped(),
                                                       url.toString().toHtmlEscaped()));

    auto waiting = [&](const QString &title, const QString &text) {
        m_waitingTitle->setText(title);
        m_waitingText->setText(text);
        m_screens->setCurrentIndex(int(Screen::Waiting));
    };
    auto finished = [&](const QString &title, const QString &text, const QString &color) {
        m_resultTitle->setText(title);
        m_resultTitle->setStyleSheet(u"color: %1;"_s.arg(color));
        m_resultText->setText(text);
        m_screens->setCurrentIndex(int(Screen::Result));
    };
    auto inWords = [&] {
        QStringList lines{result.reason};
        if (!result.nextStep.isEmpty())
            lines.append(result.nextStep);
        lines.removeAll(QString());
        return lines.join(u'\n');
    };

    switch (sale.state()) {
    case State::Ready:
        m_screens->setCurrentIndex(int(Screen::Entry));
        break;
    case State::Starting:
        waiting(amount, u"Sending the payment…"_s);
        break;
    case State::Checking:
        waiting(amount, u"Checking how the payment stands…"_s);
        break;
    case State::Canceling:
        waiting(amount, u"Canceling…"_s);
        break;
    case State::WaitingForReader:
        waiting(amount, u"Ask the customer to tap, insert or swipe the card on the reader “%1”."_s.arg(
                            m_reader->currentText()));
        break;
    case State::WaitingForAuthentication:
        waiting(amount,
                u"The bank asks the customer to confirm (3-D Secure). Let them scan the code, or open "
                "the link, and confirm; the sale goes on by itself."_s);
        break;
    case State::WaitingForCustomer:
        waiting(amount, u"Ask the customer to scan the code with their phone and pay there."_s);
        break;
    case State::Approved:
        finished(u"Approved"_s,
                 u"%1\n%2 ending in %3"_s.arg(result.amount.format(displayLocale()), brandName(result.brand),
                                              result.last4),
                 u"#1b7f3b"_s);
        break;
    case State::Declined:
        finished(u"Declined"_s, amount + u'\n' + inWords(), u"#b3261e"_s);
        break;
    case State::Unknown:
        finished(u"No answer yet"_s,
                 u"Stripe has not answered. Do not take the payment again: the sale is checked again by "
                 "itself, or press Check again."_s,
                 u"#9a6700"_s);
        break;
    case State::Canceled:
        finished(u"Canceled"_s, u"Nothing was charged."_s, u"#555555"_s);
        break;
    case State::Expired:
        finished(u"Expired"_s, u"The QR code expired unpaid. Nothing was charged."_s, u"#555555"_s);
        break;
    case State::Failed:
        finished(u"Not paid"_s, inWords(), u"#b3261e"_s);
        break;
    }
    updateButtons();
}

void SalePage::updateButtons()
{
    // A sale that exists keeps its amount: a retry after a decline is for the same order.
    const bool busy = m_sale && !m_sale->canPay();
    const bool editable = !m_sale;
    const bool hasAmount = m_amount->minorUnits() > 0;
    m_amount->setLocked(!editable);
    m_currency->setEnabled(editable);
    m_description->setEnabled(editable);
    for (QPushButton *key : std::as_const(m_keypad))
        key->setEnabled(editable);
    m_payTestCard->setEnabled(m_options.testMode && hasAmount && !busy);
    m_testCard->setEnabled(!busy);
    m_payReader->setEnabled(hasAmount && !busy && m_reader->count() > 0);
    m_payCheckout->setEnabled(hasAmount && !busy && checkoutConfigured());
    m_cancel->setEnabled(m_sale && m_sale->canCancel());
    m_retry->setVisible(m_sale && m_sale->canPay());
    m_recover->setVisible(m_sale && m_sale->state() == sale::Sale::State::Unknown);
    // An unknown outcome may still turn out paid: a new sale now could charge the customer twice.
    m_newSale->setEnabled(!m_sale || m_sale->state() != sale::Sale::State::Unknown);
}

} // namespace kassa::gui
