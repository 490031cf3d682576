// SPDX-License-Identifier: GPL-3.0-or-later
#include "services/sync/webhookinbox.h"

#include "services/store/database.h"
#include "services/store/eventrepository.h"
#include "services/store/inboxwriter.h"
#include "services/store/transaction.h"
#include "services/store/walcheckpointer.h"
#include "services/sync/eventprocessor.h"

#include <QTcpServer>

#include <optional>

using namespace Qt::StringLiterals;

namespace kassa::sync {

namespace {

// The inbox as the receiver's socket thread writes it: the same rows as EventProcessor::enqueue, one
// transaction per group, through the thread's own connection.
class InboxSink : public WebhookReceiver::ThreadSink
{
public:
    InboxSink(std::unique_ptr<store::Database> db, store::WriteTurn *writeLock)
        : m_db(std::move(db))
        , m_inbox(*m_db)
        , m_writeLock(writeLock)
    {
        m_queued.source = u"webhook"_s;
    }

    Outcome store(const std::vector<Event> &events, QString *error) override
    {
        std::optional<std::lock_guard<store::WriteTurn>> turn;
        if (m_writeLock)
            turn.emplace(*m_writeLock);
        store::Transaction transaction(*m_db);
        if (!transaction.isActive())
            return failed(transaction.error(), error);
        const qint64 now = m_db->now();
        for (const Event &event : events) {
            m_queued.id = event.id;
            m_queued.type = event.type;
            m_queued.created = event.created;
            m_queued.payload = event.body;
            m_queued.receivedAt = now;
            // False (already queued or applied) is as good as stored: the delivery needs no repeat.
            if (const store::StoreResult<bool> stored = m_inbox.enqueue(m_queued); !stored.ok())
                return failed(stored.error(), error); // rolled back: none of the group is stored
        }
        m_queued.payload.clear();
        if (const store::StoreError committed = transaction.commit(); committed.isError())
            return failed(committed, error);
        return Outcome::Stored;
    }

private:
    Outcome failed(const store::StoreError &why, QString *error)
    {
        m_queued.payload.clear();
        *error = why.toString();
        return why.kind == store::StoreError::Kind::Busy ? Outcome::Busy : Outcome::Failed;
    }

    std::unique_ptr<store::Database> m_db;
    store::InboxWriter m_inbox; // before m_db goes: its statement belongs to that connection
    store::WriteTurn *m_writeLock;
    store::InboxEvent m_queued; // reused: no allocation for its fields per event
};

} // namespace

bool ListenAddress::parse(const QString &text, ListenAddress *out)
{
    const qsizetype colon = text.lastIndexOf(u':');
    bool portOk = false;
    const quint16 port = colon < 0 ? 0 : text.mid(colon + 1).toUShort(&portOk);
    const QHostAddress address(colon < 0 ? text : text.left(colon));
    if (address.isNull() || (colon >= 0 && !portOk))
        return false;
    out->address = address;
    out->port = port;
    return true;
}

WebhookInbox::WebhookInbox(store::Database &db, EventProcessor &processor,
                           const WebhookReceiver::Options &options, QObject *parent)
    : QObject(parent)
    , m_db(db)
    , m_processor(processor)
{
    m_receiver = new WebhookReceiver(
        [this](const QList<WebhookReceiver::Delivery> &deliveries) {
            QList<QJsonObject> events;
            QList<QByteArray> payloads;
            events.reserve(deliveries.size());
            payloads.reserve(deliveries.size());
            for (const WebhookReceiver::Delivery &delivery : deliveries) {
                events.append(delivery.event);
                payloads.append(delivery.rawBody);
            }
            return m_processor.enqueue(events, payloads);
        },
        options, this);
    m_receiver->setThreadSink([this](QString *why) -> std::unique_ptr<WebhookReceiver::ThreadSink> {
        const store::DatabaseConfig config = m_connectionConfig.value_or(m_db.config());
        if (m_db.isSqlite() && (config.sqlitePath.isEmpty() || config.sqlitePath == u":memory:"_s)) {
            *why = u"an in-memory store has no second connection"_s;
            return nullptr;
        }
        store::StoreResult<std::unique_ptr<store::Database>> opened = store::Database::open(config);
        if (!opened.ok()) {
            *why = opened.error().toString();
            return nullptr;
        }
        std::unique_ptr<store::Database> own = std::move(opened).value();
        // The checkpoints are the checkpoint thread's on this connection too.
        if (m_checkpointer && m_checkpointer->isRunning()) {
            if (const store::StoreError failed = own->execDirect(u"PRAGMA wal_autocheckpoint = 0"_s);
                failed.isError()) {
                *why = failed.toString();
                return nullptr;
            }
        }
        return std::make_unique<InboxSink>(std::move(own), m_db.isSqlite() ? &m_writeLock : nullptr);
    });
    // Small steps while deliveries come in, so that answering them stays quick.
    m_receiver->setBackgroundWork([this](bool busy) {
        std::optional<std::lock_guard<store::WriteTurn>> turn;
        if (m_db.isSqlite() && m_receiver->storesOnSocketThread())
            turn.emplace(m_writeLock);
        const store::StoreResult<int> step = m_processor.applyInbox(busy ? 4 : 32);
        if (!step.ok()) {
            emit applyFailed(step.error().toString());
            return false; // tried again after the next delivery
        }
        if (step.value() > 0)
            emit applied(step.value());
        return step.value() > 0;
    });
}

WebhookInbox::~WebhookInbox()
{
    // The receiver's last group commit goes through the processor: before the checkpointer stops.
    delete m_receiver;
    m_receiver = nullptr;
}

bool WebhookInbox::startCheckpoints(QString *why)
{
    if (!m_checkpointer)
        m_checkpointer = std::make_unique<store::WalCheckpointer>();
    m_checkpointer->setWriteTurn(&m_writeLock);
    return m_checkpointer->start(m_db, 500, why);
}

void WebhookInbox::setSecrets(const QList<QByteArray> &secrets)
{
    m_receiver->setSecrets(secrets);
}

bool WebhookInbox::listen(const QHostAddress &address, quint16 port)
{
    m_addressInUse = false;
    if (m_receiver->listen(address, port))
        return true;
    // The server's own message is the socket's; whether the port is taken is what the owner acts on,
    // so ask the same question once more and keep the answer's kind.
    QTcpServer probe;
    if (!probe.listen(address, port))
        m_addressInUse = probe.serverError() == QAbstractSocket::AddressInUseError;
    return false;
}

void WebhookInbox::close()
{
    const bool wasListening = m_receiver->isListening();
    m_receiver->close();
    if (wasListening)
        emit stopped();
}

bool WebhookInbox::storesOnSocketThread() const
{
    return m_receiver->storesOnSocketThread();
}

bool WebhookInbox::isListening() const
{
    return m_receiver->isListening();
}

quint16 WebhookInbox::port() const
{
    return m_receiver->port();
}

QString WebhookInbox::errorString() const
{
    return m_receiver->errorString();
}

} // namespace kassa::sync
