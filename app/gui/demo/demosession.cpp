// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/gui/demo/demosession.h"

#include "app/gui/shell/storeworker.h"
#include "services/refunds/refundrequestservice.h"
#include "services/security/auditlog.h"
#include "services/security/userservice.h"
#include "services/store/database.h"
#include "services/store/migrations.h"
#include "services/store/paymentrepository.h"
#include "services/store/syncstaterepository.h"
#include "services/stripe/stripeclient.h"
#include "services/sync/backfill.h"
#include "services/sync/eventpoller.h"
#include "services/sync/outbox.h"
#include "sim/simulator.h"

#include <QDir>
#include <QLocale>
#include <QNetworkAccessManager>
#include <QTemporaryDir>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace kassa::gui {

namespace {

// The backfill talks to the simulator on this machine: Stripe's pace for test keys (25 requests a
// second) would only make the demo start slower.
constexpr int DemoRequestRate = 1000;

} // namespace

DemoSession::DemoSession(const Options &options, QObject *parent)
    : QObject(parent)
    , m_options(options)
{
}

DemoSession::~DemoSession()
{
    // Services before the store and the client they use, the client before the simulator it talks to.
    m_refunds.reset();
    m_outbox.reset();
    m_backfill.reset();
    m_audit.reset();
    m_client.reset();
    m_network.reset();
    m_db.reset();
    m_simulator.reset();
}

QList<DemoUser> DemoSession::users()
{
    // The owner first: a new store's first user must be one.
    return {{u"olga"_s, u"Olga Owner"_s, Role::Owner, u"1111"_s},
            {u"max"_s, u"Max Manager"_s, Role::Manager, u"2222"_s},
            {u"cara"_s, u"Cara Cashier"_s, Role::Cashier, u"3333"_s}};
}

QString DemoSession::apiKey()
{
    return u"sk_test_kassademo12345678"_s;
}

QString DemoSession::tillId()
{
    return u"demo-till"_s;
}

QString DemoSession::dataDir() const
{
    return m_dataDir;
}

bool DemoSession::prepareDataDir(QString *error)
{
    if (m_options.dataDir.isEmpty()) {
        m_tempDir = std::make_unique<QTemporaryDir>(QDir::tempPath() + u"/kassa-demo-XXXXXX"_s);
        if (!m_tempDir->isValid()) {
            *error = u"cannot create a temporary folder: "_s + m_tempDir->errorString();
            return false;
        }
        m_dataDir = m_tempDir->path();
        return true;
    }
    // Only the demo's own subfolder is emptied, never the folder it was given.
    QDir dir(QDir(m_options.dataDir).filePath(u"demo"_s));
    if (dir.exists() && !dir.removeRecursively()) {
        *error = u"cannot empty the demo folder "_s + dir.path();
        return false;
    }
    if (!dir.mkpath(u"."_s)) {
        *error = u"cannot create the demo folder "_s + dir.path();
        return false;
    }
    m_dataDir = dir.absolutePath();
    return true;
}

void DemoSession::start()
{
    QString error;
    if (!prepareDataDir(&error))
        return fail(error);

    emit progress(u"Starting the simulated Stripe account"_s);
    m_simulator = std::make_unique<sim::Simulator>();
    m_simulator->setRandomSeed(m_options.seed);
    if (!m_simulator->listen())
        return fail(u"the simulator cannot listen on 127.0.0.1: "_s + m_simulator->errorString());
    m_simulator->seedDemo(m_options.payments);

    m_config = store::DatabaseConfig::sqlite(QDir(m_dataDir).filePath(u"kassa.sqlite"_s));
    store::StoreResult<std::unique_ptr<store::Database>> opened = store::Database::open(m_config);
    if (!opened.ok())
        return fail(u"cannot open the demo store: "_s + opened.error().toString());
    m_db = std::move(opened).value();
    if (const store::StoreError migrated = store::Migrations::migrate(*m_db); migrated.isError())
        return fail(u"cannot prepare the demo store: "_s + migrated.toString());

    m_network = std::make_unique<QNetworkAccessManager>();
    m_client = std::make_unique<stripe::StripeClient>(*m_network);
    m_client->setApiBase(m_simulator->baseUrl());
    m_client->setApiKey(apiKey());
    m_client->setRate(DemoRequestRate);
    m_audit = std::make_unique<security::AuditLog>(*m_db, tillId());
    m_outbox = std::make_unique<sync::Outbox>(*m_db, *m_client);
    m_refunds = std::make_unique<refunds::RefundRequestService>(*m_db, *m_outbox, *m_audit);

    emit progress(u"Copying the shop's payments into the store"_s);
    m_backfillStartedAt = m_db->now();
    m_backfill = std::make_unique<sync::Backfill>(*m_db, *m_client);
    connect(m_backfill.get(), &sync::Backfill::progress, this,
            [this](const QString &, qint64 done, qint64 total) {
                const QLocale locale;
                emit progress(u"Copying the shop's payments into the store: %1 of about %2"_s.arg(
                    locale.toString(done), locale.toString(total)));
            });
    connect(m_backfill.get(), &sync::Backfill::finished, this, &DemoSession::onBackfillFinished);
    m_backfill->start();
}

void DemoSession::onBackfillFinished(bool ok, const QString &error)
{
    if (!ok)
        return fail(u"the backfill from the simulator failed: "_s + error);
    // The store holds everything up to the backfill's start, so the events poller begins there (with its
    // overlap) instead of re-reading the simulator's 30 days of events and re-fetching their objects.
    if (const store::StoreError saved = store::SyncStateRepository(*m_db).setInteger(
            QString::fromLatin1(sync::EventPoller::WatermarkKey), m_backfillStartedAt);
        saved.isError())
        return fail(u"cannot save the events watermark: "_s + saved.toString());
    emit progress(u"Adding the demo users"_s);
    // Three PBKDF2 hashes: on a worker thread, so that the splash screen keeps painting.
    using Added = std::pair<QList<security::ActingUser>, QString>;
    const security::PinHasher hasher = m_options.hasher;
    runOnStoreThread<Added>(
        m_config, this,
        [hasher](store::Database *db, const QString &openError) -> Added {
            if (!db)
                return {{}, openError};
            security::AuditLog audit(*db, tillId());
            security::UserService service(*db, audit, hasher);
            QList<security::ActingUser> added;
            security::ActingUser owner;
            for (const DemoUser &user : users()) {
                const security::SecurityResult<security::User> result =
                    service.addUser(owner, {user.name, user.displayName, user.role}, user.pin);
                if (!result.ok())
                    return {{}, user.name + u": "_s + result.error().message};
                const security::ActingUser actor{result.value().id, result.value().name, result.value().role,
                                                 tillId()};
                if (user.role == Role::Owner)
                    owner = actor;
                added.append(actor);
            }
            return {added, {}};
        },
        [this](const Added &added) { onUsersAdded(added.first, added.second); });
}

void DemoSession::onUsersAdded(const QList<security::ActingUser> &added, const QString &error)
{
    if (!error.isEmpty())
        return fail(u"cannot add the demo users: "_s + error);
    const auto cashier = std::find_if(added.begin(), added.end(),
                                      [](const security::ActingUser &u) { return u.role == Role::Cashier; });
    if (cashier == added.end())
        return fail(u"the demo has no cashier"_s);

    // A recent card payment with nothing refunded yet: the one a customer brings back.
    store::PaymentFilter filter;
    filter.statuses = {u"succeeded"_s};
    store::PageRequest request;
    request.limit = 50;
    const auto page = store::PaymentRepository(*m_db).page(filter, request);
    if (!page.ok())
        return fail(u"cannot read the demo payments: "_s + page.error().toString());
    QString paymentId;
    for (const store::PaymentRow &row : page.value().rows) {
        if (row.amountRefunded.minorUnits() == 0 && row.amountReceived.minorUnits() >= 500) {
            paymentId = row.id;
            break;
        }
    }
    if (paymentId.isEmpty())
        return fail(u"the demo store has no payment to refund"_s);

    emit progress(u"Adding a refund request for the manager"_s);
    refunds::RefundRequestService::NewRequest newRequest;
    newRequest.paymentIntentId = paymentId;
    newRequest.reason = RefundReason::RequestedByCustomer;
    newRequest.note = u"Customer brought the item back unopened"_s;
    m_refunds->request(*cashier, newRequest, [this](const refunds::RefundRequestOutcome &outcome) {
        if (outcome.kind != refunds::RefundRequestOutcome::Kind::Pending)
            return fail(u"the demo refund request was not stored: "_s + outcome.message);
        m_requestId = outcome.request.id;
        m_requestPaymentId = outcome.request.paymentIntentId;
        m_ready = true;
        emit ready();
    });
}

void DemoSession::fail(const QString &error)
{
    if (m_failed)
        return;
    m_failed = true;
    emit failed(error);
}

} // namespace kassa::gui
