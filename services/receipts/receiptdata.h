// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/money.h"
#include "services/store/chargerepository.h"
#include "services/store/paymentrow.h"
#include "services/store/refundrepository.h"
#include "services/store/storeresult.h"

#include <QJsonObject>
#include <QLocale>
#include <QString>
#include <QStringList>

#include <optional>

namespace kassa::store {
class Database;
}

namespace kassa::receipts {

// Everything a receipt shows, gathered from the store: the payment, its latest charge and (for a refund
// receipt) the refund, with Stripe's JSON of each kept beside the rows, plus the shop's header and footer.
// Plain data: the console draws it (app/gui/receipts), tests read it without a display.
//
// The card is only ever its brand and last four digits: Stripe never sends more, and cardLast4 is cut
// to four digits even if a stored object held something longer.
struct ReceiptData
{
    enum class Kind {
        Sale,   // a payment: what the customer paid
        Refund, // a refund: what the customer got back, and of which sale
    };
    Kind kind = Kind::Sale;

    QString header; // the shop: settings receipt.header, else shop.name, else "Kassa"
    QString footer; // settings receipt.footer, may be empty

    qint64 created = 0; // Unix seconds: when the payment (or the refund) was made
    QString till;       // the till's name, else its id (metadata.kassa_till)
    QString cashier;    // metadata.kassa_cashier: who took the payment
    QString approvedBy; // a refund: the manager who approved it (its metadata.approved_by), if known
    Money amount;       // paid, or refunded
    Money refunded;     // a sale: what was refunded of it so far
    QString status;     // Stripe's text: succeeded, pending, ...
    QString statusText; // in words: "Approved", "Refund pending", ...
    QString cardBrand;  // Stripe's text: visa, mastercard, ... (empty when not a card)
    QString cardLast4;  // at most four digits
    QString methodType; // card, card_present, ...
    QString stripeId;   // pi_... for a sale, re_... for a refund
    QString chargeId;   // ch_... or py_...
    QString receiptUrl; // the charge's receipt_url: Stripe's own receipt page, shown as a QR code
    QString description;
    QString orderRef;
    bool testMode = false; // made with a test key: no money moved, and the receipt says so

    // A refund receipt names the sale it gives money back for.
    QString originalPaymentId;
    qint64 originalCreated = 0;
    Money originalAmount;
    QString refundReason; // Stripe's text: requested_by_customer, duplicate, fraudulent, or empty

    // What the fields were read from.
    store::PaymentRow payment;
    std::optional<store::ChargeRow> charge;
    std::optional<store::RefundRow> refund;
    QJsonObject paymentJson;
    QJsonObject chargeJson;
    QJsonObject refundJson;

    // "Visa •••• 4242", "•••• 4242", "Visa", or the method type when there is no card.
    QString methodText() const;
    // "SALE", "REFUND"; with " (TEST)" in test mode.
    QString title() const;
    // The receipt as lines of text, top to bottom: what every rendering shows (tests compare with it).
    QStringList textLines(const QLocale &locale) const;
};

// Builds ReceiptData from the store. Reads only; a few indexed queries.
class ReceiptBuilder
{
public:
    // The settings a receipt reads (SettingsRepository); the Settings page edits them.
    static inline const QString HeaderKey = QStringLiteral("receipt.header");
    static inline const QString FooterKey = QStringLiteral("receipt.footer");
    static inline const QString ShopNameKey = QStringLiteral("shop.name");

    explicit ReceiptBuilder(store::Database &db);

    // The receipt of a payment. None when the store does not hold it.
    store::StoreResult<std::optional<ReceiptData>> forPayment(const QString &paymentIntentId);
    // The receipt of a refund, naming its payment. None when the store does not hold the refund.
    store::StoreResult<std::optional<ReceiptData>> forRefund(const QString &refundId);

private:
    store::StoreError fillCommon(ReceiptData *data);

    store::Database &m_db;
};

} // namespace kassa::receipts
