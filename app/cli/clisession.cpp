#include "app/cli/clisession.h"

#include "app/cli/cliexit.h"
#include "app/cli/cliformatter.h"
#include "services/stripe/declinemessages.h"
#include "services/stripe/stripepager.h"

#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace kassa::cli {

CliSession::CliSession(QTextStream &out, QTextStream &err, QObject *parent)
    : QObject(parent)
    , m_out(out)
    , m_err(err)
    , m_client(new stripe::StripeClient(m_network, this))
{
}

void CliSession::call(const stripe::StripeRequest &request,
                      const std::function<void(const QJsonObject &)> &onSuccess)
{
    m_client->send(request, this, [this, onSuccess](const stripe::StripeResponse &response) {
        if (!response.ok()) {
            printError(response.error);
            finish(exitCodeFor(response.error.kind));
            return;
        }
        onSuccess(response.json);
    });
}

void CliSession::listAll(const stripe::StripeRequest &firstPage, int maxItems)
{
    auto *pager = new stripe::StripePager(*m_client, firstPage, this);
    pager->setMaxItems(maxItems);
    connect(pager, &stripe::StripePager::page, this, [this](const QJsonArray &items) {
        for (const QJsonValue &item : items)
            print(item.toObject());
    });
    connect(pager, &stripe::StripePager::finished, this, [this, pager](const stripe::StripeError &error) {
        pager->deleteLater();
        if (error.isError()) {
            printError(error);
            finish(exitCodeFor(error.kind));
            return;
        }
        finish(ExitOk);
    });
    pager->start();
}

void CliSession::print(const QJsonObject &object)
{
    if (m_json)
        m_out << QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact)) << '\n';
    else
        m_out << CliFormatter::line(object) << '\n';
    m_out.flush();
}

void CliSession::printError(const stripe::StripeError &error)
{
    m_err << "error: " << stripe::StripeError::kindName(error.kind);
    if (error.httpStatus > 0)
        m_err << " (HTTP " << error.httpStatus << ')';
    m_err << '\n';
    if (!error.code.isEmpty())
        m_err << "  code: " << error.code << '\n';
    if (!error.declineCode.isEmpty())
        m_err << "  decline_code: " << error.declineCode << '\n';
    if (!error.param.isEmpty())
        m_err << "  param: " << error.param << '\n';
    m_err << "  message: " << error.message << '\n';
    if (!error.paymentIntentId.isEmpty())
        m_err << "  payment_intent: " << error.paymentIntentId << '\n';
    m_err << "  request_id: " << (error.requestId.isEmpty() ? u"(no answer)"_s : error.requestId) << '\n';
    if (error.kind == stripe::StripeError::Kind::Card) {
        const stripe::DeclineMessages::Advice advice = stripe::DeclineMessages::forError(error);
        m_err << "  for the customer: " << advice.reason << ' ' << advice.nextStep << '\n';
    }
    m_err.flush();
}

void CliSession::usage(const QString &message)
{
    m_err << "kassa-cli: " << message << "\nRun kassa-cli --help for the commands and options.\n";
    m_err.flush();
    finish(ExitUsage);
}

void CliSession::finish(int exitCode)
{
    if (m_finished)
        return;
    m_finished = true;
    m_out.flush();
    m_err.flush();
    emit finished(exitCode);
}

} // namespace kassa::cli
