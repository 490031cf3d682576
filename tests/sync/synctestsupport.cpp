// SPDX-License-Identifier: GPL-3.0-or-later
#include "synctestsupport.h"

#include "services/store/migrations.h"
#include "services/store/storeingest.h"
#include "services/stripe/resources/paymentintents.h"
#include "services/stripe/resources/terminalreaders.h"
#include "services/stripe/stripepager.h"

#include <QEventLoop>
#include <QJsonArray>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;

namespace kassa::sync::test {

bool SyncFixture::setUp(const QString &backend, QString *message, bool *skip)
{
    *skip = false;
    const store::test::TestStore::Status status = store.create(backend, message);
    if (status != store::test::TestStore::Status::Ready) {
        *skip = status == store::test::TestStore::Status::Skip;
        return false;
    }
    store::StoreResult<std::unique_ptr<store::Database>> opened = store.open();
    if (!opened.ok()) {
        *message = opened.error().toString();
        return false;
    }
    db = std::move(opened).value();
    const store::StoreError migrated = store::Migrations::migrate(*db);
    if (migrated.isError()) {
        *message = migrated.toString();
        return false;
    }
    simulator = std::make_unique<sim::Simulator>();
    if (!simulator->listen()) {
        *message = simulator->errorString();
        return false;
    }
    stripe::StripeClient::Options options;
    options.apiBase = simulator->baseUrl();
    client = std::make_unique<stripe::StripeClient>(network, options);
    client->setApiKey(QString::fromLatin1(TestApiKey));
    client->setRate(1000);
    return true;
}

QUrl SyncFixture::simUrl() const
{
    return simulator->baseUrl();
}

stripe::StripeResponse SyncFixture::call(const stripe::StripeRequest &request, int timeoutMs)
{
    std::optional<stripe::StripeResponse> answer;
    client->send(request, client.get(), [&answer](const stripe::StripeResponse &r) { answer = r; });
    if (!QTest::qWaitFor([&answer] { return answer.has_value(); }, timeoutMs))
        return {};
    return *answer;
}

bool TillFixture::setUp(const QString &backend, QString *message, bool *skip, const Outbox::Options &options)
{
    if (!SyncFixture::setUp(backend, message, skip))
        return false;
    m_outboxOptions = options;
    outbox = std::make_unique<Outbox>(*db, *client, m_outboxOptions);
    return true;
}

void TillFixture::restartOutbox()
{
    outbox.reset();
    outbox = std::make_unique<Outbox>(*db, *client, m_outboxOptions);
}

QString TillFixture::readerId(int timeoutMs)
{
    const stripe::StripeResponse readers = call(stripe::TerminalReaders::list(), timeoutMs);
    return readers.json.value(u"data"_s).toArray().first().toObject().value(u"id"_s).toString();
}

QString TillFixture::makeCustomer(const stripe::Customers::Params &params, int timeoutMs)
{
    const stripe::StripeResponse made = call(stripe::Customers::create(params), timeoutMs);
    if (!made.ok())
        return {};
    if (!store::StoreIngest(*db).upsert(made.json, db->now()).ok())
        return {};
    return made.json.value(u"id"_s).toString();
}

bool waitForSale(sale::Sale &sale, sale::Sale::State state, int timeoutMs)
{
    const bool reached = QTest::qWaitFor([&] { return sale.state() == state; }, timeoutMs);
    if (!reached)
        qWarning() << "sale is" << sale::Sale::stateName(sale.state()) << "not"
                   << sale::Sale::stateName(state) << ":" << sale.result().reason << sale.result().errorCode
                   << sale.lastRefusal();
    return reached;
}

sale::SaleOptions fastSaleOptions()
{
    sale::SaleOptions options;
    options.pollInitialMs = 30;
    options.pollMaxMs = 150;
    options.unknownRecheckMs = 0;
    options.checkoutSuccessUrl = u"https://shop.example/thanks"_s;
    return options;
}

customers::SavedMethodService::Options fastSavedMethodOptions()
{
    customers::SavedMethodService::Options options;
    options.testMode = true;
    options.checkoutSuccessUrl = u"https://shop.example/saved"_s;
    options.pollInitialMs = 30;
    options.pollMaxMs = 150;
    return options;
}

QList<QJsonObject> listAll(stripe::StripeClient &client, const QString &path, const QStringList &expand)
{
    stripe::StripeParams params;
    params.add(u"limit"_s, 100);
    for (const QString &e : expand)
        params.expand(e);
    stripe::StripePager pager(client, stripe::StripeRequest::get(path, params));
    QList<QJsonObject> out;
    QObject::connect(&pager, &stripe::StripePager::page, [&out](const QJsonArray &items) {
        for (const QJsonValue &item : items)
            out.append(item.toObject());
    });
    bool failed = false;
    QObject::connect(&pager, &stripe::StripePager::finished,
                     [&failed](const stripe::StripeError &error) { failed = error.isError(); });
    QSignalSpy finished(&pager, &stripe::StripePager::finished);
    pager.start();
    if (!finished.wait(60'000) || failed)
        return {};
    return out;
}

stripe::StripeRequest saleRequest(const QString &orderRef, qint64 amount, const QString &paymentMethod)
{
    stripe::PaymentIntents::CreateParams params;
    params.amount = Money(amount, Currency::fromCode(u"usd"_s).value());
    params.paymentMethodId = paymentMethod;
    params.confirm = true;
    params.metadata.insert(u"order_ref"_s, orderRef);
    return stripe::PaymentIntents::create(params);
}

QHash<QString, QStringList> succeededByOrderRef(stripe::StripeClient &client)
{
    QHash<QString, QStringList> out;
    for (const QJsonObject &pi : listAll(client, u"/v1/payment_intents"_s)) {
        if (pi.value(u"status"_s).toString() == u"succeeded"_s)
            out[pi.value(u"metadata"_s).toObject().value(u"order_ref"_s).toString()].append(
                pi.value(u"id"_s).toString());
    }
    return out;
}

QProcessEnvironment cliEnvironment(const QString &loggingRules)
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(u"KASSA_STRIPE_API_KEY"_s, QString::fromLatin1(TestApiKey));
    environment.insert(u"QT_LOGGING_RULES"_s, loggingRules);
    return environment;
}

int postHostedForm(const QUrl &url, const QByteArray &form)
{
    QNetworkAccessManager network;
    QNetworkRequest request(url);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    request.setRawHeader("Content-Type", "application/x-www-form-urlencoded");
    request.setTransferTimeout(10'000);
    QNetworkReply *reply = network.post(request, form);
    // The simulator answers from this thread's event loop: wait in one.
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    if (!reply->isFinished())
        loop.exec();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    delete reply;
    return status;
}

} // namespace kassa::sync::test
