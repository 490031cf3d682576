// SPDX-License-Identifier: GPL-3.0-or-later
#include "services/sync/webhookinbox.h"

#include "services/store/walcheckpointer.h"
#include "services/sync/eventprocessor.h"

#include <QTcpServer>

using namespace Qt::StringLiterals;

namespace kassa::sync {

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
    // Small steps while deliveries come in, so that answering them stays quick.
    m_receiver->setBackgroundWork([this](bool busy) {
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
