// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/permissions.h"
#include "services/security/actinguser.h"
#include "services/security/pinhasher.h"
#include "services/store/databaseconfig.h"

#include <QList>
#include <QObject>
#include <QString>

#include <memory>

class QNetworkAccessManager;
class QTemporaryDir;

namespace kassa::sim {
class Simulator;
}
namespace kassa::store {
class Database;
}
namespace kassa::stripe {
class StripeClient;
}
namespace kassa::sync {
class Backfill;
class Outbox;
} // namespace kassa::sync
namespace kassa::security {
class AuditLog;
}
namespace kassa::refunds {
class RefundRequestService;
}

namespace kassa::gui {

// A demo user: the log-in screen shows these PINs in demo mode, and only there.
struct DemoUser
{
    QString name;
    QString displayName;
    Role role = Role::Cashier;
    QString pin;
};

// `kassa --demo`: everything the console needs, with no Stripe account and no network. start() brings
// up the simulator in this process on a loopback port with a shop's history (about 2,000 payments over
// 90 days, customers with saved cards, a simulated reader), a fresh store in a fresh data folder filled
// from the simulator by a backfill (the path a real till takes), the three demo users, and one refund
// request that a cashier made and a manager has yet to decide. Then ready(), or failed() with the reason.
//
// The data folder is a temporary one removed with this object, or `<dataDir>/demo`, emptied first: a
// demo always starts from the same story, and never touches a real store.
class DemoSession : public QObject
{
    Q_OBJECT
public:
    static constexpr int DefaultPayments = 2000;

    struct Options
    {
        QString dataDir; // empty: a temporary folder
        int payments = DefaultPayments;
        quint32 seed = 20261126;      // the same shop every time
        security::PinHasher hasher{}; // tests pass a cheaper one
    };

    explicit DemoSession(const Options &options, QObject *parent = nullptr);
    ~DemoSession() override;

    static QList<DemoUser> users();
    // Any sk_test_ key works with the simulator; this one is what the README shows.
    static QString apiKey();
    static QString tillId();

    void start();
    bool isReady() const { return m_ready; }

    QString dataDir() const;
    store::DatabaseConfig databaseConfig() const { return m_config; }
    // Valid once ready() (the store, the client and the services built on them live as long as this).
    sim::Simulator &simulator() { return *m_simulator; }
    store::Database &database() { return *m_db; }
    stripe::StripeClient &client() { return *m_client; }
    sync::Outbox &outbox() { return *m_outbox; }
    security::AuditLog &audit() { return *m_audit; }
    refunds::RefundRequestService &refundRequests() { return *m_refunds; }
    QString pendingRefundRequestId() const { return m_requestId; }
    QString pendingRefundPaymentId() const { return m_requestPaymentId; }

signals:
    // What it is doing now, for a splash screen: "Filling the store from the simulator: 400 of 2,100".
    void progress(const QString &step);
    void ready();
    void failed(const QString &error);

private:
    bool prepareDataDir(QString *error);
    void onBackfillFinished(bool ok, const QString &error);
    void onUsersAdded(const QList<security::ActingUser> &users, const QString &error);
    void fail(const QString &error);

    Options m_options;
    std::unique_ptr<QTemporaryDir> m_tempDir;
    QString m_dataDir;
    store::DatabaseConfig m_config;
    std::unique_ptr<sim::Simulator> m_simulator;
    std::unique_ptr<store::Database> m_db;
    std::unique_ptr<QNetworkAccessManager> m_network;
    std::unique_ptr<stripe::StripeClient> m_client;
    std::unique_ptr<sync::Backfill> m_backfill;
    std::unique_ptr<sync::Outbox> m_outbox;
    std::unique_ptr<security::AuditLog> m_audit;
    std::unique_ptr<refunds::RefundRequestService> m_refunds;
    qint64 m_backfillStartedAt = 0;
    QString m_requestId;
    QString m_requestPaymentId;
    bool m_ready = false;
    bool m_failed = false;
};

} // namespace kassa::gui
