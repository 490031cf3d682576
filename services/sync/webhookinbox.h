// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "services/store/databaseconfig.h"
#include "services/store/writeturn.h"
#include "services/sync/webhookreceiver.h"

#include <QHostAddress>
#include <QObject>
#include <QString>

#include <memory>
#include <optional>

namespace kassa::store {
class Database;
class WalCheckpointer;
} // namespace kassa::store

namespace kassa::sync {

class EventProcessor;

// ADDRESS:PORT as `kassa-cli webhook serve --listen` and the setting `webhook.listen` take it
// ("127.0.0.1:8787"; without a port, any free one).
struct ListenAddress
{
    QHostAddress address;
    quint16 port = 0;

    // False when `text` is not ADDRESS[:PORT].
    static bool parse(const QString &text, ListenAddress *out);
};

// Stripe's webhooks into the store, the way every Kassa receiver runs (kassa-cli webhook serve, the
// console): a delivery is answered 2xx once it is durably in the store's inbox, the deliveries that
// arrive together sharing one commit; the inbox is applied through `processor` between deliveries,
// starting with whatever an earlier run left there; SQLite checkpoints run in their own thread so that
// a checkpoint's fdatasync does not hold the deliveries.
//
// The receiver's socket thread writes the inbox itself, through a connection of its own to the same
// store (opened from db's configuration when listening starts), so that a delivery never waits for this
// thread. Where no second connection can be opened (an in-memory SQLite store; a PostgreSQL password
// that the configuration no longer holds, unless setConnectionConfig() gives it), deliveries are stored
// through `db` on this thread instead.
// On SQLite the two connections take turns at writing through a store::WriteTurn rather than through
// SQLite's busy handler, whose sleeps of a millisecond and more would show in every answer's latency;
// the checkpoint thread takes the same turn to start a long WAL over.
class WebhookInbox : public QObject
{
    Q_OBJECT
public:
    // `db` and `processor` outlive this.
    WebhookInbox(store::Database &db, EventProcessor &processor,
                 const WebhookReceiver::Options &options = WebhookReceiver::Options(),
                 QObject *parent = nullptr);
    ~WebhookInbox() override;

    // False with `why` when the checkpoint thread cannot start (the receiving thread checkpoints then).
    bool startCheckpoints(QString *why = nullptr);
    void setSecrets(const QList<QByteArray> &secrets);
    // What the receiver's own connection opens, when `db`'s configuration no longer holds all of it: a
    // PostgreSQL password from the keychain, which Database forgets once it is connected. Before listen().
    void setConnectionConfig(const store::DatabaseConfig &config) { m_connectionConfig = config; }
    // False when the address cannot be bound: errorString() says why, addressInUse() whether another
    // program holds the port.
    bool listen(const QHostAddress &address, quint16 port);
    // Stores what is still waiting, stops listening and says so (stopped()).
    void close();
    bool isListening() const;
    quint16 port() const;
    QString errorString() const;
    bool addressInUse() const { return m_addressInUse; }
    WebhookReceiver &receiver() { return *m_receiver; }
    // True while deliveries are stored on the receiver's socket thread (after listen()).
    bool storesOnSocketThread() const;

signals:
    // Events from the inbox applied to the store (after their commit).
    void applied(int count);
    // The inbox could not be applied; tried again after the next delivery.
    void applyFailed(const QString &error);
    // No longer listening (close()).
    void stopped();

private:
    store::Database &m_db;
    EventProcessor &m_processor;
    // SQLite: one writer at a time of this process's two connections; the checkpointer takes it to
    // start a long WAL over (declared first: it outlives the checkpointer's thread).
    store::WriteTurn m_writeLock;
    WebhookReceiver *m_receiver;
    std::unique_ptr<store::WalCheckpointer> m_checkpointer;
    std::optional<store::DatabaseConfig> m_connectionConfig;
    bool m_addressInUse = false;
};

} // namespace kassa::sync
