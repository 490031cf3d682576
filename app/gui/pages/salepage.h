// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/currency.h"
#include "services/sale/sale.h"
#include "services/security/actinguser.h"

#include <QLabel>
#include <QWidget>

#include <memory>

class QComboBox;
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

// The amount a cashier types: a whole number of minor units that grows a digit at a time from the right
// (typing 1, 2, 5, 0 gives 12.50), as card terminals do, so there is never a decimal point to place and no
// floating point anywhere. Takes digits, Backspace and Delete from the keyboard; Enter asks to pay.
class AmountDisplay : public QLabel
{
    Q_OBJECT
public:
    explicit AmountDisplay(QWidget *parent = nullptr);

    qint64 minorUnits() const { return m_minorUnits; }
    Currency currency() const { return m_currency; }
    void setCurrency(Currency currency);
    void setMinorUnits(qint64 minorUnits);
    void appendDigit(int digit);
    void backspace();
    void clear() { setMinorUnits(0); }
    // A sale retried after a decline keeps its amount: digits are ignored, Enter still pays.
    bool isLocked() const { return m_locked; }
    void setLocked(bool locked);

signals:
    void changed();
    void submitted();

protected:
    void keyPressEvent(QKeyEvent *event) override;

private:
    void render();

    qint64 m_minorUnits = 0;
    Currency m_currency;
    bool m_locked = false;
};

// Sale: the amount (keypad or keyboard), the currency and the order's words, then a way to pay (a test
// card in test mode, a card reader, a Checkout QR code), a waiting screen with Cancel while the customer
// or Stripe acts, and the outcome in words with "New sale". The Sale object (services/sale) takes the
// order's payment at most once; the page only adds that its buttons are disabled while it is busy.
//
// F2 test card, F3 reader, F4 QR code, Enter the first of these that can be used, F1 the list of keys.
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

    // `client` lists the readers; `db` gives the shop's usual currency. Both, and `service`, outlive the
    // page.
    SalePage(sale::SaleService &service, stripe::StripeClient &client, store::Database &db,
             const Options &options, QWidget *parent = nullptr);
    ~SalePage() override;

    // The test cards the picker offers: pm_card_... token and what it does, in words.
    static QList<std::pair<QString, QString>> testCards();
    // The shop's currency: the one most of its payments are in, else USD.
    static Currency defaultCurrency(store::Database &db);

    Screen screen() const;
    sale::Sale *currentSale() const { return m_sale.get(); }
    AmountDisplay *amountDisplay() const { return m_amount; }
    QLineEdit *descriptionField() const { return m_description; }
    QComboBox *currencyBox() const { return m_currency; }
    QComboBox *testCardBox() const { return m_testCard; }
    QComboBox *readerBox() const { return m_reader; }
    QPushButton *testCardButton() const { return m_payTestCard; }
    QPushButton *readerButton() const { return m_payReader; }
    QPushButton *checkoutButton() const { return m_payCheckout; }
    QPushButton *cancelButton() const { return m_cancel; }
    QPushButton *newSaleButton() const { return m_newSale; }
    QrCodeWidget *qrCode() const { return m_qr; }
    QString resultTitle() const;
    QString resultText() const;
    QString waitingText() const;

public slots:
    void setUser(const kassa::security::ActingUser &user);
    // Asks Stripe for the readers again.
    void refreshReaders();
    void payWithTestCard();
    void payWithReader();
    void payWithCheckout();
    // Enter: the first way to pay this till has (a test card in test mode, else the reader).
    void payDefault();
    void cancelSale();
    void newSale();

protected:
    void showEvent(QShowEvent *event) override;

private:
    QWidget *buildEntry();
    QWidget *buildWaiting();
    QWidget *buildResult();
    // The sale of the amount on screen, made on the first pay and kept for retries after a decline.
    sale::Sale *ensureSale();
    void pay(sale::Sale::Method method);
    void onStateChanged();
    void updateButtons();
    void showRefusal(const QString &why);
    void toggleHelp();
    bool checkoutConfigured() const;

    sale::SaleService &m_service;
    stripe::StripeClient &m_client;
    Options m_options;
    security::ActingUser m_user;
    std::unique_ptr<sale::Sale> m_sale;

    QStackedWidget *m_screens = nullptr;
    AmountDisplay *m_amount = nullptr;
    QComboBox *m_currency = nullptr;
    QLineEdit *m_description = nullptr;
    QList<QPushButton *> m_keypad;
    QComboBox *m_testCard = nullptr;
    QComboBox *m_reader = nullptr;
    QPushButton *m_payTestCard = nullptr;
    QPushButton *m_payReader = nullptr;
    QPushButton *m_payCheckout = nullptr;
    QLabel *m_entryMessage = nullptr;
    QLabel *m_help = nullptr;

    QLabel *m_waitingTitle = nullptr;
    QLabel *m_waitingText = nullptr;
    QrCodeWidget *m_qr = nullptr;
    QLabel *m_link = nullptr;
    QPushButton *m_cancel = nullptr;

    QLabel *m_resultTitle = nullptr;
    QLabel *m_resultText = nullptr;
    QPushButton *m_retry = nullptr;
    QPushButton *m_recover = nullptr;
    QPushButton *m_newSale = nullptr;
};

} // namespace kassa::gui
