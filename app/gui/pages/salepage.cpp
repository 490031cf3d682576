// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/gui/pages/salepage.h"

#include "app/gui/pages/customerpicker.h"
#include "app/gui/pages/saleentrypanel.h"
#include "app/gui/pages/saleinterruptedbanner.h"
#include "app/gui/pages/salemethodpanel.h"
#include "app/gui/pages/saleresultscreen.h"
#include "app/gui/pages/saleui.h"
#include "app/gui/pages/salewaitingscreen.h"
#include "app/gui/widgets/qrcodewidget.h"
#include "core/money.h"
#include "services/sale/saleservice.h"
#include "services/store/customerrepository.h"
#include "services/store/database.h"
#include "services/store/outboxrepository.h"
#include "services/stripe/resources/terminalreaders.h"
#include "services/stripe/stripeclient.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHideEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QShortcut>
#include <QStackedWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace kassa::gui {

SalePage::SalePage(sale::SaleService &service, stripe::StripeClient &client, store::Database &db,
                   const Options &options, QWidget *parent)
    : QWidget(parent)
    , m_service(service)
    , m_client(client)
    , m_db(db)
    , m_options(options)
{
    setObjectName(u"salePage"_s);
    auto *layout = new QVBoxLayout(this);
    m_screens = new QStackedWidget(this);
    m_screens->addWidget(buildEntry());
    m_waiting = new SaleWaitingScreen(this);
    connect(m_waiting, &SaleWaitingScreen::cancelRequested, this, &SalePage::cancelSale);
    connect(m_waiting, &SaleWaitingScreen::testTapRequested, this, &SalePage::tapTestCard);
    m_screens->addWidget(m_waiting);
    m_result = new SaleResultScreen(this);
    connect(m_result, &SaleResultScreen::retryRequested, this, [this] {
        m_screens->setCurrentIndex(int(Screen::Entry));
        updateButtons();
        amountDisplay()->setFocus();
    });
    connect(m_result, &SaleResultScreen::recoverRequested, this, [this] {
        if (m_sale && !m_sale->recover())
            m_result->setText(m_sale->lastRefusal());
    });
    connect(m_result, &SaleResultScreen::receiptRequested, this, &SalePage::requestReceipt);
    connect(m_result, &SaleResultScreen::newSaleRequested, this, &SalePage::newSale);
    m_screens->addWidget(m_result);
    layout->addWidget(m_screens);

    const Currency currency = defaultCurrency(db);
    currencyBox()->setCurrentIndex(qMax(0, currencyBox()->findData(currency.code())));
    amountDisplay()->setCurrency(currency);

    // The keys work wherever the focus is on this page, as long as the page is shown.
    auto shortcut = [this](QKeySequence keys, auto slot) {
        auto *s = new QShortcut(keys, this);
        s->setContext(Qt::WidgetWithChildrenShortcut);
        connect(s, &QShortcut::activated, this, slot);
    };
    shortcut(QKeySequence(Qt::Key_F1), [this] { m_methods->toggleHelp(); });
    shortcut(QKeySequence(Qt::Key_F2), &SalePage::payWithTestCard);
    shortcut(QKeySequence(Qt::Key_F3), &SalePage::payWithReader);
    shortcut(QKeySequence(Qt::Key_F4), &SalePage::payWithCheckout);
    shortcut(QKeySequence(Qt::Key_F5), &SalePage::refreshReaders);
    shortcut(QKeySequence(Qt::Key_F6), &SalePage::payWithSavedCard);
    shortcut(QKeySequence(Qt::Key_F7), &SalePage::chooseCustomer);
    shortcut(QKeySequence(Qt::Key_F8), &SalePage::resumeInterrupted);
    shortcut(QKeySequence(Qt::CTRL | Qt::Key_P), &SalePage::requestReceipt);
    updateButtons();
}

SalePage::~SalePage() = default;

QList<std::pair<QString, QString>> SalePage::testCards()
{
    return SaleMethodPanel::testCards();
}

Currency SalePage::defaultCurrency(store::Database &db)
{
    // The shop's usual currency: the most common among its latest payments (by the created index, so that
    // a store of a million payments answers as fast as an empty one).
    const store::StoreResult<QVariant> usual =
        db.queryValue(u"SELECT currency FROM (SELECT currency FROM payments ORDER BY created DESC, id DESC "
                      u"LIMIT 500) latest "
                      "GROUP BY currency ORDER BY COUNT(*) DESC, currency LIMIT 1"_s);
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
    auto *rows = new QVBoxLayout(entry);
    rows->setContentsMargins(0, 0, 0, 0);

    // After a restart: the sales that were under way, to be looked up before anyone pays again.
    m_interrupted = new SaleInterruptedBanner(m_service, m_db, m_options.till, entry);
    connect(m_interrupted, &SaleInterruptedBanner::resumeRequested, this, &SalePage::resumeInterrupted);
    rows->addWidget(m_interrupted);

    auto *columns = new QHBoxLayout;
    m_entry = new SaleEntryPanel(entry);
    columns->addWidget(m_entry, 3);
    SaleMethodPanel::Options methodOptions;
    methodOptions.testMode = m_options.testMode;
    methodOptions.checkoutConfigured = checkoutConfigured();
    m_methods = new SaleMethodPanel(m_client, m_db, methodOptions, entry);
    columns->addWidget(m_methods, 2);
    rows->addLayout(columns, 1);

    connect(m_entry, &SaleEntryPanel::submitted, this, &SalePage::payDefault);
    connect(m_entry, &SaleEntryPanel::amountChanged, this, [this] {
        m_methods->setMessage({});
        updateButtons();
    });
    connect(m_entry, &SaleEntryPanel::chooseCustomerRequested, this, &SalePage::chooseCustomer);
    connect(m_entry, &SaleEntryPanel::customerChanged, this, &SalePage::onCustomerChanged);
    connect(m_methods, &SaleMethodPanel::savedCardRequested, this, &SalePage::payWithSavedCard);
    connect(m_methods, &SaleMethodPanel::testCardRequested, this, &SalePage::payWithTestCard);
    connect(m_methods, &SaleMethodPanel::readerRequested, this, &SalePage::payWithReader);
    connect(m_methods, &SaleMethodPanel::checkoutRequested, this, &SalePage::payWithCheckout);
    connect(m_methods, &SaleMethodPanel::readersChanged, this, &SalePage::updateButtons);

    // Tab: what is sold, then how it is paid; the banner's button last, it is there only sometimes.
    setTabOrder(m_entry->clearCustomerButton(), m_methods->savedCardBox());
    setTabOrder(m_methods->checkoutButton(), m_interrupted->resumeButton());
    return entry;
}

SalePage::Screen SalePage::screen() const
{
    return Screen(m_screens->currentIndex());
}

// --- User, readers, customer ----------------------------------------------------------------------------

void SalePage::setUser(const security::ActingUser &user)
{
    m_user = user;
    checkInterrupted();
}

void SalePage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (!m_methods->hasReaders())
        refreshReaders();
    checkInterrupted();
    if (screen() == Screen::Entry)
        amountDisplay()->setFocus();
}

void SalePage::hideEvent(QHideEvent *event)
{
    // Spontaneous: the window was minimized; the person at the till is still the same.
    if (!event->spontaneous()) {
        for (CustomerPicker *picker : findChildren<CustomerPicker *>())
            picker->reject();
    }
    QWidget::hideEvent(event);
}

void SalePage::refreshReaders()
{
    m_methods->refreshReaders();
}

void SalePage::chooseCustomer()
{
    if (screen() != Screen::Entry || !chooseCustomerButton()->isEnabled())
        return;
    // A window of its own: the page's pay keys do not reach it while it is open.
    auto *picker = new CustomerPicker(m_db, this);
    picker->setAttribute(Qt::WA_DeleteOnClose);
    // Back to the amount, in the page's window, so that the pay keys work at once.
    auto back = [this] {
        window()->activateWindow();
        amountDisplay()->setFocus();
    };
    connect(picker, &QDialog::accepted, this, [this, picker, back] {
        setCustomer(picker->customerId(), picker->customerName());
        back();
    });
    connect(picker, &QDialog::rejected, this, back);
    picker->open();
}

void SalePage::setCustomer(const QString &customerId, const QString &name)
{
    if (customerId != m_entry->customerId() && !chooseCustomerButton()->isEnabled()) {
        showRefusal(u"This sale already has a payment under way: cancel it and start a new sale to charge "
                    "another customer's card."_s);
        return;
    }
    m_entry->setCustomer(customerId, name); // emits customerChanged when it changes
}

void SalePage::onCustomerChanged()
{
    const QString customerId = m_entry->customerId();
    m_methods->setCustomerId(customerId);
    m_methods->setMessage({});
    // A sale made without the customer, declined and free for another try: the same order again, now with
    // the customer, so that their card can be charged. Its order ref stays, so that it still meets any
    // earlier attempt of the order instead of charging twice.
    if (m_sale && m_sale->canPay() && !saleHasLiveAttempt() && m_sale->order().customerId != customerId) {
        sale::SaleOrder order = m_sale->order();
        order.customerId = customerId;
        const QString orderRef = m_sale->orderRef();
        adoptSale(m_service.open(context(), order, orderRef));
    }
    updateButtons();
}

// --- Paying ---------------------------------------------------------------------------------------------

sale::SaleContext SalePage::context() const
{
    sale::SaleContext context;
    context.tillId = m_options.till;
    context.cashier = m_user.name;
    context.user = m_user;
    return context;
}

void SalePage::adoptSale(std::unique_ptr<sale::Sale> sale)
{
    if (m_sale)
        m_sale->disconnect(this);
    m_sale = std::move(sale);
    if (!m_sale)
        return;
    connect(m_sale.get(), &sale::Sale::stateChanged, this, &SalePage::onStateChanged);
    connect(m_sale.get(), &sale::Sale::actionUrlChanged, this, &SalePage::onStateChanged);
}

sale::Sale *SalePage::ensureSale()
{
    if (m_sale)
        return m_sale.get();
    const std::optional<Currency> currency = Currency::fromCode(currencyBox()->currentData().toString());
    if (!currency || amountDisplay()->minorUnits() <= 0) {
        showRefusal(u"Type the amount first."_s);
        return nullptr;
    }
    sale::SaleOrder order;
    order.amount = Money(amountDisplay()->minorUnits(), *currency);
    order.description = descriptionField()->text().trimmed();
    order.customerId = m_entry->customerId();
    QString refusal;
    std::unique_ptr<sale::Sale> started = m_service.start(context(), order, &refusal);
    if (!started) {
        showRefusal(refusal);
        return nullptr;
    }
    adoptSale(std::move(started));
    return m_sale.get();
}

void SalePage::payWithSavedCard()
{
    pay(sale::Sale::Method::SavedCard);
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
    if (!m_methods->savedCardId().isEmpty())
        return pay(sale::Sale::Method::SavedCard);
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
    QString savedCard;
    if (method == sale::Sale::Method::Reader) {
        readerId = m_methods->readerId();
        if (readerId.isEmpty())
            return showRefusal(u"No card reader is chosen. F5 looks for readers again."_s);
    } else if (method == sale::Sale::Method::SavedCard) {
        if (m_entry->customerId().isEmpty())
            return showRefusal(u"Choose the customer first (F7)."_s);
        savedCard = m_methods->savedCardId();
        if (savedCard.isEmpty())
            return showRefusal(u"%1 has no saved card that can be charged."_s.arg(m_entry->customerName()));
    }
    sale::Sale *sale = ensureSale();
    if (!sale)
        return;
    bool accepted = false;
    switch (method) {
    case sale::Sale::Method::SavedCard:
        accepted = sale->payWithSavedCard(savedCard);
        break;
    case sale::Sale::Method::TestCard:
        accepted = sale->payWithTestCard(m_methods->testCardToken());
        break;
    case sale::Sale::Method::Reader:
        accepted = sale->payWithReader(readerId);
        break;
    case sale::Sale::Method::Checkout:
        accepted = sale->payWithCheckout();
        break;
    case sale::Sale::Method::None:
        break;
    }
    if (!accepted)
        return showRefusal(sale->lastRefusal());
    onStateChanged();
}

void SalePage::tapTestCard()
{
    if (!m_options.testMode || !m_sale || m_sale->state() != sale::Sale::State::WaitingForReader)
        return;
    m_waiting->testTapButton()->setEnabled(false);
    m_client.send(stripe::TerminalReaders::presentPaymentMethod(m_sale->readerId()), this,
                  [this](const stripe::StripeResponse &response) {
                      m_waiting->testTapButton()->setEnabled(true);
                      if (!response.ok())
                          m_waiting->setText(u"The test card could not be presented: "_s +
                                             response.error.message);
                  });
}

void SalePage::cancelSale()
{
    if (m_sale && !m_sale->cancel())
        m_waiting->setText(m_sale->lastRefusal());
    updateButtons();
}

void SalePage::newSale()
{
    if (m_sale && !m_sale->isFinal() && m_sale->isBusy())
        return; // still waiting for an answer: the sale must end first
    if (m_sale && m_sale->state() == sale::Sale::State::Unknown)
        return; // it may still turn out paid: a new sale now could charge the customer twice
    adoptSale(nullptr);
    m_entry->clear();
    m_methods->setMessage({});
    m_waiting->setActionUrl({});
    m_screens->setCurrentIndex(int(Screen::Entry));
    checkInterrupted();
    updateButtons();
    amountDisplay()->setFocus();
}

void SalePage::requestReceipt()
{
    if (screen() != Screen::Result || !m_sale || m_sale->state() != sale::Sale::State::Approved)
        return;
    const QString paymentIntentId = m_sale->result().paymentIntentId;
    if (!paymentIntentId.isEmpty())
        emit receiptRequested(paymentIntentId);
}

// --- Interrupted sales ----------------------------------------------------------------------------------

void SalePage::checkInterrupted()
{
    if (const QString error = m_interrupted->refresh(!m_sale && m_user.isValid()); !error.isEmpty())
        showRefusal(error);
    updateButtons();
}

void SalePage::resumeInterrupted()
{
    if (m_sale || m_interrupted->orders().isEmpty() || screen() != Screen::Entry)
        return;
    QString error;
    std::unique_ptr<sale::Sale> resumed =
        m_service.resume(context(), m_interrupted->orders().first(), &error);
    if (!resumed) {
        showRefusal(u"The interrupted sale could not be taken up: "_s + error);
        return;
    }
    m_interrupted->takeFirst();
    // The order as it was: its amount, words and customer on screen, locked.
    const sale::SaleOrder &order = resumed->order();
    currencyBox()->setCurrentIndex(qMax(0, currencyBox()->findData(order.amount.currency().code())));
    amountDisplay()->setMinorUnits(order.amount.minorUnits());
    descriptionField()->setText(order.description);
    QString customerName;
    if (!order.customerId.isEmpty()) {
        const auto customer = store::CustomerRepository(m_db).find(order.customerId);
        if (customer.ok() && customer.value())
            customerName =
                customer.value()->name.isEmpty() ? customer.value()->email : customer.value()->name;
    }
    m_entry->setCustomer(order.customerId, customerName);
    adoptSale(std::move(resumed));
    onStateChanged();
}

bool SalePage::saleHasLiveAttempt() const
{
    if (!m_sale)
        return false;
    if (m_sale->isBusy() || m_sale->state() == sale::Sale::State::Unknown || m_sale->isFinal())
        return true;
    const auto live = store::OutboxRepository(m_db).liveAttemptForOrder(m_sale->orderRef());
    return !live.ok() || live.value().has_value();
}

// --- Following the sale ---------------------------------------------------------------------------------

void SalePage::showRefusal(const QString &why)
{
    m_methods->setMessage(why);
}

void SalePage::onStateChanged()
{
    if (!m_sale)
        return;
    using State = sale::Sale::State;
    const sale::Sale &sale = *m_sale;
    const sale::SaleResult &result = sale.result();
    const QLocale locale = saleui::displayLocale();
    const QString amount = sale.order().amount.format(locale);
    m_waiting->setActionUrl(sale.actionUrl());

    auto waiting = [&](const QString &text) {
        m_waiting->setContent(amount, text);
        m_screens->setCurrentIndex(int(Screen::Waiting));
    };
    auto finished = [&](const QString &title, const QString &text, const QString &color) {
        m_result->setOutcome(title, text, color);
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
        waiting(u"Sending the payment…"_s);
        break;
    case State::Checking:
        waiting(u"Checking how the payment stands…"_s);
        break;
    case State::Canceling:
        waiting(u"Canceling…"_s);
        break;
    case State::WaitingForReader: {
        QString reader = m_methods->readerName();
        if (m_methods->readerId() != sale.readerId() || reader.isEmpty())
            reader = sale.readerId();
        waiting(u"Ask the customer to tap, insert or swipe the card on the reader “%1”."_s.arg(reader));
        break;
    }
    case State::WaitingForAuthentication:
        waiting(u"The bank asks the customer to confirm (3-D Secure). Let them scan the code with their "
                "phone, or open the link, and confirm; the sale goes on by itself."_s);
        break;
    case State::WaitingForCustomer:
        waiting(u"Ask the customer to scan the code with their phone and pay there. The sale goes on by "
                "itself once they have paid."_s);
        break;
    case State::Approved:
        finished(u"Approved"_s,
                 u"%1\n%2 ending in %3"_s.arg(result.amount.format(locale), saleui::brandName(result.brand),
                                              result.last4),
                 u"#1b7f3b"_s);
        break;
    case State::Declined:
        finished(u"Declined"_s, amount + u'\n' + inWords(), u"#b3261e"_s);
        break;
    case State::Unknown:
        finished(
            u"No answer yet"_s,
            amount +
                u"\nStripe has not answered. Do not take the payment again: the sale is checked again by "
                "itself, or press Check again."_s,
            u"#9a6700"_s);
        break;
    case State::Canceled:
        finished(u"Canceled"_s, amount + u"\nNothing was charged."_s, u"#555555"_s);
        break;
    case State::Expired:
        finished(u"Expired"_s, amount + u"\nThe QR code expired unpaid. Nothing was charged."_s,
                 u"#555555"_s);
        break;
    case State::Failed:
        finished(u"Not paid"_s, amount + u'\n' + inWords(), u"#b3261e"_s);
        break;
    }
    updateButtons();
    // The button the cashier most likely wants next takes the focus, so that Enter or Space does it.
    if (screen() == Screen::Result) {
        if (sale.canPay())
            m_result->retryButton()->setFocus();
        else if (sale.state() == State::Unknown)
            m_result->recoverButton()->setFocus();
        else if (m_result->newSaleButton()->isEnabled())
            m_result->newSaleButton()->setFocus();
    } else if (screen() == Screen::Waiting && m_waiting->cancelButton()->isEnabled()) {
        m_waiting->cancelButton()->setFocus();
    }
}

void SalePage::updateButtons()
{
    // A sale that exists keeps its amount: a retry after a decline is for the same order.
    const bool busy = m_sale && !m_sale->canPay();
    const bool hasAmount = amountDisplay()->minorUnits() > 0;
    m_entry->setOrderEditable(!m_sale);
    m_entry->setCustomerEditable(!m_sale || !saleHasLiveAttempt());
    m_methods->updateButtons(hasAmount, busy);
    m_waiting->cancelButton()->setEnabled(m_sale && m_sale->canCancel());
    m_waiting->testTapButton()->setVisible(m_options.testMode && m_sale &&
                                           m_sale->state() == sale::Sale::State::WaitingForReader);
    m_result->retryButton()->setVisible(m_sale && m_sale->canPay());
    m_result->recoverButton()->setVisible(m_sale && m_sale->state() == sale::Sale::State::Unknown);
    m_result->receiptButton()->setVisible(m_sale && m_sale->state() == sale::Sale::State::Approved &&
                                          !m_sale->result().paymentIntentId.isEmpty());
    // An unknown outcome may still turn out paid: a new sale now could charge the customer twice.
    m_result->newSaleButton()->setEnabled(!m_sale || m_sale->state() != sale::Sale::State::Unknown);
    m_interrupted->setVisible(!m_sale && !m_interrupted->orders().isEmpty());
}

} // namespace kassa::gui
