// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/gui/pages/amountdisplay.h"
#include "app/gui/pages/saleentrypanel.h"
#include "app/gui/pages/saleinterruptedbanner.h"
#include "app/gui/pages/salemethodpanel.h"
#include "app/gui/pages/saleresultscreen.h"
#include "app/gui/pages/salewaitingscreen.h"
#include "core/currency.h"
#include "services/sale/sale.h"
#include "services/security/actinguser.h"

#include <QWidget>

#include <memory>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QStackedWidget;

namespace kassa::sale {
class SaleService;
}
namespace kassa::store {
class Database;
}
namespace kassa::stripe {
class StripeClient;
}

namespace kassa::gui {

class QrCodeWidget;

// Sale: the amount (keypad or keyboard), the currency, the order's words and optionally the customer
// (SaleEntryPanel), then a way to pay (SaleMethodPanel: a saved card of the customer, a test card in test
// mode, a card reader, a Checkout QR code), a waiting screen with Cancel while the customer or Stripe acts
// (SaleWaitingScreen), and the outcome in words with Print receipt and New sale (SaleResultScreen). This
// class composes them and follows the Sale.
//
// The Sale object (services/sale) takes the order's payment at most once; the page adds that its buttons
// are off while it is busy, that pay keys act only on the entry screen, and that after a restart it
// offers the till's unfinished sales (SaleService::unfinishedOrders) to be resumed, not charged again.
//
// F2 test card, F3 reader, F4 QR code, F5 readers again, F6 saved card, F7 choose the customer, F8 resume
// the interrupted sale, Enter the first way that can be used, Ctrl+P the receipt, F1 the list of keys.
class SalePage : public QWidget
{
    Q_OBJECT
public:
    enum class Screen { Entry, Waiting, Result };

    struct Options
    {
        bool testMode = false;
        QString till;
    };

    // `client` lists the readers; `db` gives the shop's usual currency, its customers and their saved
    // cards. Both, and `service`, outlive the page.
    SalePage(sale::SaleService &service, stripe::StripeClient &client, store::Database &db,
             const Options &options, QWidget *parent = nullptr);
    ~SalePage() override;

    // The test cards the picker offers: pm_card_... token and what it does, in words.
    static QList<std::pair<QString, QString>> testCards();
    // The shop's currency: the one most of its payments are in, else USD.
    static Currency defaultCurrency(store::Database &db);

    Screen screen() const;
    sale::Sale *currentSale() const { return m_sale.get(); }
    SaleEntryPanel *entryPanel() const { return m_entry; }
    SaleMethodPanel *methodPanel() const { return m_methods; }
    SaleWaitingScreen *waitingScreen() const { return m_waiting; }
    SaleResultScreen *resultScreen() const { return m_result; }
    AmountDisplay *amountDisplay() const { return m_entry->amountDisplay(); }
    QLineEdit *descriptionField() const { return m_entry->descriptionField(); }
    QComboBox *currencyBox() const { return m_entry->currencyBox(); }
    QPushButton *chooseCustomerButton() const { return m_entry->chooseCustomerButton(); }
    QString customerId() const { return m_entry->customerId(); }
    QComboBox *testCardBox() const { return m_methods->testCardBox(); }
    QComboBox *readerBox() const { return m_methods->readerBox(); }
    QComboBox *savedCardBox() const { return m_methods->savedCardBox(); }
    QPushButton *testCardButton() const { return m_methods->testCardButton(); }
    QPushButton *readerButton() const { return m_methods->readerButton(); }
    QPushButton *checkoutButton() const { return m_methods->checkoutButton(); }
    QPushButton *savedCardButton() const { return m_methods->savedCardButton(); }
    QPushButton *cancelButton() const { return m_waiting->cancelButton(); }
    QrCodeWidget *qrCode() const { return m_waiting->qrCode(); }
    QString waitingText() const { return m_waiting->text(); }
    QPushButton *newSaleButton() const { return m_result->newSaleButton(); }
    QPushButton *receiptButton() const { return m_result->receiptButton(); }
    QString resultTitle() const { return m_result->title(); }
    QString resultText() const { return m_result->text(); }
    SaleInterruptedBanner *interruptedBanner() const { return m_interrupted; }
    QPushButton *resumeButton() const { return m_interrupted->resumeButton(); }
    // This till's orders whose payment got no final answer before the till stopped, oldest first.
    QStringList interruptedOrders() const { return m_interrupted->orders(); }

public slots:
    void setUser(const kassa::security::ActingUser &user);
    // The sale's customer (empty: none); lists their saved cards. Refused while the sale holds a payment.
    void setCustomer(const QString &customerId, const QString &name);
    // Opens the customer picker (F7).
    void chooseCustomer();
    // Asks Stripe for the readers again.
    void refreshReaders();
    void payWithSavedCard();
    void payWithTestCard();
    void payWithReader();
    void payWithCheckout();
    // Enter: the first way to pay this till has (the customer's saved card, a test card in test mode,
    // else the reader).
    void payDefault();
    void cancelSale();
    void newSale();
    // Takes up the oldest interrupted sale of this till (F8): it finds out where its payment stands and
    // shows that, without charging again.
    void resumeInterrupted();
    // Looks for this till's interrupted sales again (at start, after log-in and after each sale).
    void checkInterrupted();

signals:
    // Print receipt on an approved sale: the lead's receipt printer takes it from here.
    void receiptRequested(const QString &paymentIntentId);

protected:
    void showEvent(QShowEvent *event) override;
    // The till locks or another section opens: the customer picker closes with the page.
    void hideEvent(QHideEvent *event) override;

private:
    QWidget *buildEntry();
    sale::SaleContext context() const;
    // The sale of the amount on screen, made on the first pay and kept for retries after a decline.
    sale::Sale *ensureSale();
    void adoptSale(std::unique_ptr<sale::Sale> sale);
    void pay(sale::Sale::Method method);
    void onStateChanged();
    void onCustomerChanged();
    void updateButtons();
    void showRefusal(const QString &why);
    void requestReceipt();
    bool checkoutConfigured() const;
    // Test mode: presents a test card to the reader the sale waits on.
    void tapTestCard();
    // The sale holds a payment attempt of its own at Stripe (or one on the way).
    bool saleHasLiveAttempt() const;

    sale::SaleService &m_service;
    stripe::StripeClient &m_client;
    store::Database &m_db;
    Options m_options;
    security::ActingUser m_user;
    std::unique_ptr<sale::Sale> m_sale;

    QStackedWidget *m_screens = nullptr;
    SaleEntryPanel *m_entry = nullptr;
    SaleMethodPanel *m_methods = nullptr;
    SaleWaitingScreen *m_waiting = nullptr;
    SaleResultScreen *m_result = nullptr;
    SaleInterruptedBanner *m_interrupted = nullptr;
};

} // namespace kassa::gui
