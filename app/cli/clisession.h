#pragma once

#include "services/stripe/stripeclient.h"
#include "services/stripe/striperequest.h"

#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QObject>
#include <QTextStream>

#include <functional>

namespace kassa::cli {

// What every kassa-cli command works with: the Stripe client, the output mode, and the way to end.
class CliSession : public QObject
{
    Q_OBJECT
public:
    CliSession(QTextStream &out, QTextStream &err, QObject *parent = nullptr);

    stripe::StripeClient &client() { return *m_client; }
    void setJson(bool json) { m_json = json; }
    bool json() const { return m_json; }
    QTextStream &out() { return m_out; }
    QTextStream &err() { return m_err; }

    // Sends the request; on success calls onSuccess with the object, on failure prints the error and
    // finishes with its exit code.
    void call(const stripe::StripeRequest &request,
              const std::function<void(const QJsonObject &)> &onSuccess);
    // Every item of a list or search, up to maxItems (0: all), printed; then finishes.
    void listAll(const stripe::StripeRequest &firstPage, int maxItems);
    // One object: a JSON line with --json, else one human line.
    void print(const QJsonObject &object);
    void printError(const stripe::StripeError &error);
    // Prints a usage error and finishes with ExitUsage.
    void usage(const QString &message);
    void finish(int exitCode);
    bool isFinished() const { return m_finished; }

signals:
    void finished(int exitCode);

private:
    QTextStream &m_out;
    QTextStream &m_err;
    QNetworkAccessManager m_network;
    stripe::StripeClient *m_client;
    bool m_json = false;
    bool m_finished = false;
};

} // namespace kassa::cli
