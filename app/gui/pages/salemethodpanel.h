// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QWidget>

#include <utility>

class QComboBox;
class QLabel;
class QPushButton;

namespace kassa::store {
class Database;
}
namespace kassa::stripe {
class StripeClient;
}

namespace kassa::gui {

class PaymentMethodsModel;

// The right half of the Sale page: the ways to pay, each with what it needs chosen beside it. A saved
// card of the customer (shown once a customer is chosen; default first, expired cards listed but not
// offered), a test card in test mode, a card reader (asked from Stripe; F5 asks again) and a Checkout
// QR code. It only asks: the page decides whether a request may go on, and disables what it may not.
class SaleMethodPanel : public QWidget
{
    Q_OBJECT
public:
    struct Options
    {
        bool testMode = false;
        // False without a page to send the customer's phone to after paying: no QR code then.
        bool checkoutConfigured = false;
    };

    // `client` lists the readers, `db` holds the customers' saved methods; both outlive the panel.
    SaleMethodPanel(stripe::StripeClient &client, store::Database &db, const Options &options,
                    QWidget *parent = nullptr);
    ~SaleMethodPanel() override;

    // The test cards the picker offers: pm_card_... token and what it does, in words.
    static QList<std::pair<QString, QString>> testCards();

    QComboBox *savedCardBox() const { return m_savedCard; }
    QComboBox *testCardBox() const { return m_testCard; }
    QComboBox *readerBox() const { return m_reader; }
    QPushButton *savedCardButton() const { return m_paySavedCard; }
    QPushButton *testCardButton() const { return m_payTestCard; }
    QPushButton *readerButton() const { return m_payReader; }
    QPushButton *checkoutButton() const { return m_payCheckout; }
    QLabel *helpLabel() const { return m_help; }

    // The chosen saved card (pm_...), empty when none can be charged.
    QString savedCardId() const;
    QString testCardToken() const;
    QString readerId() const;
    QString readerName() const;
    bool hasReaders() const;

    // Lists this customer's saved cards; empty: no customer, the section hides.
    void setCustomerId(const QString &customerId);
    QString customerId() const { return m_customerId; }

    // `hasAmount`: there is something to charge; `busy`: the sale waits for an answer.
    void updateButtons(bool hasAmount, bool busy);
    void setMessage(const QString &text);
    void toggleHelp();

public slots:
    // Asks Stripe for the readers again.
    void refreshReaders();

signals:
    void savedCardRequested();
    void testCardRequested();
    void readerRequested();
    void checkoutRequested();
    void readersChanged();

private:
    void fillSavedCards();

    stripe::StripeClient &m_client;
    Options m_options;
    PaymentMethodsModel *m_methods = nullptr;
    QString m_customerId;

    QWidget *m_savedSection = nullptr;
    QComboBox *m_savedCard = nullptr;
    QPushButton *m_paySavedCard = nullptr;
    QComboBox *m_testCard = nullptr;
    QPushButton *m_payTestCard = nullptr;
    QComboBox *m_reader = nullptr;
    QPushButton *m_refreshReaders = nullptr;
    QPushButton *m_payReader = nullptr;
    QPushButton *m_payCheckout = nullptr;
    QLabel *m_message = nullptr;
    QLabel *m_help = nullptr;
};

} // namespace kassa::gui
