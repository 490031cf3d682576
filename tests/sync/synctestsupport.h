// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// What the sync tests share: a migrated store on each backend (SQLite in a temporary directory,
// PostgreSQL when pg_virtualenv's PG* variables are set), an in-process simulator and a StripeClient
// pointed at it, and helpers that read the simulator's truth over HTTP or start kassa-cli against it. The
// sale, saved-method, refund-request and GUI tests build a till on it: the same store and simulator with
// the outbox in front.

#include "services/customers/savedmethodservice.h"
#include "services/sale/sale.h"
#include "services/sale/salecontext.h"
#include "services/store/database.h"
#include "services/stripe/resources/customers.h"
#include "services/stripe/stripeclient.h"
#include "services/sync/outbox.h"
#include "sim/simulator.h"
#include "storetestsupport.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QNetworkAccessManager>
#include <QProcessEnvironment>
#include <QStringList>

#include <memory>

namespace kassa::sync::test {

inline constexpr auto TestApiKey = "sk_test_kassasynctests0123456789";

// Opens and migrates a store for `backend`; QSKIP/QFAIL through the returned status.
struct SyncFixture
{
    store::test::TestStore store;
    std::unique_ptr<store::Database> db;
    std::unique_ptr<sim::Simulator> simulator;
    QNetworkAccessManager network;
    std::unique_ptr<stripe::StripeClient> client;

    // False with `message` set; `skip` says whether to skip rather than fail.
    bool setUp(const QString &backend, QString *message, bool *skip);
    QUrl simUrl() const;
    // `request` sent to the simulator and its answer waited for in this thread's event loop; an empty
    // response (status 0) when none came within `timeoutMs`.
    stripe::StripeResponse call(const stripe::StripeRequest &request, int timeoutMs);
};

// A till over a SyncFixture: the outbox every sale and saved method goes through, and the simulator asked
// directly, as the customer or Stripe's dashboard would. The outbox goes before the store and the client
// it writes to and sends through.
struct TillFixture : SyncFixture
{
    std::unique_ptr<Outbox> outbox;

    // SyncFixture::setUp, then the outbox with `options` (kept for restartOutbox()).
    bool setUp(const QString &backend, QString *message, bool *skip, const Outbox::Options &options = {});
    // The outbox made again over the same store and simulator, as after a restart. Whatever holds the old
    // one (a SaleService) goes first.
    void restartOutbox();
    // A customer made on the simulator and written into the store as a backfill would leave it: their id,
    // empty when either failed.
    QString makeCustomer(const stripe::Customers::Params &params, int timeoutMs);
    // The id of the simulator's first card reader; empty when the readers cannot be listed.
    QString readerId(int timeoutMs);

private:
    Outbox::Options m_outboxOptions;
};

// Sales and saved-method set-ups that poll fast (30 ms, then at most 150 ms) and send the customer to a
// success page on shop.example; a sale never checks an unknown result again by itself (each test says
// when), and saved methods take test tokens.
sale::SaleOptions fastSaleOptions();
// Waits for `sale` to reach `state`; when it does not in time, says where it stands (state, reason, codes).
bool waitForSale(sale::Sale &sale, sale::Sale::State state, int timeoutMs);
customers::SavedMethodService::Options fastSavedMethodOptions();

// A form POSTed to one of the simulator's hosted pages (Checkout, 3-D Secure) as the customer's browser or
// phone would post it, redirects not followed; the HTTP status (0 when nothing answered).
int postHostedForm(const QUrl &url, const QByteArray &form);

// Every object of a list endpoint of the simulator (all pages), faults or not; empty on failure.
QList<QJsonObject> listAll(stripe::StripeClient &client, const QString &path, const QStringList &expand = {});

// A till's sale as the outbox sends it: a PaymentIntent of `amount` US cents confirmed at once with
// `paymentMethod`, its order reference in the metadata.
stripe::StripeRequest saleRequest(const QString &orderRef, qint64 amount,
                                  const QString &paymentMethod = QStringLiteral("pm_card_visa"));
// The simulator's succeeded PaymentIntents by order reference (all pages): what exactly-once is checked
// against. Empty when the list failed.
QHash<QString, QStringList> succeededByOrderRef(stripe::StripeClient &client);

// The environment of a kassa-cli child started against the simulator: this process's own, the test key,
// and `loggingRules` (CTest's rules would otherwise let the child's debug lines flood the test log).
QProcessEnvironment cliEnvironment(const QString &loggingRules);

} // namespace kassa::sync::test

// Sets `fixture` (a SyncFixture or TillFixture) up on `backend` with the remaining arguments, inside a test
// function: skips when the backend is missing (PostgreSQL without KASSA_REQUIRE_SERVICES=1), fails when
// anything else goes wrong.
#define KASSA_SET_UP_FIXTURE(fixture, backend, ...)                                                          \
    do {                                                                                                     \
        QString message_;                                                                                    \
        bool skip_ = false;                                                                                  \
        if (!(fixture).setUp((backend), &message_, &skip_ __VA_OPT__(, ) __VA_ARGS__)) {                     \
            if (skip_)                                                                                       \
                QSKIP(qPrintable(message_));                                                                 \
            QFAIL(qPrintable(message_));                                                                     \
        }                                                                                                    \
    } while (false)
